// The opt-in STKM → TEK exchange with the local media player (terminal.playerExchange.enabled): the player
// publishes `player/stkm` {stkm: hex, requestId?} (MQTT 5: optionally a response topic below `player/tek` and
// correlation data); the card (or its ME side) generates the MTK; the TEK goes out on `player/tek` (or that
// response topic) — the only place a TEK ever leaves the daemon, readable by the broker's `player` role alone.
// A response topic anywhere else (the device's state, `player/stkm`, a command, another client's replies) is
// refused with a logged reason. Requests are checked against their schema (size first) before any field is
// read; bad ones get an error answer.
import { Type } from '@sinclair/typebox';
import type { IPublishPacket } from 'mqtt';
import type { Logger } from 'pino';
import { CardError, type Card } from '../card/index.js';
import { inboundParser, type MqttPublisher } from '../mqtt/index.js';
import type { PublishPort } from '../terminal/ports.js';
import { LogLimiter } from '../util/log-limiter.js';

export interface PlayerExchangeStats {
  requests: number;
  served: number;
  refused: number;
}

const MAX_STKM_BYTES = 4096;

/** The request as the player sends it; checked (size first) before any field is read. */
export const StkmRequest = Type.Object(
  {
    stkm: Type.String({ minLength: 2, maxLength: MAX_STKM_BYTES * 2, pattern: '^(?:[0-9a-fA-F]{2})+$' }),
    requestId: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);
const parseRequest = inboundParser(StkmRequest, MAX_STKM_BYTES * 2 + 512);

export function startPlayerExchange(mqtt: MqttPublisher, card: Card, logger: Logger, publish?: Pick<PublishPort, 'event'>): PlayerExchangeStats {
  const stats: PlayerExchangeStats = { requests: 0, served: 0, refused: 0 };
  const tekTopic = mqtt.topics.topic('playerTek').full;
  const answer = (topic: string, correlationData: Buffer | undefined, body: Record<string, unknown>, keys?: Record<string, Uint8Array | null>) =>
    mqtt.publishPlayer(topic, body, keys, correlationData !== undefined ? { correlationData } : undefined);
  // Malformed requests are refused as input by the publisher; what the card refuses (MAC, freshness, no key) is
  // logged here. Both rate-limited per reason; the player gets one answer each.
  const cardRefusals = new LogLimiter();
  const refuse = (topic: string, correlationData: Buffer | undefined, requestId: string | undefined, code: string, message: string, byCard = false) => {
    stats.refused++;
    if (byCard) cardRefusals.warn(logger, code, { code }, `STKM refused: ${message}`);
    else mqtt.refuseInput('player/stkm', code, `STKM refused: ${message}`);
    answer(topic, correlationData, { ...(requestId !== undefined ? { requestId } : {}), ok: false, error: { code, message } });
  };
  mqtt.subscribe(mqtt.topics.topic('playerStkm').full, (_topic, payload, packet: IPublishPacket) => {
    stats.requests++;
    // An empty retained payload is how a broker's retained message is cleared: nothing was asked.
    if (payload.length === 0) return;
    const correlationData = packet.properties?.correlationData;
    const responseTopic = packet.properties?.responseTopic;
    if (responseTopic !== undefined && (/[+#\u0000]/.test(responseTopic) || (responseTopic !== tekTopic && !responseTopic.startsWith(`${tekTopic}/`)))) {
      stats.refused++;
      mqtt.refuseInput('player/stkm', 'response_topic_refused', `STKM refused: TEK replies go only to ${tekTopic}[/…], which only the player role can read (asked for ${responseTopic.slice(0, 256)})`);
      return;
    }
    const replyTo = responseTopic ?? tekTopic;
    const parsed = parseRequest(payload);
    if (!parsed.ok) return refuse(replyTo, correlationData, requestIdOf(parsed.parsed), parsed.code, `${parsed.reason} (want {"stkm": "<MIKEY MTK message in hex>", "requestId"?: string})`);
    const req = parsed.value;
    publish?.event('stkm-received', { bytes: req.stkm.length / 2 });
    void card.mtkGenerate(Buffer.from(req.stkm, 'hex')).then(
      (r) => {
        try {
          const fields = { ...(req.requestId !== undefined ? { requestId: req.requestId } : {}), ok: true, keyDomainId: r.keyDomainId, mskId: { ...r.mskId }, mtkId: r.mtkId };
          // TEK and salt go from the card's Buffers straight into the payload bytes (no hex JS strings).
          if (answer(replyTo, correlationData, fields, { tek: r.mtk.reveal(), salt: r.salt ? r.salt.reveal() : null })) {
            stats.served++;
            publish?.event('tek-delivered', { keyDomainId: r.keyDomainId, mskId: { ...r.mskId }, mtkId: r.mtkId });
          } else {
            stats.refused++;
            logger.warn({ code: 'offline' }, 'STKM answered while the broker is unreachable: the TEK is not kept for later');
          }
        } finally {
          r.mtk.wipe();
          r.salt?.wipe();
        }
      },
      (err: unknown) => refuse(replyTo, correlationData, req.requestId, err instanceof CardError ? err.code : 'failed', err instanceof Error ? err.message : String(err), true),
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
