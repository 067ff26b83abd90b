/**
 * What the inserted card can do for MBMS, and which GBA flavour the terminal runs with it. GBA_U
 * needs both UST service 68 (GBA) and 69 (MBMS security): the MUK (Ks_int_NAF) then stays on the
 * card and the card processes MSK / MTK messages. Otherwise (an AKA-only card) the terminal runs
 * GBA_ME and does the MIKEY processing itself. Service 75 (OMA BCAST Smart Card Profile) is reported, not
 * required: the card's MBMS context answers in either response form (SPEC §8).
 */
import { CardStateError } from './errors.js';

export type GbaModeSetting = 'auto' | 'gba-u' | 'gba-me';

export interface CardCapabilities {
  /** UST service 68. */
  gbaService: boolean;
  /** UST service 69. */
  mbmsService: boolean;
  /** UST service 75: OMA BCAST Smart Card Profile. */
  bcastScpService: boolean;
  /** The flavour in use. */
  gbaMode: 'gba-u' | 'gba-me';
  /** Where MSK / MTK messages are processed. */
  mikeyOn: 'card' | 'me';
}

export function resolveCapabilities(ust: { gbaService: boolean; mbmsService: boolean; bcastScpService: boolean }, setting: GbaModeSetting): CardCapabilities {
  const cardCan = ust.gbaService && ust.mbmsService;
  if (setting === 'gba-u' && !cardCan) {
    throw new CardStateError(
      `board config asks for GBA_U but the USIM lacks ${[!ust.gbaService && 'GBA (service 68)', !ust.mbmsService && 'MBMS security (service 69)'].filter(Boolean).join(' and ')}`,
    );
  }
  const gbaMode = setting === 'gba-me' || !cardCan ? 'gba-me' : 'gba-u';
  return { gbaService: ust.gbaService, mbmsService: ust.mbmsService, bcastScpService: ust.bcastScpService, gbaMode, mikeyOn: gbaMode === 'gba-u' ? 'card' : 'me' };
}
