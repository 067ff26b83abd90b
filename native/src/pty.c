/* Pseudo-terminals for the simulated modem: the simulator owns the master, the daemon opens the slave
 * with npm serialport exactly as it opens a real /dev/ttyUSB*.
 *
 * openpty()  -> { masterFd, slaveFd, slavePath, ptyNumber }
 *   master: O_NONBLOCK (read through libuv), FD_CLOEXEC; slave: raw termios (cfmakeraw), FD_CLOEXEC.
 *   The slave fd is handed back so the wrapper can hold it open for the pair's lifetime: while no
 *   process has the slave open, reads on the master fail with EIO and epoll reports HUP, which would
 *   make libuv tear down the master stream between two serialport sessions.
 * ptyInfo(masterFd) -> { ptyNumber, slavePath, inputBytes, baudRate, stopBits, rtscts, hupcl }
 *   The line settings are the slave's (on Linux, termios requests on a master act on its slave), so
 *   the simulator can see what the daemon configured. Data bits and parity are not reported: the pty
 *   driver forces CS8 without parity whatever the slave's user asks for. */
#include "common.h"

#if defined(__linux__)

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static int add_fd_flag(int fd, int get, int set, int flag) {
  int flags = fcntl(fd, get);
  if (flags == -1) return -1;
  return fcntl(fd, set, flags | flag);
}

static napi_value js_openpty(napi_env env, napi_callback_info info) {
  int master = -1, slave = -1;
  const char *failed = "openpty";
  char path[128];
  struct termios tio;

  /* openpty(3) cannot set O_CLOEXEC atomically; the flags are added right after, on the JS thread,
   * before that thread can spawn a child process. Close the fds with closeFd() (fd.c). */
  if (openpty(&master, &slave, NULL, NULL, NULL) == -1) return bcastd_throw_errno(env, errno, failed, NULL);
  if (add_fd_flag(master, F_GETFD, F_SETFD, FD_CLOEXEC) == -1 ||
      add_fd_flag(slave, F_GETFD, F_SETFD, FD_CLOEXEC) == -1) {
    failed = "fcntl";
    goto fail;
  }
  if (add_fd_flag(master, F_GETFL, F_SETFL, O_NONBLOCK) == -1) {
    failed = "fcntl";
    goto fail;
  }
  if (tcgetattr(slave, &tio) == -1) {
    failed = "tcgetattr";
    goto fail;
  }
  cfmakeraw(&tio); /* no echo, no CR/NL mapping, 8 bits: every byte value passes untouched */
  if (tcsetattr(slave, TCSANOW, &tio) == -1) {
    failed = "tcsetattr";
    goto fail;
  }
  int err = ptsname_r(master, path, sizeof path);
  if (err != 0) {
    errno = err;
    failed = "ptsname_r";
    goto fail;
  }
  int number = -1;
  if (ioctl(master, TIOCGPTN, &number) == -1) {
    failed = "ioctl(TIOCGPTN)";
    goto fail;
  }

  napi_value result;
  if (napi_create_object(env, &result) != napi_ok || !bcastd_set_int(env, result, "masterFd", master) ||
      !bcastd_set_int(env, result, "slaveFd", slave) || !bcastd_set_string(env, result, "slavePath", path) ||
      !bcastd_set_int(env, result, "ptyNumber", number)) {
    close(master);
    close(slave);
    return NULL;
  }
  return result;

fail:
  err = errno;
  close(master);
  close(slave);
  return bcastd_throw_errno(env, err, failed, NULL);
}

/* Bxxx constant -> bits per second; the table covers every constant Linux defines. */
static const struct {
  speed_t code;
  int64_t bps;
} SPEEDS[] = {
    {B0, 0},           {B50, 50},         {B75, 75},         {B110, 110},       {B134, 134},
    {B150, 150},       {B200, 200},       {B300, 300},       {B600, 600},       {B1200, 1200},
    {B1800, 1800},     {B2400, 2400},     {B4800, 4800},     {B9600, 9600},     {B19200, 19200},
    {B38400, 38400},   {B57600, 57600},   {B115200, 115200}, {B230400, 230400}, {B460800, 460800},
    {B500000, 500000}, {B576000, 576000}, {B921600, 921600}, {B1000000, 1000000}, {B1152000, 1152000},
    {B1500000, 1500000}, {B2000000, 2000000}, {B2500000, 2500000}, {B3000000, 3000000},
    {B3500000, 3500000}, {B4000000, 4000000},
};

static int64_t speed_bps(speed_t code) {
  for (size_t i = 0; i < sizeof SPEEDS / sizeof SPEEDS[0]; i++)
    if (SPEEDS[i].code == code) return SPEEDS[i].bps;
  return -1; /* BOTHER or unknown: not representable through termios(3) */
}

static napi_value js_pty_info(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int fd, number, queued;
  char path[128];
  struct termios tio;
  BCASTD_CALL(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL), NULL);
  if (argc < 1) return bcastd_throw_arg(env, "ERR_MISSING_ARGS", "The \"masterFd\" argument must be specified");
  if (!bcastd_arg_fd(env, argv[0], "masterFd", &fd)) return NULL;

  if (ioctl(fd, TIOCGPTN, &number) == -1) return bcastd_throw_errno(env, errno, "ioctl(TIOCGPTN)", NULL);
  int err = ptsname_r(fd, path, sizeof path);
  if (err != 0) return bcastd_throw_errno(env, err, "ptsname_r", NULL);
  if (ioctl(fd, FIONREAD, &queued) == -1) return bcastd_throw_errno(env, errno, "ioctl(FIONREAD)", NULL);
  if (tcgetattr(fd, &tio) == -1) return bcastd_throw_errno(env, errno, "tcgetattr", NULL);

  napi_value result;
  if (napi_create_object(env, &result) != napi_ok || !bcastd_set_int(env, result, "ptyNumber", number) ||
      !bcastd_set_string(env, result, "slavePath", path) || !bcastd_set_int(env, result, "inputBytes", queued) ||
      !bcastd_set_int(env, result, "baudRate", speed_bps(cfgetospeed(&tio))) ||
      !bcastd_set_int(env, result, "stopBits", (tio.c_cflag & CSTOPB) ? 2 : 1) ||
      !bcastd_set_bool(env, result, "rtscts", (tio.c_cflag & CRTSCTS) != 0) ||
      !bcastd_set_bool(env, result, "hupcl", (tio.c_cflag & HUPCL) != 0))
    return NULL;
  return result;
}

napi_status bcastd_register_pty(napi_env env, napi_value exports) {
  if (!bcastd_export_fn(env, exports, "openpty", js_openpty) ||
      !bcastd_export_fn(env, exports, "ptyInfo", js_pty_info))
    return napi_generic_failure;
  return napi_ok;
}

#else /* not Linux: no pseudo-terminal support in this addon */

napi_status bcastd_register_pty(napi_env env, napi_value exports) { return napi_ok; }

#endif
