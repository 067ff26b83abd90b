/**
 * The narrow card port the GBA client needs. The card adapter (src/card, through src/daemon/card-wiring.ts)
 * implements it for both flavours: GBA_U on the USIM (AUTHENTICATE GBA context), GBA_ME in the terminal beside
 * the USIM (AUTHENTICATE 3G context, Ks = CK || IK and Ks_NAF kept there) — the client never holds CK, IK, Ks
 * or the MUK. Card status words map to GbaCardError reasons: 98 62 → 'mac-failure', 98 64 → 'not-supported'.
 */
import { ReasonedError } from '../util/reasoned-error.js';

export interface GbaCardIdentity {
  imsi: string;
  /** 2 or 3, from EF_AD. */
  mncLength: number;
}

export interface GbaCardCapabilities {
  /** EF_UST service 68 (GBA) with the GBA security context usable. */
  gbaU: boolean;
  /** EF_UST service 69 (MBMS security). */
  mbms: boolean;
}

export type GbaBootstrapResult = { res: Uint8Array } | { auts: Uint8Array };

export interface GbaCard {
  identity(): Promise<GbaCardIdentity>;
  capabilities(): Promise<GbaCardCapabilities>;
  /** The bootstrapping challenge: RES (the Ub Digest password) or AUTS; Ks stays with the card adapter. */
  gbaBootstrap(rand: Uint8Array, autn: Uint8Array): Promise<GbaBootstrapResult>;
  /** The BSF accepted the bootstrapping: the card records B-TID and lifetime (GBA_U: EF_GBABP). */
  bootstrapped?(btid: string, lifetime: Date): Promise<void>;
  /** The NAF key for the BSM: Ks_ext_NAF (GBA_U) or Ks_NAF (GBA_ME, which the card adapter also keeps as MUK). */
  gbaNafDerivation(nafId: Uint8Array, impi: string): Promise<Uint8Array>;
}

export type GbaCardErrorReason = 'mac-failure' | 'not-supported' | 'card-error';

/** What a card adapter throws when the card refuses an AUTHENTICATE. */
export class GbaCardError extends ReasonedError<GbaCardErrorReason> {
  override readonly name = 'GbaCardError';
}
