/** MIKEY codec (RFC 3830) with the MBMS reading of SPEC §3.3: public API. */
export { decodeKeyData, decodeMikey } from './decode.js';
export { encodeKeyData, encodeMikey, mikeyLayout } from './encode.js';
export type { MikeyLayout } from './encode.js';
export { macInput, mikeyMacField, withMac } from './mac.js';
export {
  buildMskMessage,
  buildMtkMessage,
  buildSolicitedPull,
  buildVerificationMessage,
  decodeKeyIdInfo,
  describeMbms,
  encodeKeyIdInfo,
  MBMS_EXT_KEY_ID,
  MBMS_EXT_OMA_BCAST,
  MBMS_KEY_ID_TYPE,
  mskKeyIdExt,
  mtkKeyIdExt,
  omaBcastExt,
  splitKeyId,
} from './mbms.js';
export type {
  KeyIdInfo,
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
  MIKEY_ID_TYPE,
  MIKEY_KEY_TYPE,
  MIKEY_KV,
  MIKEY_MAC_ALG,
  MIKEY_PAYLOAD,
  MIKEY_TS_TYPE,
} from './constants.js';
export type * from './types.js';
