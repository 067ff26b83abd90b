/** WDP port numbers (IANA / WAP-259 WDP) that say how an SMS datagram is to be read. */
export const WDP_PORT = {
  /** Connectionless WAP push: a WSP push PDU (SPEC §1). */
  wapPush: 2948,
  /** Connectionless WAP push over WTLS. */
  wapPushSecure: 2949,
  /** WSP connectionless session service: the usual source port of a push. */
  wsp: 9200,
} as const;
