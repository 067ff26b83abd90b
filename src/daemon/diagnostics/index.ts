/** Diagnostics: masked in-memory log ring, runtime log levels, redacted config, the diagnostics commands. */
export { MASK_RULES, maskLine, maskPlain, maskText, maskValue } from './masker.js';
export type { MaskRule } from './masker.js';
export { LogRing } from './log-ring.js';
export type { LogRingOptions, LogRingStats } from './log-ring.js';
export { createDaemonLogger } from './daemon-logger.js';
export type { DaemonLogger, DaemonLoggerOptions } from './daemon-logger.js';
export { LOG_LEVEL_NAMES, MAX_DURATION_S, LogLevelError, LogLevels, isLogLevel } from './log-levels.js';
export type { ComponentLevel, LevelChange, LevelClock, LogLevelErrorCode, LogLevelsOptions } from './log-levels.js';
export { REDACTED, redactConfig } from './redact-config.js';
export { addonStatus, versionInfo } from './versions.js';
export type { AddonStatus, VersionInfo } from './versions.js';
export { DEFAULT_MAX_ANSWER_BYTES, DIAGNOSTICS_COMMANDS, diagnosticsHandler, logLevelHandler, registerDiagnosticsCommands } from './commands.js';
export type { DiagnosticsAnswer, DiagnosticsDeps } from './commands.js';
