/* GPIO output lines through the Linux GPIO character device (/dev/gpiochipN), for the modem's reset and
 * power lines. The sysfs GPIO interface is deprecated and absent on current kernels; the chardev is the
 * one interface a board can rely on.
 *
 * gpioRequestOutput(chipPath, offset, activeLow, consumer, value) -> { fd, abi }
 *   Requests one line as an output driven to the logical `value` (active = true), through the v2 uAPI
 *   (GPIO_V2_GET_LINE_IOCTL, Linux >= 5.10) or, when the kernel does not know it (ENOTTY/EINVAL), the v1
 *   uAPI (GPIO_GET_LINEHANDLE_IOCTL). `fd` is the line request; `abi` (2 or 1) says which set ioctl it
 *   takes. The line stays requested, holding its value, until closeFd(fd) (fd.c).
 * gpioSetValue(fd, abi, value)
 *   Drives the requested line to the logical `value` (the kernel applies active-low).
 * Errors are Node-style system errors: code ('ENOENT', 'EBUSY', 'EINVAL', 'ENOTTY'…), errno, syscall
 * ('open' / 'ioctl'), path (the chip). */
#include "common.h"

#if defined(__linux__)

#include <errno.h>
#include <fcntl.h>
#include <linux/gpio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static bool arg_u32(napi_env env, napi_value v, const char *name, uint32_t *out) {
  napi_valuetype t;
  double d;
  char message[96];
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  if (t != napi_number || napi_get_value_double(env, v, &d) != napi_ok || d < 0 || d > 4294967295.0 || d != (double)(uint32_t)d) {
    snprintf(message, sizeof message, "The \"%s\" argument must be a non-negative integer", name);
    bcastd_throw_arg(env, "ERR_INVALID_ARG_TYPE", message);
    return false;
  }
  *out = (uint32_t)d;
  return true;
}

static bool arg_bool(napi_env env, napi_value v, const char *name, bool *out) {
  char message[96];
  if (napi_get_value_bool(env, v, out) == napi_ok) return true;
  snprintf(message, sizeof message, "The \"%s\" argument must be of type boolean", name);
  bcastd_throw_arg(env, "ERR_INVALID_ARG_TYPE", message);
  return false;
}

static int xioctl(int fd, unsigned long request, void *arg) {
  int r;
  do r = ioctl(fd, request, arg);
  while (r == -1 && errno == EINTR);
  return r;
}

#ifdef GPIO_V2_GET_LINE_IOCTL
static int request_v2(int chip, uint32_t offset, bool active_low, const char *consumer, bool value) {
  struct gpio_v2_line_request req;
  memset(&req, 0, sizeof req);
  req.offsets[0] = offset;
  req.num_lines = 1;
  strncpy(req.consumer, consumer, sizeof req.consumer - 1);
  req.config.flags = GPIO_V2_LINE_FLAG_OUTPUT | (active_low ? GPIO_V2_LINE_FLAG_ACTIVE_LOW : 0);
  req.config.num_attrs = 1;
  req.config.attrs[0].attr.id = GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES;
  req.config.attrs[0].attr.values = value ? 1 : 0;
  req.config.attrs[0].mask = 1; /* bit 0 = the first (only) line of the request */
  return xioctl(chip, GPIO_V2_GET_LINE_IOCTL, &req) == -1 ? -1 : req.fd;
}
#endif

static int request_v1(int chip, uint32_t offset, bool active_low, const char *consumer, bool value) {
  struct gpiohandle_request req;
  memset(&req, 0, sizeof req);
  req.lineoffsets[0] = offset;
  req.lines = 1;
  req.flags = GPIOHANDLE_REQUEST_OUTPUT | (active_low ? GPIOHANDLE_REQUEST_ACTIVE_LOW : 0);
  req.default_values[0] = value ? 1 : 0;
  strncpy(req.consumer_label, consumer, sizeof req.consumer_label - 1);
  return xioctl(chip, GPIO_GET_LINEHANDLE_IOCTL, &req) == -1 ? -1 : req.fd;
}

