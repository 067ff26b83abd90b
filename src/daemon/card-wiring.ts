// The card adapter seen through the narrow ports the GBA client and the LTKM listener define.
import { CardAuthError, ContextNotSupportedError, KeyFreshnessError, type Card } from '../card/index.js';
import { GbaCardError, type GbaCard } from '../gba/index.js';
import { LtkmRejected, type LtkmProcessor } from '../bsm/index.js';

function ready(card: Card) {
  const info = card.info;
  if (!info || card.state !== 'ready') throw new GbaCardError('card-error', `the USIM is not ready (${card.state})`);
  return info;
}

function asGbaError(err: unknown): never {
  if (err instanceof CardAuthError) throw new GbaCardError('mac-failure', err.message);
  if (err instanceof ContextNotSupportedError) throw new GbaCardError('not-supported', err.message);
  if (err instanceof GbaCardError) throw err;
  throw new GbaCardError('card-error', err instanceof Error ? err.message : String(err));
}

export function gbaCard(card: Card): GbaCard {
  return {
    // GBA_ME keys (Ks, Ks_NAF = MUK) stay in the card adapter, which also does the ME-side MIKEY processing.
    keepsMeKeys: true,
    identity: async () => {
      const info = ready(card);
      return { imsi: info.imsi, mncLength: info.mncLength };
    },
    capabilities: async () => {
      const caps = ready(card).capabilities;
      return { gbaU: caps.gbaMode === 'gba-u', mbms: caps.mbmsService };
    },
    authenticate3g: async (rand, autn) => {
      const r = await card.authenticate3g(rand, autn).catch(asGbaError);
      if (r.kind === 'sync-failure') return { auts: r.auts };
      return { res: r.res.reveal(), ck: r.ck.reveal(), ik: r.ik.reveal() };
    },
    gbaBootstrap: async (rand, autn) => {
      const r = await card.bootstrap(rand, autn).catch(asGbaError);
      return r.kind === 'sync-failure' ? { auts: r.auts } : { res: r.res.reveal() };
    },
    bootstrapped: async (btid, lifetime) => {
      await card.setBootstrapInfo(btid, lifetime.toISOString()).catch(asGbaError);
    },
    gbaNafDerivation: async (nafId, impi) => {
      const k = await card.deriveNafKey(nafId, impi).catch(asGbaError);
      return k.reveal();
    },
  };
}

/** MSK messages (and key-less solicited pulls) are checked and stored by the USIM (GBA_U) or the ME side of the
 * card adapter (GBA_ME). */
export function cardLtkmProcessor(card: Card): LtkmProcessor {
  return {
    processMskMessage: async (raw) => {
      try {
        const r = await card.mskUpdate(raw);
        return {
          ...(r.verification ? { verification: r.verification } : {}),
          stored: r.stored ? { keyDomainId: r.keyDomainId, mskId: { ...r.mskId } } : null,
        };
      } catch (err) {
        if (err instanceof CardAuthError) throw new LtkmRejected('mac', err.message);
        if (err instanceof KeyFreshnessError) throw new LtkmRejected('replay', err.message);
        throw err;
      }
    },
  };
}
