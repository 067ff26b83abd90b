/* Error conversion and argument helpers shared by every feature file. */
#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h> /* uv_err_name: errno -> "ENOENT" the same way Node names its own errors (glibc or musl) */

static bool set_value(napi_env env, napi_value obj, const char *key, napi_value v) {
  return napi_set_named_property(env, obj, key, v) == napi_ok;
}

napi_value bcastd_throw_errno(napi_env env, int err, const char *syscall, const char *path) {
  /* On Unix libuv error codes are negated errno values, so uv_err_name(-err) is the errno name. */
  const char *code = uv_err_name(-err);
  char message[512];
  if (path != NULL)
    snprintf(message, sizeof message, "%s: %s, %s '%s'", code, strerror(err), syscall, path);
  else
    snprintf(message, sizeof message, "%s: %s, %s", code, strerror(err), syscall);

  napi_value msg, error, v;
  if (napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg) != napi_ok) return NULL;
  if (napi_create_error(env, NULL, msg, &error) != napi_ok) return NULL;
  if (napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &v) == napi_ok) set_value(env, error, "code", v);
  if (napi_create_int32(env, -err, &v) == napi_ok) set_value(env, error, "errno", v);
  if (napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &v) == napi_ok) set_value(env, error, "syscall", v);
  if (path != NULL && napi_create_string_utf8(env, path, NAPI_AUTO_LENGTH, &v) == napi_ok)
    set_value(env, error, "path", v);
  napi_throw(env, error);
  return NULL;
}

napi_value bcastd_throw_arg(napi_env env, const char *code, const char *message) {
  napi_throw_type_error(env, code, message);
  return NULL;
}

bool bcastd_arg_fd(napi_env env, napi_value v, const char *name, int *out) {
  char message[128];
  napi_valuetype t;
  double d;
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  if (t != napi_number || napi_get_value_double(env, v, &d) != napi_ok || d != (double)(int)d || d < 0) {
    snprintf(message, sizeof message, "The \"%s\" argument must be a non-negative integer file descriptor", name);
    bcastd_throw_arg(env, "ERR_INVALID_ARG_TYPE", message);
    return false;
  }
  *out = (int)d;
  return true;
}

bool bcastd_arg_string(napi_env env, napi_value v, const char *name, char **out, size_t *len) {
  char message[128];
  napi_valuetype t;
  size_t n;
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  if (t != napi_string) {
    snprintf(message, sizeof message, "The \"%s\" argument must be of type string", name);
    bcastd_throw_arg(env, "ERR_INVALID_ARG_TYPE", message);
    return false;
  }
  if (napi_get_value_string_utf8(env, v, NULL, 0, &n) != napi_ok) return false;
  char *buf = malloc(n + 1);
  if (buf == NULL) {
    bcastd_throw_errno(env, ENOMEM, "malloc", NULL);
    return false;
  }
  if (napi_get_value_string_utf8(env, v, buf, n + 1, &n) != napi_ok) {
    free(buf);
    return false;
  }
  *out = buf;
  if (len != NULL) *len = n;
  return true;
}

bool bcastd_set_int(napi_env env, napi_value obj, const char *key, int64_t value) {
  napi_value v;
  return napi_create_int64(env, value, &v) == napi_ok && set_value(env, obj, key, v);
}

bool bcastd_set_string(napi_env env, napi_value obj, const char *key, const char *value) {
  napi_value v;
  return napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &v) == napi_ok && set_value(env, obj, key, v);
}

bool bcastd_set_bool(napi_env env, napi_value obj, const char *key, bool value) {
  napi_value v;
  return napi_get_boolean(env, value, &v) == napi_ok && set_value(env, obj, key, v);
}

bool bcastd_export_fn(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  return napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn) == napi_ok &&
         set_value(env, exports, name, fn);
}
