// The opt-in STKM → TEK exchange with the local media player (terminal.playerExchange.enabled): the player
// publishes `player/stkm` {stkm: hex, requestId?}; the card (or its ME side) generates the MTK; the TEK goes
// out on `player/tek` — the only place a TEK ever leaves the daemon. Bad requests get an error answer there.
import type { Logger } from 'pino';
import { CardError, type Card } from '../card/index.js';
import { toHex } from '../codec/index.js';
import type { MqttPublisher } from '../mqtt/index.js';
import type { PublishPort } from '../terminal/ports.js';

export interface PlayerExchangeStats {
  requests: number;
  served: number;
  refused: number;
}

const MAX_STKM_BYTES = 4096;

export function startPlayerExchange(mqtt: MqttPublisher, card: Card, logger: Logger, publish?: Pick<PublishPort, 'event'>): PlayerExchangeStats {
  const stats: PlayerExchangeStats = { requests: 0, served: 0, refused: 0 };
  const refuse = (requestId: unknown, code: string, message: string) => {
    stats.refused++;
    logger.warn({ code }, `STKM refused: ${message}`);
    mqtt.publishPlayer({ ...(typeof requestId === 'string' ? { requestId } : {}), ok: false, error: { code, message } });
  };
  mqtt.subscribe(mqtt.topics.topic('playerStkm').full, (_topic, payload) => {
    stats.requests++;
    let req: { stkm?: unknown; requestId?: unknown };
    try {
      req = JSON.parse(payload.toString('utf8')) as typeof req;
    } catch {
      return refuse(undefined, 'malformed_request', 'payload is not JSON');
    }
    if (typeof req.stkm !== 'string' || !/^([0-9a-fA-F]{2})+$/.test(req.stkm) || req.stkm.length > MAX_STKM_BYTES * 2) {
      return refuse(req.requestId, 'malformed_request', 'stkm must be the MIKEY MTK message in hex');
    }
    void card.mtkGenerate(Buffer.from(req.stkm, 'hex')).then(
      (r) => {
        stats.served++;
        mqtt.publishPlayer({
          ...(typeof req.requestId === 'string' ? { requestId: req.requestId } : {}),
          ok: true,
          keyDomainId: r.keyDomainId,
          mskId: { ...r.mskId },
          mtkId: r.mtkId,
          tek: toHex(r.mtk.reveal()),
          salt: r.salt ? toHex(r.salt.reveal()) : null,
        });
        publish?.event('tek-delivered', { keyDomainId: r.keyDomainId, mskId: { ...r.mskId }, mtkId: r.mtkId });
        r.mtk.wipe();
        r.salt?.wipe();
      },
      (err: unknown) => refuse(req.requestId, err instanceof CardError ? err.code : 'failed', err instanceof Error ? err.message : String(err)),
    );
  });
  return stats;
}
