/** BSM client (SPEC §7) and the UDP bearer of LTKM pushes (SPEC §3-§4). */
export { BsmClient, BsmError, type BsmClientOptions, type BsmStats, type BsmResult, type BsmErrorReason } from './bsm-client.js';
export { withBsmDigestPassword, bsmRealm } from '../crypto/gba-naf-keys.js';
export { credentialsFromGba, type BsmCredentials, type BsmCredentialSource } from './credentials.js';
export { DigestSession } from './digest-session.js';
export { UdpBearer, sourceList, type UdpBearerOptions, type UdpLtkmSink, type UdpSource } from './udp-bearer.js';
