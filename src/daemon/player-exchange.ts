// The opt-in STKM → TEK exchange with the local media player (terminal.playerExchange.enabled): the player
// publishes `player/stkm` {stkm: hex, requestId?} (MQTT 5: optionally a response topic below `player/tek` and
// correlation data); the card (or its ME side) generates the MTK; the TEK goes out on `player/tek` (or that
// response topic) — the only place a TEK ever leaves the daemon, readable by the broker's `player` role alone.
// A response topic anywhere else (the device's state, `player/stkm`, a command, another client's replies) is
// refused with a logged reason. Bad requests get an error answer.
import type { IPublishPacket } from 'mqtt';
import type { Logger } from 'pino';
import { CardError, type Card } from '../card/index.js';
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
  const tekTopic = mqtt.topics.topic('playerTek').full;
  const answer = (topic: string, correlationData: Buffer | undefined, body: Record<string, unknown>, keys?: Record<string, Uint8Array | null>) =>
    mqtt.publishPlayer(topic, body, keys, correlationData !== undefined ? { correlationData } : undefined);
  const refuse = (topic: string, correlationData: Buffer | undefined, requestId: unknown, code: string, message: string) => {
    stats.refused++;
    logger.warn({ code }, `STKM refused: ${message}`);
    answer(topic, correlationData, { ...(typeof requestId === 'string' ? { requestId } : {}), ok: false, error: { code, message } });
  };
  mqtt.subscribe(mqtt.topics.topic('playerStkm').full, (_topic, payload, packet: IPublishPacket) => {
    stats.requests++;
    const correlationData = packet.properties?.correlationData;
    const responseTopic = packet.properties?.responseTopic;
    if (responseTopic !== undefined && (/[+#\u0000]/.test(responseTopic) || (responseTopic !== tekTopic && !responseTopic.startsWith(`${tekTopic}/`)))) {
      stats.refused++;
      logger.warn({ code: 'response_topic_refused', responseTopic: responseTopic.slice(0, 256) }, `STKM refused: TEK replies go only to ${tekTopic}[/…], which only the player role can read`);
      return;
    }
    const replyTo = responseTopic ?? tekTopic;
    let req: { stkm?: unknown; requestId?: unknown };
    try {
      req = JSON.parse(payload.toString('utf8')) as typeof req;
    } catch {
      return refuse(replyTo, correlationData, undefined, 'malformed_request', 'payload is not JSON');
    }
    if (typeof req.stkm !== 'string' || !/^([0-9a-fA-F]{2})+$/.test(req.stkm) || req.stkm.length > MAX_STKM_BYTES * 2) {
      return refuse(replyTo, correlationData, req.requestId, 'malformed_request', 'stkm must be the MIKEY MTK message in hex');
    }
    publish?.event('stkm-received', { bytes: req.stkm.length / 2 });
    void card.mtkGenerate(Buffer.from(req.stkm, 'hex')).then(
      (r) => {
        try {
          const fields = { ...(typeof req.requestId === 'string' ? { requestId: req.requestId } : {}), ok: true, keyDomainId: r.keyDomainId, mskId: { ...r.mskId }, mtkId: r.mtkId };
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
      (err: unknown) => refuse(replyTo, correlationData, req.requestId, err instanceof CardError ? err.code : 'failed', err instanceof Error ? err.message : String(err)),
    );
  });
  return stats;
}
