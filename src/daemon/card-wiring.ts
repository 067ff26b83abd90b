// The card adapter seen through the narrow ports the GBA client and the LTKM listener define.
import { CardAuthError, CardRemovedError, CardStateError, CardStatusError, CardTransportError, ContextNotSupportedError, KeyFreshnessError, KeyNotFoundError, PcscUnavailableError, type Card } from '../card/index.js';
import { GbaCardError, type GbaCard } from '../gba/index.js';
import { LtkmRejected, LtkmUnavailable, type LtkmProcessor } from '../bsm/index.js';

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
    identity: async () => {
      const info = ready(card);
      return { imsi: info.imsi, mncLength: info.mncLength };
    },
    capabilities: async () => {
      const caps = ready(card).capabilities;
      return { gbaU: caps.gbaMode === 'gba-u', mbms: caps.mbmsService };
    },
    // GBA_ME too: the card adapter keeps Ks = CK || IK and Ks_NAF (= MUK) beside the USIM, and does the ME-side
    // MIKEY processing with them.
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

export interface LtkmReadiness {
  /**
   * Resolves true once keys the ME did not have yet may now exist (GBA has run since), false when there is nothing
   * to wait for: an LTKM that found no MUK is then tried once more instead of being dropped.
   */
  keysReady?(): Promise<boolean>;
}

/**
 * MSK messages (and key-less solicited pulls) are checked and stored by the USIM (GBA_U) or the ME side of the
 * card adapter (GBA_ME). One that finds no card (not ready yet at start, pulled out, pcscd gone) is not judged:
 * LtkmUnavailable, and the listener keeps it, in order, until the card is ready again. One that finds no MUK
 * before the first GBA run is tried once more when GBA has run.
 */
export function cardLtkmProcessor(card: Card, readiness?: LtkmReadiness): LtkmProcessor {
  const update = async (raw: Uint8Array) => {
    const r = await card.mskUpdate(raw);
    return {
      ...(r.verification ? { verification: r.verification } : {}),
      stored: r.stored ? { keyDomainId: r.keyDomainId, mskId: { ...r.mskId } } : null,
    };
  };
  return {
    processMskMessage: async (raw) => {
      try {
        try {
          return await update(raw);
        } catch (err) {
          if (err instanceof KeyNotFoundError && readiness?.keysReady && (await readiness.keysReady())) return await update(raw);
          throw err;
        }
      } catch (err) {
        if (err instanceof CardAuthError) throw new LtkmRejected('mac', err.message);
        if (err instanceof KeyFreshnessError) throw new LtkmRejected('replay', err.message);
        if (err instanceof KeyNotFoundError) throw new LtkmRejected('no-muk', err.message);
        if (err instanceof CardStatusError && err.code === 'wrong-data') throw new LtkmRejected('bad-message', err.message);
        // Not judged: no card, no reader, no pcscd. The listener keeps the message for when the card is back.
        if (err instanceof CardRemovedError || err instanceof CardTransportError || err instanceof PcscUnavailableError || err instanceof CardStateError) {
          throw new LtkmUnavailable(err.message, { cause: err });
        }
        throw err;
      }
    },
  };
}
