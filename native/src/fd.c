/* File descriptors the addon hands out: readiness polling on Node's own event loop, and close.
 *
 * new FdPoller(fd, onEvent(err: Error | null, events: number))
 *   .start(events)  watch for pollEvents.readable | writable | disconnect (replaces the previous set)
 *   .stop()         stop watching (the poller may be started again)
 *   .close()        stop for good and release the libuv handle (idempotent; later start() throws
 *                   EBADF); the fd itself stays open
 * pollEvents -> { readable, writable, disconnect }   (libuv's UV_READABLE ... values)
 * closeFd(fd)
 *
 * Why a poller instead of tty.ReadStream / net.Socket({ fd }): libuv flags a pty master tty handle
 * UV_HANDLE_BLOCKING_WRITES (it cannot reopen a master in non-blocking mode), so a write larger than
 * the pty buffer spins on EAGAIN inside the event loop until the reader drains it - a deadlock when
 * that reader (serialport on the slave) lives in the same process. And any read error (EIO while no
 * slave is open) destroys such a stream and closes the fd. With readiness events the wrapper does
 * non-blocking read/write itself and decides what EIO means. GPIO line-event fds will use it too.
 *
 * A started poller keeps its JS object alive (strong reference) so events keep arriving even when the
 * caller holds no reference; stop()/close() drop it again. */
#include "common.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <uv.h>

typedef struct {
  uv_poll_t *handle; /* separate allocation: libuv may still own it after close(), until on_uv_close */
  napi_env env;
  napi_ref self;     /* weak while stopped, strong while started; deleted by the finalizer */
  napi_ref callback; /* strong until close() */
  napi_async_context async;
  bool active;
  bool closed;
} fd_poller;

static void on_uv_close(uv_handle_t *handle) { free(handle); }

/* Stop for good and let go of the callback and the libuv handle; the JS object stays usable (its
 * methods report EBADF) until the garbage collector runs finalize(). */
static void poller_release(fd_poller *p) {
  if (p->closed) return;
  p->closed = true;
  if (p->active) {
    p->active = false;
    uv_poll_stop(p->handle);
    if (p->self != NULL) napi_reference_unref(p->env, p->self, NULL);
  }
  if (p->callback != NULL) napi_delete_reference(p->env, p->callback);
  if (p->async != NULL) napi_async_destroy(p->env, p->async);
  p->callback = NULL;
  p->async = NULL;
  uv_close((uv_handle_t *)p->handle, on_uv_close);
}

static void finalize(napi_env env, void *data, void *hint) {
  fd_poller *p = data;
  poller_release(p);
  if (p->self != NULL) napi_delete_reference(env, p->self);
  free(p);
}

static napi_value make_uv_error(napi_env env, int status) {
  napi_value msg, code, error;
  if (napi_create_string_utf8(env, uv_strerror(status), NAPI_AUTO_LENGTH, &msg) != napi_ok ||
      napi_create_string_utf8(env, uv_err_name(status), NAPI_AUTO_LENGTH, &code) != napi_ok ||
      napi_create_error(env, code, msg, &error) != napi_ok)
    return NULL;
  return error;
}

static void on_uv_poll(uv_poll_t *handle, int status, int events) {
  fd_poller *p = handle->data;
  napi_env env = p->env;
  napi_handle_scope scope;
  if (p->closed || napi_open_handle_scope(env, &scope) != napi_ok) return;

  napi_value self, callback, argv[2], result;
  if (napi_get_reference_value(env, p->self, &self) == napi_ok && self != NULL &&
      napi_get_reference_value(env, p->callback, &callback) == napi_ok) {
    if (status < 0) {
      argv[0] = make_uv_error(env, status);
      napi_create_int32(env, 0, &argv[1]);
    } else {
      napi_get_null(env, &argv[0]);
      napi_create_int32(env, events, &argv[1]);
    }
    /* make_callback runs the microtask queue afterwards and keeps async_hooks context; a throwing
     * handler becomes an 'uncaughtException' like any other event-loop callback. */
    if (napi_make_callback(env, p->async, self, callback, 2, argv, &result) == napi_pending_exception) {
      napi_value exception;
      napi_get_and_clear_last_exception(env, &exception);
      napi_fatal_exception(env, exception);
    }
  }
  napi_close_handle_scope(env, scope);
}

static fd_poller *unwrap(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  napi_value self;
  fd_poller *p = NULL;
  if (napi_get_cb_info(env, info, argc, argv, &self, NULL) != napi_ok) return NULL;
  if (napi_unwrap(env, self, (void **)&p) != napi_ok || p == NULL) {
    bcastd_throw_arg(env, "ERR_INVALID_THIS", "FdPoller method called on an incompatible receiver");
    return NULL;
  }
  return p;
}

