/**
 * Where the BSM client's Digest login comes from: username = B-TID, password and realm from the MRK and the
 * GBA flavour (SPEC §6; decided once, in crypto/gba-naf-keys.ts, which the simulated BSM shares).
 */
import type { Secret } from '../crypto/index.js';
import type { GbaMode } from '../crypto/gba-naf-keys.js';

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
