/* Shared helpers of the bcastd addon: error conversion and export registration.
 * Each feature file (pty.c, sd_notify.c, ...) exposes one bcastd_register_<feature>() that adds its
 * functions to the exports object; a feature that does not exist on the build platform registers
 * nothing, and the TypeScript wrapper reports the missing function by name. */
#ifndef BCASTD_NATIVE_COMMON_H
#define BCASTD_NATIVE_COMMON_H

#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Throw a Node-style system error: message "CODE: text, syscall 'path'", properties code ('ENOENT'),
 * errno (negative, as Node's own fs/net errors), syscall and, when given, path. Returns NULL so a
 * callback can `return bcastd_throw_errno(...)`. */
napi_value bcastd_throw_errno(napi_env env, int err, const char *syscall, const char *path);

/* Throw a TypeError with code ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE. Returns NULL. */
napi_value bcastd_throw_arg(napi_env env, const char *code, const char *message);

/* Argument readers: on failure they throw and return false. */
bool bcastd_arg_fd(napi_env env, napi_value v, const char *name, int *out);
/* Copies a JS string into a malloc'd NUL-terminated buffer (caller frees); *len excludes the NUL. */
bool bcastd_arg_string(napi_env env, napi_value v, const char *name, char **out, size_t *len);

/* Property setters for result objects; return false when N-API failed (an exception is pending). */
bool bcastd_set_int(napi_env env, napi_value obj, const char *key, int64_t value);
bool bcastd_set_string(napi_env env, napi_value obj, const char *key, const char *value);
bool bcastd_set_bool(napi_env env, napi_value obj, const char *key, bool value);
bool bcastd_export_fn(napi_env env, napi_value exports, const char *name, napi_callback cb);

napi_status bcastd_register_fd(napi_env env, napi_value exports);
napi_status bcastd_register_pty(napi_env env, napi_value exports);
napi_status bcastd_register_sd_notify(napi_env env, napi_value exports);
napi_status bcastd_register_gpio(napi_env env, napi_value exports);
napi_status bcastd_register_secure_memory(napi_env env, napi_value exports);
napi_status bcastd_register_tcp(napi_env env, napi_value exports);
napi_status bcastd_register_process(napi_env env, napi_value exports);

#define BCASTD_CALL(env, call, ret)      \
  do {                                   \
    if ((call) != napi_ok) return (ret); \
  } while (0)

#endif