static napi_value js_poller_new(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], self, new_target, name;
  napi_valuetype t;
  int fd;
  BCASTD_CALL(env, napi_get_new_target(env, info, &new_target), NULL);
  if (new_target == NULL) return bcastd_throw_arg(env, "ERR_CONSTRUCT_CALL_REQUIRED", "Class constructor FdPoller cannot be invoked without 'new'");
  BCASTD_CALL(env, napi_get_cb_info(env, info, &argc, argv, &self, NULL), NULL);
  if (argc < 2) return bcastd_throw_arg(env, "ERR_MISSING_ARGS", "The \"fd\" and \"onEvent\" arguments must be specified");
  if (!bcastd_arg_fd(env, argv[0], "fd", &fd)) return NULL;
  BCASTD_CALL(env, napi_typeof(env, argv[1], &t), NULL);
  if (t != napi_function) return bcastd_throw_arg(env, "ERR_INVALID_ARG_TYPE", "The \"onEvent\" argument must be of type function");

  uv_loop_t *loop;
  BCASTD_CALL(env, napi_get_uv_event_loop(env, &loop), NULL);
  fd_poller *p = calloc(1, sizeof *p);
  uv_poll_t *handle = malloc(sizeof *handle);
  if (p == NULL || handle == NULL) {
    free(p);
    free(handle);
    return bcastd_throw_errno(env, ENOMEM, "malloc", NULL);
  }
  /* uv_poll_init also puts the fd in non-blocking mode; EEXIST if another libuv handle watches it */
  int r = uv_poll_init(loop, handle, fd);
  if (r != 0) {
    free(p);
    free(handle);
    return bcastd_throw_errno(env, -r, "uv_poll_init", NULL);
  }
  handle->data = p;
  p->handle = handle;
  p->env = env;
  if (napi_create_string_utf8(env, "bcastd:FdPoller", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_async_init(env, self, name, &p->async) != napi_ok ||
      napi_create_reference(env, argv[1], 1, &p->callback) != napi_ok) {
    poller_release(p);
    free(p);
    return NULL;
  }
  if (napi_wrap(env, self, p, finalize, NULL, &p->self) != napi_ok) {
    poller_release(p);
    free(p);
    return NULL;
  }
  return self;
}

static napi_value js_poller_start(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t events;
  fd_poller *p = unwrap(env, info, &argc, argv);
  if (p == NULL) return NULL;
  if (p->closed) return bcastd_throw_errno(env, EBADF, "uv_poll_start", NULL);
  if (argc < 1 || napi_get_value_int32(env, argv[0], &events) != napi_ok ||
      (events & ~(UV_READABLE | UV_WRITABLE | UV_DISCONNECT)) != 0)
    return bcastd_throw_arg(env, "ERR_INVALID_ARG_VALUE", "The \"events\" argument must be a combination of pollEvents");
  if (events == 0) {
    if (p->active) {
      uv_poll_stop(p->handle);
      p->active = false;
      napi_reference_unref(env, p->self, NULL);
    }
    return NULL;
  }
  int r = uv_poll_start(p->handle, events, on_uv_poll);
  if (r != 0) return bcastd_throw_errno(env, -r, "uv_poll_start", NULL);
  if (!p->active) {
    p->active = true;
    napi_reference_ref(env, p->self, NULL);
  }
  return NULL;
}

static napi_value js_poller_stop(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  fd_poller *p = unwrap(env, info, &argc, NULL);
  if (p == NULL) return NULL;
  if (p->active && !p->closed) {
    uv_poll_stop(p->handle);
    p->active = false;
    napi_reference_unref(env, p->self, NULL);
  }
  return NULL;
}

static napi_value js_poller_close(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  fd_poller *p = unwrap(env, info, &argc, NULL);
  if (p != NULL) poller_release(p);
  return NULL;
}

static napi_value js_close_fd(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int fd;
  BCASTD_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  if (argc < 1) return bcastd_throw_arg(env, "ERR_MISSING_ARGS", "The \"fd\" argument must be specified");
  if (!bcastd_arg_fd(env, argv[0], "fd", &fd)) return NULL;
  /* On Linux the descriptor is released even when close() reports EINTR: never retry. */
  if (close(fd) == -1 && errno != EINTR) return bcastd_throw_errno(env, errno, "close", NULL);
  return NULL;
}

napi_status bcastd_register_fd(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
      {"start", NULL, js_poller_start, NULL, NULL, NULL, napi_default_method, NULL},
      {"stop", NULL, js_poller_stop, NULL, NULL, NULL, napi_default_method, NULL},
      {"close", NULL, js_poller_close, NULL, NULL, NULL, napi_default_method, NULL},
  };
  napi_value cls, events;
  if (napi_define_class(env, "FdPoller", NAPI_AUTO_LENGTH, js_poller_new, NULL, 3, methods, &cls) != napi_ok ||
      napi_set_named_property(env, exports, "FdPoller", cls) != napi_ok || napi_create_object(env, &events) != napi_ok ||
      !bcastd_set_int(env, events, "readable", UV_READABLE) || !bcastd_set_int(env, events, "writable", UV_WRITABLE) ||
      !bcastd_set_int(env, events, "disconnect", UV_DISCONNECT) || napi_object_freeze(env, events) != napi_ok ||
      napi_set_named_property(env, exports, "pollEvents", events) != napi_ok ||
      !bcastd_export_fn(env, exports, "closeFd", js_close_fd))
    return napi_generic_failure;
  return napi_ok;
}
