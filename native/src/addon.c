/* bcastd_native: the module entry point. Each feature area lives in its own file and registers its
 * exports here; a feature missing on the build platform simply adds nothing (the TypeScript wrapper
 * in src/native/ turns a missing export into a clear "not available on this platform" error). */
#include "common.h"

static napi_value init(napi_env env, napi_value exports) {
  /* First: no core dump or ptrace of a process that will hold keys. */
  if (bcastd_register_process(env, exports) != napi_ok) return NULL;
  if (bcastd_register_fd(env, exports) != napi_ok) return NULL;
  if (bcastd_register_pty(env, exports) != napi_ok) return NULL;
  if (bcastd_register_sd_notify(env, exports) != napi_ok) return NULL;
  if (bcastd_register_gpio(env, exports) != napi_ok) return NULL;
  if (bcastd_register_secure_memory(env, exports) != napi_ok) return NULL;
  if (bcastd_register_tcp(env, exports) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
