/** Typed errors of the MQTT adapter: callers branch on `code`, never on message text. */
export type MqttErrorCode =
  | 'topic_invalid' // a topic level with a separator/wildcard, or a missing variable
  | 'not_retained' // publishState on a topic the contract does not retain (or the reverse)
  | 'payload_invalid' // a payload that is not a JSON object
  | 'config_invalid' // no broker URL, unreadable password/TLS file
  | 'not_enabled' // the player exchange used on a board that does not enable it
  | 'closed'; // used after close()

export class MqttError extends Error {
  override readonly name = 'MqttError';
  constructor(
    readonly code: MqttErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Why a command got an error response; handlers may throw CommandError with their own code. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** No MQTT broker could be started on this machine. */
export class BrokerUnavailableError extends Error {
  override readonly name = 'BrokerUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
