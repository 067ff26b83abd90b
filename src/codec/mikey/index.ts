/** MIKEY codec (RFC 3830) with the MBMS reading of SPEC §3.3: public API. */
export { decodeKeyData, decodeMikey, mikeyDecodeCount } from './decode.js';
export { encodeKeyData, encodeMikey, mikeyLayout } from './encode.js';
export type { MikeyLayout } from './encode.js';
export { macInput, mikeyMacField, withMac } from './mac.js';
export {
  buildMskMessage,
  buildMtkMessage,
  buildSolicitedPull,
  buildVerificationMessage,
  describeMbms,
  mskIdHex,
  ALL_SERVICES_KEY_GROUP,
  mskKeyIdExt,
  mtkKeyIdExt,
  readMbmsKeyIds,
} from './mbms.js';
export { decodeKeyIdInfo, decodeOmaBcastExt, describeExtension, encodeKeyIdInfo, keyIdExt, omaBcastExt } from './extensions.js';
export type { KeyIdSubPayload, OmaBcastExtInfo } from './extensions.js';
export type {
  MbmsInfo,
  MbmsKeyIds,
  MbmsKind,
  MskId,
  MskMessageParams,
  MtkMessageParams,
  SolicitedPullParams,
} from './mbms.js';
export { mikeyToJson, renderMikeyTree } from './view.js';
export type { MikeyJson } from './view.js';
export {
  MIKEY_CS_ID_MAP,
  MIKEY_DATA_TYPE,
  MIKEY_ENCR_ALG,
  MIKEY_EXT_TYPE,
  MIKEY_ID_TYPE,
  MIKEY_KEY_ID_TYPE,
  MIKEY_KEY_TYPE,
  MIKEY_KV,
  MIKEY_MAC_ALG,
  MIKEY_OMA_BCAST_SUBTYPE,
  MIKEY_PAYLOAD,
  MIKEY_TS_TYPE,
} from './constants.js';
export type * from './types.js';
