/** The virtual USIM and its attachments (in-process, or pcscd through vpcd). */
export { VirtualUsim, CardAbsentError, type VirtualUsimOptions, type VirtualUsimEvents } from './usim.js';
export { VpcdClient, VPCD_DEFAULT_PORT, type VpcdClientOptions, type VpcdClientEvents } from './vpcd-client.js';
export { UsimFaults, type UsimFaultSettings } from './faults.js';
export { USIM_ATR } from './atr.js';
export { USIM_AID, FILE_SIZES, DEFAULT_MBMS_BEHAVIOUR, type UsimProfile, type MbmsCardBehaviour } from './profile.js';
export { type VpcdApdu } from './vpcd-client.js';
export { SqnWindow, DEFAULT_SQN_DELTA } from './sqn-window.js';
