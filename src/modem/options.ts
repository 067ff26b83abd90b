/**
 * The modem's own option types: what a board config must give it. The board config schema
 * (daemon/config/schema.ts) builds its `modem` section from these lists and is checked against these types.
 */

/** Vendor AT dialects (profiles/); "sim" is the simulated modem on a pseudo-terminal. */
export const MODEM_PROFILES = ['generic', 'quectel-ec25', 'simcom-sim7600', 'ublox-toby-l2', 'sim'] as const;
export type ModemProfile = (typeof MODEM_PROFILES)[number];

/** SMS delivery: +CMT routed directly, +CMTI stored and indexed, or cmt with a fallback to cmti. */
export const SMS_MODES = ['cmt', 'cmti', 'auto'] as const;
export type SmsMode = (typeof SMS_MODES)[number];

/** PDP types of AT+CGDCONT. */
export const PDP_TYPES = ['IP', 'IPV6', 'IPV4V6'] as const;
export type PdpType = (typeof PDP_TYPES)[number];

/** AT command timeouts overriding the profile: a default and entries per command name (`+COPS`). */
export interface TimeoutOverrides {
  default?: number;
  perCommand?: Record<string, number>;
}

/** The board config values the modem needs, with the port resolved (the sim board makes its own). */
export interface ModemSettings {
  readonly profile: ModemProfile;
  readonly port: string;
  readonly baudRate: number;
  readonly smsMode: SmsMode;
  readonly apn: string;
  readonly pdpType: PdpType;
  readonly cid: number;
  readonly timeouts?: TimeoutOverrides | undefined;
}
