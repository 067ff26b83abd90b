/**
 * Which NAF keys become MUK and MRK (SPEC §6). This is the ONE module holding the GBA_ME project choice.
 * - GBA_U [C]: MRK = Ks_ext_NAF (leaves the card), MUK = Ks_int_NAF (never leaves the card).
 * - GBA_ME [U — SPEC §6 project choice]: MUK = Ks_NAF and MRK = Ks_NAF. TS 33.246 adds a separation
 *   step whose text was not available; correct it here once read.
 * The Digest login to the BSM (SPEC §6) lives here too. The simulated BSM imports this module so both ends agree.
 */
import { deriveKsNaf, nafId, UA_PROTOCOL_ID_MBMS } from './gba-kdf.js';
import { base64Into, base64Length } from './bytes.js';
import { Secret } from './secret.js';

export type GbaMode = 'gba-u' | 'gba-me';

/** NAF_ID of the BSM: FQDN || 01 00 00 00 01 (MBMS / OMA BCAST 1.0). */
export function bsmNafId(bsmFqdn: string): Buffer {
  return nafId(bsmFqdn, UA_PROTOCOL_ID_MBMS);
}

/** GBA_ME: MRK and MUK from Ks = CK||IK. [U] both equal Ks_NAF. */
export function gbaMeKeys(input: { ck: Uint8Array; ik: Uint8Array; rand: Uint8Array; impi: string; nafId: Uint8Array }): {
  mrk: Secret;
  muk: Secret;
} {
  const ksNaf = deriveKsNaf({ ck: input.ck, ik: input.ik, rand: input.rand, impi: input.impi, nafId: input.nafId, kind: 'gba-me' });
  const keys = { mrk: new Secret(ksNaf), muk: new Secret(ksNaf) };
  ksNaf.fill(0);
  return keys;
}

/** Network side (simulated BSM): the MUK/MRK it holds for a bootstrapped Ks of either flavour. */
export function networkNafKeys(input: { ks: Uint8Array; rand: Uint8Array; impi: string; nafId: Uint8Array; mode: GbaMode }): {
  mrk: Secret;
  muk: Secret;
} {
  const base = { ks: input.ks, rand: input.rand, impi: input.impi, nafId: input.nafId };
  if (input.mode === 'gba-me') {
    return gbaMeKeys({ ck: input.ks.subarray(0, 16), ik: input.ks.subarray(16, 32), rand: input.rand, impi: input.impi, nafId: input.nafId });
  }
  const ext = deriveKsNaf({ ...base, kind: 'gba-me' });
  const int = deriveKsNaf({ ...base, kind: 'gba-u' });
  const keys = { mrk: new Secret(ext), muk: new Secret(int) };
  ext.fill(0);
  int.fill(0);
  return keys;
}

/**
 * [U] SPEC §6: the Digest password is the base64 form of the MRK (Ks_ext_NAF / Ks_NAF). It is lent to
 * `use` as ASCII bytes in a Secret (locked memory when the daemon installed it) and zeroed when `use`
 * returns: no JS string of the MRK or its base64 is ever made, so none can linger in the V8 heap.
 */
export function withBsmDigestPassword<T>(mrk: Secret, use: (password: Buffer) => T): T {
  const key = mrk.reveal();
  const box = new Secret(new Uint8Array(base64Length(key.length)));
  try {
    base64Into(key, box.reveal(), 0);
    return use(box.reveal());
  } finally {
    box.wipe();
  }
}

/** [C] realm of the BSM challenge: `3GPP-bootstrapping@<FQDN>` (GBA_ME), `3GPP-bootstrapping-uicc@<FQDN>` (GBA_U). */
export function bsmRealm(mode: GbaMode, bsmFqdn: string): string {
  return mode === 'gba-u' ? `3GPP-bootstrapping-uicc@${bsmFqdn}` : `3GPP-bootstrapping@${bsmFqdn}`;
}
