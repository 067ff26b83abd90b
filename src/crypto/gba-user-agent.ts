/**
 * The User-Agent of every request to the BSF and to a NAF (here the BSM): the product token that says
 * the UE supports 3GPP-bootstrapping based authentication (TS 24.109 Annex B.3 [C]; some NAFs reject a
 * request without it, with no challenge). GBA_U's `-uicc` token is [U] (SPEC §5). The one home of the
 * tokens: the terminal writes them, the simulated BSF/BSM read them with gbaProductToken().
 */
import type { GbaMode } from './gba-naf-keys.js';

export const GBA_PRODUCT_TOKEN: Record<GbaMode, string> = { 'gba-me': '3gpp-gba', 'gba-u': '3gpp-gba-uicc' };

/** `bcastd/<version> 3gpp-gba[-uicc]` (RFC 9110 §10.1.5: product tokens, most significant first). */
export function gbaUserAgent(mode: GbaMode, version?: string | null): string {
  return `${version ? `bcastd/${version}` : 'bcastd'} ${GBA_PRODUCT_TOKEN[mode]}`;
}

/** The GBA product token a User-Agent carries (its version, if any, ignored), or null. */
export function gbaProductToken(userAgent: string | undefined): GbaMode | null {
  if (!userAgent) return null;
  // Products are separated by whitespace; comments in parentheses are not products.
  const products = userAgent.replace(/\([^)]*\)/g, ' ').split(/[ \t]+/).map((p) => p.split('/')[0]!.toLowerCase());
  if (products.includes(GBA_PRODUCT_TOKEN['gba-u'])) return 'gba-u';
  if (products.includes(GBA_PRODUCT_TOKEN['gba-me'])) return 'gba-me';
  return null;
}
