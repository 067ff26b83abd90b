/** Board configs: the schema (and its type), the loader, the error it throws. */
export { BoardConfigSchema, SimSchema, MODEM_PROFILES, LOG_LEVELS, LOG_COMPONENTS, renderSchemaJson } from './schema.js';
export type { BoardConfig, ModemConfig, CardConfig, NetworkConfig, MqttConfig, TerminalConfig, LogConfig, SimConfig, ModemProfile, LogLevel } from './schema.js';
export { loadBoardConfig, parseBoardConfig, resolveBoardConfigPath, listBoardConfigs, defaultBoardDir } from './load.js';
export type { LoadOptions, ParseOptions } from './load.js';
export { ConfigError, isConfigError } from './errors.js';
export type { ConfigIssue } from './errors.js';
export { LOCAL_BROKER_URL, deviceIdFrom } from './rules.js';
export { machineDeviceId, DEVICE_ID_SOURCES, type DeviceIdSource } from './device-id.js';
