/**
 * The narrow card port the GBA client needs (TS 31.102 AUTHENTICATE, 3G and GBA contexts). The card
 * adapter (src/card) implements it over PC/SC; tests use a software double. Card status words map to
 * GbaCardError reasons: 98 62 → 'mac-failure', 98 64 → 'not-supported'.
 */
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

export type Aka3gResult = { res: Uint8Array; ck: Uint8Array; ik: Uint8Array } | { auts: Uint8Array };
export type GbaBootstrapResult = { res: Uint8Array } | { auts: Uint8Array };

export interface GbaCard {
  /**
   * GBA_ME done by the card adapter itself (the terminal's key store beside the USIM): gbaBootstrap keeps
   * Ks = CK || IK there and gbaNafDerivation derives Ks_NAF (also the MUK) there, so the client never holds
   * CK, IK or the MUK. Without it, GBA_ME runs authenticate3g and the client derives the keys.
   */
  readonly keepsMeKeys?: boolean;
  identity(): Promise<GbaCardIdentity>;
  capabilities(): Promise<GbaCardCapabilities>;
  /** GBA_ME: AUTHENTICATE 3G context. */
  authenticate3g(rand: Uint8Array, autn: Uint8Array): Promise<Aka3gResult>;
  /** GBA_U: AUTHENTICATE GBA context, bootstrapping mode (Ks stays on the card). */
  gbaBootstrap(rand: Uint8Array, autn: Uint8Array): Promise<GbaBootstrapResult>;
  /** GBA_U: the BSF accepted the bootstrapping; the card records B-TID and lifetime (EF_GBABP). */
  bootstrapped?(btid: string, lifetime: Date): Promise<void>;
  /** GBA_U: AUTHENTICATE GBA context, NAF derivation mode → Ks_ext_NAF. */
  gbaNafDerivation(nafId: Uint8Array, impi: string): Promise<Uint8Array>;
}

export type GbaCardErrorReason = 'mac-failure' | 'not-supported' | 'card-error';

/** What a card adapter throws when the card refuses an AUTHENTICATE. */
export class GbaCardError extends Error {
  override readonly name = 'GbaCardError';
  constructor(
    readonly reason: GbaCardErrorReason,
    message: string,
  ) {
    super(message);
  }
}
