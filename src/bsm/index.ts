/** BSM client (SPEC §7) and LTKM push reception (SPEC §3-§4). */
export { LtkmRejected, LtkmUnavailable, type LtkmProcessor, type LtkmResult, type StoredMsk, type LtkmRejectReason } from './ltkm-port.js';
export { BsmClient, BsmError, type BsmClientOptions, type BsmStats, type BsmResult, type BsmErrorReason } from './bsm-client.js';
export { withBsmDigestPassword, bsmRealm } from '../crypto/gba-naf-keys.js';
export { credentialsFromGba, type BsmCredentials, type BsmCredentialSource } from './credentials.js';
export { DigestSession } from './digest-session.js';
export { LtkmListener, type LtkmListenerOptions, type LtkmListenerStats, type LtkmDropReason, type LtkmSource, type LtkmFlowStep } from './ltkm-listener.js';
