/**
 * How the terminal authenticates to the BSM (SPEC §6): Digest username = B-TID, realm per GBA flavour.
 * [U — SPEC §6 project choice] password = base64(MRK). This is the ONE place deciding it; the
 * simulated BSM imports it so both ends agree.
 */
import { Secret, base64Into, base64Length } from '../crypto/index.js';
import type { GbaMode } from '../gba/naf-keys.js';

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

export interface BsmCredentials {
  btid: string;
  mrk: Secret;
  mode: GbaMode;
}

/** Where the BSM client gets its credentials: the GBA client, seen narrowly. */
export interface BsmCredentialSource {
  current(): Promise<BsmCredentials>;
  /** The BSM rejected the B-TID: bootstrap again before the next current(). */
  invalidate(why: string): void;
}

/** Adapts a GbaClient (or anything shaped like it). */
export function credentialsFromGba(gba: {
  ensureBootstrapped(): Promise<{ btid: string; mrk: Secret; mode: GbaMode }>;
  invalidate(why: string): void;
}): BsmCredentialSource {
  return {
    current: async () => {
      const s = await gba.ensureBootstrapped();
      return { btid: s.btid, mrk: s.mrk, mode: s.mode };
    },
    invalidate: (why) => gba.invalidate(why),
  };
}
