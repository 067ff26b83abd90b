/** The simulated modem on a pseudo-terminal (tests and the `sim` board). */
export { SimModem, startSimModem } from './sim-modem.js';
export type { AtLogEntry, SimModemEvents, SimModemOptions } from './sim-modem.js';
export type { SimNetwork } from './sim-network.js';
export type { DeliveryMode, DeliveryResult, SmscEvent, SmscLogEntry, SmscOptions } from './sim-smsc.js';
export { PDP_RELEASE_VARIANTS, releaseLines } from './cgev-forms.js';
export type { PdpReleaseVariant, ReleasedContext } from './cgev-forms.js';
export type { MemName, StoredMessage } from './message-store.js';
export type { CnmiSupport, PdpDefinition } from './state.js';
export { DEFAULT_CNMI_SUPPORT } from './state.js';
export type { SimIdentity } from './core.js';
export type { SplitOptions } from './output.js';
