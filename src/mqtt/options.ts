/** The MQTT adapter's own option type: what the board config's `mqtt` section gives the publisher. */
import type { MqttTlsSettings } from './tls.js';

export interface MqttSettings {
  /** Broker URL (absent: the caller passes one, e.g. the sim board's local broker). */
  readonly url?: string | undefined;
  /** Absent: `bcastd-<deviceId>`. */
  readonly clientId?: string | undefined;
  readonly username?: string | undefined;
  /** File holding the broker password. */
  readonly passwordFile?: string | undefined;
  readonly tls?: MqttTlsSettings | undefined;
  /** Topics are <topicPrefix>/<deviceId>/…; absent: DEFAULT_TOPIC_PREFIX. */
  readonly topicPrefix?: string | undefined;
  readonly protocolVersion?: 4 | 5 | undefined;
}
