// The opt-in STKM → TEK exchange with the local media player (terminal.playerExchange.enabled): the player
// publishes `player/stkm` {stkm: hex, requestId?}; the card (or its ME side) generates the MTK; the TEK goes
// out on `player/tek` — the only place a TEK ever leaves the daemon. Bad requests get an error answer there.
import { Type } from '@sinclair/typebox';
import type { Logger } from 'pino';
import { CardError, type Card } from '../card/index.js';
import { toHex } from '../codec/index.js';
import { inboundParser, type MqttPublisher } from '../mqtt/index.js';
import type { PublishPort } from '../terminal/ports.js';

export interface PlayerExchangeStats {
  requests: number;
  served: number;
  refused: number;
}

const MAX_STKM_BYTES = 4096;
/** The request as the player sends it; checked (size first) before any field is read. */
const StkmRequest = Type.Object(
  {
    stkm: Type.String({ minLength: 2, maxLength: MAX_STKM_BYTES * 2, pattern: '^(?:[0-9a-fA-F]{2})+$' }),
    requestId: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);
const parseRequest = inboundParser(StkmRequest, MAX_STKM_BYTES * 2 + 512);

export function startPlayerExchange(mqtt: MqttPublisher, card: Card, logger: Logger, publish?: Pick<PublishPort, 'event'>): PlayerExchangeStats {
  const stats: PlayerExchangeStats = { requests: 0, served: 0, refused: 0 };
  // Refusals are counted and logged by the publisher (rate-limited per reason); the player gets one answer each.
  const refuse = (requestId: string | undefined, code: string, message: string) => {
    stats.refused++;
    mqtt.refuseInput('player/stkm', code, `STKM refused: ${message}`);
    mqtt.publishPlayer({ ...(requestId !== undefined ? { requestId } : {}), ok: false, error: { code, message } });
  };
  mqtt.subscribe(mqtt.topics.topic('playerStkm').full, (_topic, payload) => {
    stats.requests++;
    // An empty retained payload is how a broker's retained message is cleared: nothing was asked.
    if (payload.length === 0) return;
    const parsed = parseRequest(payload);
    if (!parsed.ok) return refuse(requestIdOf(parsed.parsed), parsed.code, `${parsed.reason} (want {"stkm": "<MIKEY MTK message in hex>", "requestId"?: string})`);
    const req = parsed.value;
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
        logger.debug({ mtkId: r.mtkId }, 'TEK handed to the player');
      },
      (err: unknown) => refuse(req.requestId, err instanceof CardError ? err.code : 'failed', err instanceof Error ? err.message : String(err)),
    ).catch((e: unknown) => logger.debug({ err: e instanceof Error ? e.message : String(e) }, 'player answer not sent'));
  });
  return stats;
}

/** The request id of a refused request, when it had a usable one: the player matches answers by it. */
function requestIdOf(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const id = (v as Record<string, unknown>)['requestId'];
  return typeof id === 'string' && id.length <= 128 ? id : undefined;
}
