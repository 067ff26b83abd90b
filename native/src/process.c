/* Process-wide protection of key material: the moment the addon loads, the process stops being dumpable
 * (PR_SET_DUMPABLE 0): no core file is written on a crash or SIGABRT, and other processes of the same user
 * cannot ptrace it or read its /proc/<pid>/mem. isDumpable() reports the flag for tests and diagnostics. */
#include "common.h"
#ifdef __linux__
#include <sys/prctl.h>

static napi_value is_dumpable(napi_env env, napi_callback_info info) {
  napi_value out;
  napi_get_boolean(env, prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1, &out);
  return out;
}

napi_status bcastd_register_process(napi_env env, napi_value exports) {
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  napi_value fn;
  napi_status st = napi_create_function(env, "isDumpable", NAPI_AUTO_LENGTH, is_dumpable, NULL, &fn);
  if (st != napi_ok) return st;
  return napi_set_named_property(env, exports, "isDumpable", fn);
}
#else
napi_status bcastd_register_process(napi_env env, napi_value exports) { return napi_ok; }
#endif
