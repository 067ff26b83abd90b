/**
 * The network integration tests' terminal: the shared one of test/unit/sim-network/terminal.ts (the daemon's
 * card adapter over a virtual USIM, GBA + BSM clients, LTKM listener) with a USIM profile chosen by `gbaU`,
 * plus `keys`: what MSKs the card holds, asked through the card's own interface (no MSK ever leaves it).
 */
import { CardAuthError, KeyNotFoundError } from '../../../src/card/index.js';
import { buildStkm } from '../../../src/sim/network/stkm.js';
import { KEY_DOMAIN, SERVICES, SUBSCRIBER, startTerminal, type TerminalOptions } from '../../unit/sim-network/terminal.js';

export { KEY_DOMAIN, SERVICES, SUBSCRIBER };

export interface WorldOptions extends Omit<TerminalOptions, 'gbaMode' | 'profile'> {
  /** true: a 'full' USIM (GBA_U, MIKEY on the card); false: an 'aka-only' one (GBA_ME, MIKEY in the card adapter). */
  gbaU: boolean;
}

export async function startWorld(o: WorldOptions) {
  const { gbaU, ...rest } = o;
  const w = await startTerminal({ ...rest, profile: gbaU ? 'full' : 'aka-only' });
  const keys = {
    /**
     * A fresh STKM of the BSM under the current MSK of `serviceId`, fed to the card: the TEK the BSM put in
     * and the MTK the card took out. They are equal only when the card holds the BSM's MSK (and its RAND).
     */
    mtk: async (serviceId: string, opts: { mtkId?: number } = {}) => {
      const s = w.net.bsm.stkm(SUBSCRIBER.imsi, serviceId, opts);
      const out = await w.card.mtkGenerate(s.stkm);
      return { tek: Buffer.from(s.tek), mtk: out.mtk.reveal(), mtkId: out.mtkId };
    },
    /** Whether the card holds MSK (keyGroup, keyNumber) of the home Key Domain: an STKM under an MSK it lacks is refused as such. */
    holds: async (keyGroup: number, keyNumber: number): Promise<boolean> => {
      const zeros = new Uint8Array(16);
      const stkm = buildStkm({ msk: zeros, mskRand: zeros, csbId: 1, counter: 1, keyDomainId: Buffer.from(KEY_DOMAIN, 'hex'), mskId: { keyGroup, keyNumber }, mtkId: 1, tek: zeros });
      try {
        await w.card.mtkGenerate(stkm);
      } catch (e) {
        if (e instanceof KeyNotFoundError) return false;
        if (e instanceof CardAuthError) return true; // the MSK is there; this made-up STKM fails its MAC check
        throw e;
      }
      throw new Error('the card took an STKM under an all-zero MSK');
    },
  };
  return { ...w, keys };
}
