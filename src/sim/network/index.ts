/** The simulated operator network: BSF, BSM, purchase portal, control API, fault injection. */
export { SimBsf, type BootstrapRecord, type SimBsfOptions } from './bsf.js';
export { EventLog, type NetworkEvent, type LoggedEvent } from './event-log.js';
export { Faults, COUNTED_FAULTS, isCountedFault, type CountedFault, type FaultSettings } from './faults.js';
export { normaliseSubscriber, type NetworkSubscriber, type SubscriberInput } from './subscriber.js';
export { SimBsm, type SimBsmOptions, type SimService, type SimStkm, type Registration } from './bsm.js';
export { buildStkm, TEK_LENGTH, TEK_SALT_LENGTH, type StkmInput } from './stkm.js';
export { LtkmSender, type SmsSink, type LtkmTarget, type VerificationRecord } from './ltkm-sender.js';
export { SimPortal } from './portal.js';
export { SimControlApi, type SimCardSlot, type SimRadio } from './control-api.js';
export { startSimNetwork, type SimNetwork, type SimNetworkOptions } from './network.js';
