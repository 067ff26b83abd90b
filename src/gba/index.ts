/** GBA (Ub) client: bootstrapping state machine, the card port it needs, and the NAF keys for the BSM. */
export { GbaClient, GbaError, type GbaClientOptions, type GbaSession, type GbaState, type GbaStats, type GbaFailureReason } from './gba-client.js';
export { GbaCardError, type GbaCard, type GbaCardIdentity, type GbaCardCapabilities, type GbaBootstrapResult, type GbaCardErrorReason } from './card-port.js';
export { bsmNafId, gbaMeKeys, networkNafKeys, type GbaMode } from '../crypto/gba-naf-keys.js';
export { bsfHost, impiFromImsi, plmnFromImsi, keyDomainIdFromPlmn, type Plmn } from '../codec/gba/identity.js';
export { createHttpTransport, HttpFailure, header, type HttpTransport, type HttpRequest, type HttpResponse, type HttpFailureKind } from './http.js';
export { backoffDelay, mayRetry, realClock, type RetryPolicy, type RetryClock } from '../util/backoff.js';
export { GBA_PRODUCT_TOKEN, gbaProductToken, gbaUserAgent } from '../crypto/gba-user-agent.js';
