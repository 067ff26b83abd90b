// The card adapter seen through the narrow ports the GBA client and the terminal's LTKM intake define.
import { CardAuthError, CardRemovedError, CardStateError, CardStatusError, CardTransportError, ContextNotSupportedError, KeyFreshnessError, KeyNotFoundError, PcscUnavailableError, type Card } from '../card/index.js';
import { GbaCardError, type GbaCard } from '../gba/index.js';
import type { DecodedMikey } from '../codec/index.js';
import type { KeyProcessorPort, KeyProcessorResult } from '../terminal/ltkm/types.js';

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
 * MSK messages (and key-less solicited pulls), decoded once by the intake, are checked and stored by the USIM
 * (GBA_U) or the ME side of the card adapter (GBA_ME). One that finds no card (not ready yet at start, pulled out,
 * pcscd gone) is not judged: 'unavailable', and the intake keeps it, in order, until the card is ready again. One
 * that finds no MUK before the first GBA run is tried once more when GBA has run. The card's errors become the
 * intake's reasons here, once.
 */
export function cardKeyProcessor(card: Card, readiness?: LtkmReadiness): KeyProcessorPort {
  const update = async (ltkm: DecodedMikey): Promise<KeyProcessorResult> => {
    const r = await card.mskUpdate(ltkm);
    return {
      kind: 'processed',
      ...(r.verification ? { verification: r.verification } : {}),
      stored: r.stored ? { keyDomainId: r.keyDomainId, mskId: { ...r.mskId } } : null,
    };
  };
  return {
    processMskMessage: async (ltkm) => {
      try {
        try {
          return await update(ltkm);
        } catch (err) {
          if (err instanceof KeyNotFoundError && readiness?.keysReady && (await readiness.keysReady())) return await update(ltkm);
          throw err;
        }
      } catch (err) {
        if (err instanceof CardAuthError) return { kind: 'rejected', reason: 'mac', detail: err.message };
        if (err instanceof KeyFreshnessError) return { kind: 'rejected', reason: 'replay', detail: err.message };
        if (err instanceof KeyNotFoundError) return { kind: 'rejected', reason: 'no-keys', detail: err.message };
        if (err instanceof CardStatusError && err.code === 'wrong-data') return { kind: 'rejected', reason: 'malformed', detail: err.message };
        // Not judged: no card, no reader, no pcscd. The intake keeps the message for when the card is back.
        if (err instanceof CardRemovedError || err instanceof CardTransportError || err instanceof PcscUnavailableError || err instanceof CardStateError) {
          return { kind: 'unavailable', detail: err.message };
        }
        throw err;
      }
    },
  };
}
