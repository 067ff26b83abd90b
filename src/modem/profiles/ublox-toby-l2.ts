/**
 * u-blox TOBY-L2 (LTE Cat 4).
 * Sources: u-blox TOBY-L2/MPCI-L2 AT Commands Manual (AT+UBMCONF networking mode, AT+UDCONF settings);
 * oFono plugins/ublox.c puts TOBY-L2 high-throughput modules in bridge mode with "AT+UBMCONF=2" before
 * powering them; its ubloxmodem gprs-context then only needs AT+CGACT and reads settings back.
 * AT+UBMCONF takes effect after a reboot, so it is a provisioning step, not something the engine sends
 * on every initialisation (that would reboot-loop); the profile checks it, read-only.
 */
import type { ModemProfileSpec } from './types.js';

export const ubloxTobyL2Profile: ModemProfileSpec = {
  name: 'ublox-toby-l2',
  description: 'u-blox TOBY-L2 LTE Cat 4 (bridge mode, AT+UBMCONF=2, provisioned beforehand)',
  init: () => [{ command: 'AT+UBMCONF?', optional: true, why: 'log the networking mode (router/bridge) the board was provisioned with' }],
  bootUrcs: [],
  sms: {
    cnma: 'AT+CNMA',
    storage: 'SM',
  },
  registration: ['+CEREG', '+CGREG', '+CREG'],
  // In bridge mode the host configures the interface from AT+CGCONTRDP; no vendor call command.
  dataUp: () => [],
  dataDown: () => [],
  timeouts: { perCommand: { '+UBMCONF': 2_000 } },
};