static napi_value js_gpio_request_output(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  char *path = NULL, *consumer = NULL;
  uint32_t offset;
  bool active_low, value;
  napi_value result = NULL;
  BCASTD_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  if (argc < 5) return bcastd_throw_arg(env, "ERR_MISSING_ARGS", "gpioRequestOutput(chipPath, offset, activeLow, consumer, value)");
  if (!bcastd_arg_string(env, argv[0], "chipPath", &path, NULL)) return NULL;
  if (!arg_u32(env, argv[1], "offset", &offset) || !arg_bool(env, argv[2], "activeLow", &active_low) ||
      !bcastd_arg_string(env, argv[3], "consumer", &consumer, NULL))
    goto done;
  if (!arg_bool(env, argv[4], "value", &value)) goto done;

  int chip = open(path, O_RDWR | O_CLOEXEC);
  if (chip == -1) {
    bcastd_throw_errno(env, errno, "open", path);
    goto done;
  }
  int abi = 2, line = -1, err = ENOTTY;
#ifdef GPIO_V2_GET_LINE_IOCTL
  line = request_v2(chip, offset, active_low, consumer, value);
  err = errno;
#endif
  if (line == -1 && (err == ENOTTY || err == EINVAL)) {
    /* a pre-5.10 kernel (or headers) without the v2 uAPI; a real EINVAL (bad offset) fails v1 the same way */
    abi = 1;
    line = request_v1(chip, offset, active_low, consumer, value);
    err = errno;
  }
  close(chip); /* the line request fd lives on without the chip fd */
  if (line == -1) {
    bcastd_throw_errno(env, err, "ioctl", path);
    goto done;
  }
  if (napi_create_object(env, &result) != napi_ok || !bcastd_set_int(env, result, "fd", line) ||
      !bcastd_set_int(env, result, "abi", abi)) {
    close(line);
    result = NULL;
  }

done:
  free(path);
  free(consumer);
  return result;
}

static napi_value js_gpio_set_value(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int fd;
  uint32_t abi;
  bool value;
  BCASTD_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  if (argc < 3) return bcastd_throw_arg(env, "ERR_MISSING_ARGS", "gpioSetValue(fd, abi, value)");
  if (!bcastd_arg_fd(env, argv[0], "fd", &fd) || !arg_u32(env, argv[1], "abi", &abi) || !arg_bool(env, argv[2], "value", &value))
    return NULL;
  int r;
  if (abi == 2) {
#ifdef GPIO_V2_LINE_SET_VALUES_IOCTL
    struct gpio_v2_line_values v = {.bits = value ? 1 : 0, .mask = 1};
    r = xioctl(fd, GPIO_V2_LINE_SET_VALUES_IOCTL, &v);
#else
    errno = ENOTSUP;
    r = -1;
#endif
  } else if (abi == 1) {
    struct gpiohandle_data d;
    memset(&d, 0, sizeof d);
    d.values[0] = value ? 1 : 0;
    r = xioctl(fd, GPIOHANDLE_SET_LINE_VALUES_IOCTL, &d);
  } else {
    return bcastd_throw_arg(env, "ERR_INVALID_ARG_VALUE", "The \"abi\" argument must be 1 or 2");
  }
  if (r == -1) return bcastd_throw_errno(env, errno, "ioctl", NULL);
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  return undefined;
}

napi_status bcastd_register_gpio(napi_env env, napi_value exports) {
  return bcastd_export_fn(env, exports, "gpioRequestOutput", js_gpio_request_output) &&
                 bcastd_export_fn(env, exports, "gpioSetValue", js_gpio_set_value)
             ? napi_ok
             : napi_generic_failure;
}

#else /* the GPIO character device is Linux-only */

napi_status bcastd_register_gpio(napi_env env, napi_value exports) { return napi_ok; }

#endif
