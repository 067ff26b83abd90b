/**
 * How the simulated network announces a released PDP context: the +CGEV forms of TS 27.007 §10.1.19 and
 * the vendor spellings the modem layer must understand (SPEC §9).
 */
export type PdpReleaseVariant =
  | 'nw-pdn-deact'
  | 'me-pdn-deact'
  | 'nw-deact'
  | 'nw-deact-bearer'
  | 'nw-deact-no-cid'
  | 'pdn-deact'
  | 'eps-pdn-deact'
  | 'nw-detach'
  | 'cid0'
  | 'silent';

export const PDP_RELEASE_VARIANTS: readonly PdpReleaseVariant[] = [
  'nw-pdn-deact',
  'me-pdn-deact',
  'nw-deact',
  'nw-deact-bearer',
  'nw-deact-no-cid',
  'pdn-deact',
  'eps-pdn-deact',
  'nw-detach',
  'cid0',
  'silent',
];

export interface ReleasedContext {
  readonly cid: number;
  readonly type: string;
  readonly address: string;
}

/** The URC lines (without CR LF) for releasing `contexts`; [] for `silent`. */
export function releaseLines(variant: PdpReleaseVariant, contexts: readonly ReleasedContext[]): string[] {
  switch (variant) {
    case 'nw-detach':
      return ['+CGEV: NW DETACH'];
    case 'silent':
      return [];
    default:
      return contexts.map((c) => {
        switch (variant) {
          case 'nw-pdn-deact':
            return `+CGEV: NW PDN DEACT ${c.cid}`; // 27.007 Rel-8+
          case 'me-pdn-deact':
            return `+CGEV: ME PDN DEACT ${c.cid}`; // the modem itself (SIM7600 floods)
          case 'nw-deact':
            return `+CGEV: NW DEACT "${c.type}","${c.address}",${c.cid}`; // pre-Rel-8 form with cid
          case 'nw-deact-bearer':
            return `+CGEV: NW DEACT ${c.cid},${c.cid},0`; // Rel-8 <p_cid>,<cid>,<event_type>
          case 'nw-deact-no-cid':
            return `+CGEV: NW DEACT "${c.type}","${c.address}"`; // pre-Rel-8, address only
          case 'pdn-deact':
            return `+CGEV: PDN DEACT ${c.cid}`; // older 27.007 / Fibocom
          case 'eps-pdn-deact':
            return `+CGEV: EPS PDN DEACT ${c.cid}`; // SIMCom A76xx / SIM7x00
          case 'cid0':
            return '+CGEV: NW PDN DEACT 0'; // LTE default bearer reported as cid 0
        }
      });
  }
}
