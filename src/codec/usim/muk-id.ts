/**
 * Which stored MUK a MIKEY MSK message is for. MUK ID = IDi || IDr (TS 33.246): IDr is the B-TID,
 * IDi the NAF ID of the BSM. [U] (SPEC §3.3/§8, project choice): the MIKEY IDi may carry the whole
 * NAF_ID (FQDN || 5-byte Ua security protocol id, as given to NAF derivation) or only the FQDN;
 * both name the same MUK. This is the ONE place that decides it, for the card and the terminal.
 */

const UA_PROTOCOL_ID_LENGTH = 5;

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

export interface StoredMukId {
  /** NAF_ID as used at NAF derivation. */
  nafId: Uint8Array;
  /** B-TID bytes. */
  btid: Uint8Array;
}

export function mukIdMatches(idi: Uint8Array, idr: Uint8Array, stored: StoredMukId): boolean {
  if (!same(idr, stored.btid)) return false;
  if (same(idi, stored.nafId)) return true;
  const n = stored.nafId.length - UA_PROTOCOL_ID_LENGTH;
  return n > 0 && same(idi, stored.nafId.subarray(0, n));
}
