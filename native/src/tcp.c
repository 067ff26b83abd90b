/* TCP_QUICKACK for sockets Node made (net.Socket has setNoDelay but no quick-ack knob).
 *
 * tcpQuickAck(fd)            setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, 1): leave delayed-ACK mode now and push
 *                            an ACK already scheduled. Linux drops back to delayed ACKs by itself, so a caller
 *                            that needs it re-arms after each read: this is one syscall, nothing else.
 * tcpQuickAckGet(fd) -> bool getsockopt of the same option (true = quick-ack mode), for tests and diagnostics.
 * Errors are Node-style system errors (EBADF, ENOTSOCK, EOPNOTSUPP for a non-TCP socket …), syscall
 * 'setsockopt(TCP_QUICKACK)' / 'getsockopt(TCP_QUICKACK)'. Linux only: elsewhere nothing is registered. */
#include "common.h"

#if defined(__linux__)

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

static bool arg_socket_fd(napi_env env, napi_callback_info info, int *fd) {
  size_t argc = 1;
  napi_value argv[1];
  BCASTD_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL), false);
  if (argc < 1) {
    bcastd_throw_arg(env, "ERR_MISSING_ARGS", "The \"fd\" argument must be specified");
    return false;
  }
  return bcastd_arg_fd(env, argv[0], "fd", fd);
}

static napi_value js_tcp_quick_ack(napi_env env, napi_callback_info info) {
  int fd, one = 1;
  if (!arg_socket_fd(env, info, &fd)) return NULL;
  if (setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one) == -1)
    return bcastd_throw_errno(env, errno, "setsockopt(TCP_QUICKACK)", NULL);
  return NULL;
}

static napi_value js_tcp_quick_ack_get(napi_env env, napi_callback_info info) {
  int fd, value = 0;
  socklen_t len = sizeof value;
  napi_value result;
  if (!arg_socket_fd(env, info, &fd)) return NULL;
  if (getsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &value, &len) == -1)
    return bcastd_throw_errno(env, errno, "getsockopt(TCP_QUICKACK)", NULL);
  BCASTD_CALL(env, napi_get_boolean(env, value != 0, &result), NULL);
  return result;
}

napi_status bcastd_register_tcp(napi_env env, napi_value exports) {
  return bcastd_export_fn(env, exports, "tcpQuickAck", js_tcp_quick_ack) &&
                 bcastd_export_fn(env, exports, "tcpQuickAckGet", js_tcp_quick_ack_get)
             ? napi_ok
             : napi_generic_failure;
}

#else /* TCP_QUICKACK is a Linux option */

napi_status bcastd_register_tcp(napi_env env, napi_value exports) { return napi_ok; }

#endif
