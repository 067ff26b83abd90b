/** The MQTT adapter: topic contract, sanitizer, publisher, command router, health, local broker. */
export { DEFAULT_TOPIC_PREFIX, LWT_PAYLOAD, TOPIC_TABLE, DeviceTopics } from './topics.js';
export type { Topic, TopicName, TopicSpec, StateTopicName } from './topics.js';
export { sanitize, isSecretName, maskIdentities } from './sanitize.js';
export type { SanitizeOptions, SanitizeResult } from './sanitize.js';
export { MqttPublisher } from './publisher.js';
export type { MqttPublisherOptions, MqttCounters, JsonObject, MessageHandler } from './publisher.js';
export { CommandRouter, COMMAND_ERRORS } from './commands.js';
export type { CommandHandler, CommandCounters, CommandResponse, CommandRouterOptions } from './commands.js';
export { HealthReporter } from './health.js';
export type { HealthPayload, HealthReporterOptions } from './health.js';
export { startLocalBroker, findMosquitto, stopStaleBroker } from './broker.js';
export type { LocalBroker, LocalBrokerOptions } from './broker.js';
export { MqttError, CommandError, BrokerUnavailableError } from './errors.js';
export type { MqttErrorCode } from './errors.js';
