/* sd_notify(3) without libsystemd: one AF_UNIX SOCK_DGRAM datagram to the notification socket.
 * Node's dgram module has no unix-domain datagrams, hence this file.
 *
 * sdNotify(message: string, socketPath?: string) -> boolean
 *   socketPath defaults to $NOTIFY_SOCKET; '@name' is an abstract-namespace socket. Returns false when
 *   no socket is configured (not started by systemd), true once the datagram is sent, and throws a
 *   system error otherwise. The socket is non-blocking: a full receive queue throws EAGAIN instead of
 *   stalling the event loop (systemd drains it at once; a watchdog ping is simply sent again). */
#include "common.h"

#if defined(__linux__)

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static napi_value js_sd_notify(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_valuetype t = napi_undefined;
  char *message = NULL, *path = NULL;
  size_t message_len, path_len;
  napi_value result = NULL;
  BCASTD_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  if (argc < 1) return bcastd_throw_arg(env, "ERR_MISSING_ARGS", "The \"message\" argument must be specified");
  if (!bcastd_arg_string(env, argv[0], "message", &message, &message_len)) return NULL;

  if (argc >= 2) BCASTD_CALL(env, napi_typeof(env, argv[1], &t), (free(message), NULL));
  if (t == napi_undefined || t == napi_null) {
    const char *env_path = getenv("NOTIFY_SOCKET");
    if (env_path != NULL) {
      path = strdup(env_path);
      path_len = strlen(env_path);
    }
  } else if (!bcastd_arg_string(env, argv[1], "socketPath", &path, &path_len)) {
    free(message);
    return NULL;
  }

  if (path == NULL || path_len == 0) {
    napi_get_boolean(env, false, &result);
    goto done;
  }

  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if ((path[0] != '/' && path[0] != '@') || path_len >= sizeof addr.sun_path) {
    /* systemd also accepts vsock: addresses; a Linux board's NOTIFY_SOCKET is a path or '@name' */
    bcastd_throw_errno(env, path_len >= sizeof addr.sun_path ? ENAMETOOLONG : EAFNOSUPPORT, "connect", path);
    goto done;
  }
  memcpy(addr.sun_path, path, path_len);
  if (path[0] == '@') addr.sun_path[0] = '\0'; /* abstract namespace: the length counts, no NUL */
  socklen_t addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + path_len + (path[0] == '/' ? 1 : 0));

  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd == -1) {
    bcastd_throw_errno(env, errno, "socket", NULL);
    goto done;
  }
  ssize_t sent;
  do sent = sendto(fd, message, message_len, MSG_NOSIGNAL, (struct sockaddr *)&addr, addr_len);
  while (sent == -1 && errno == EINTR);
  int err = errno;
  close(fd);
  if (sent == -1)
    bcastd_throw_errno(env, err, "sendto", path);
  else if ((size_t)sent != message_len)
    bcastd_throw_errno(env, EMSGSIZE, "sendto", path);
  else
    napi_get_boolean(env, true, &result);

done:
  free(message);
  free(path);
  return result;
}

napi_status bcastd_register_sd_notify(napi_env env, napi_value exports) {
  return bcastd_export_fn(env, exports, "sdNotify", js_sd_notify) ? napi_ok : napi_generic_failure;
}

#else /* no systemd outside Linux */

napi_status bcastd_register_sd_notify(napi_env env, napi_value exports) { return napi_ok; }

#endif
