/** The card adapter: PC/SC or in-process transport, APDU layer, USIM application, the Card facade. */
export { Card, type CardState, type CardStateChange, type CardInfo, type CardEvents, type CardOptions, type MskUpdateResult, type MtkResult } from './card.js';
export type { CardTransport, CardTransportEvents } from './transport.js';
export { PcscTransport, type PcscTransportOptions } from './pcsc.js';
export { InProcessTransport, type InProcessCard } from './in-process.js';
export { openCardTransport, type OpenTransportOptions } from './open-transport.js';
export { ApduChannel, type ApduExchange, type ApduChannelOptions, type CommandOptions } from './apdu-channel.js';
export { formatCommand, formatResponse, type ApduMask } from './apdu-trace.js';
export { UsimApplication, type UsimApplicationInfo, type UsimIdentity, type PinStatus, type AkaResult, type GbaBootstrapOutcome } from './usim-app.js';
export { resolveCapabilities, type CardCapabilities, type GbaModeSetting } from './capabilities.js';
export { MeMikey } from './me-mikey.js';
export { readPinFile } from './pin-file.js';
export {
  CardError,
  PcscUnavailableError,
  CardRemovedError,
  CardTransportError,
  CardStateError,
  CardProtocolError,
  CardStatusError,
  CardAuthError,
  ContextNotSupportedError,
  KeyFreshnessError,
  NoMemoryError,
  FileNotFoundError,
  SecurityStatusError,
  KeyNotFoundError,
  PinError,
  errorForStatus,
  type PcscUnavailableReason,
} from './errors.js';
