/**
 * USIM command codecs (ETSI TS 102 221, 3GPP TS 31.102): APDUs, BER-TLV, status words, AUTHENTICATE in
 * the 3G / GBA / MBMS contexts and the EFs the project reads. Pure; decoders throw only DecodeError.
 */
export { USIM_CODEC } from './codec-name.js';
export {
  encodeCommandApdu,
  decodeCommandApdu,
  decodeResponseApdu,
  encodeResponseApdu,
  commandCase,
  type CommandApdu,
  type DecodedCommandApdu,
  type ResponseApdu,
  type ApduCase,
} from './apdu.js';
export { decodeTlvs, decodeConstructed, encodeTlv, findTlv, requireTlv, concatBytes, hexTag, type Tlv } from './ber-tlv.js';
export { SW, describeSw, swHex, type SwKind, type SwMeaning } from './status-words.js';
export {
  AUTHENTICATE,
  AUTH_TAG,
  encodeAuth3gData,
  decodeAuth3gData,
  auth3gCommand,
  decodeAuth3gResponse,
  encodeAuth3gResponse,
  encodeGbaData,
  decodeGbaData,
  gbaCommand,
  decodeGbaBootstrapResponse,
  encodeGbaBootstrapResponse,
  decodeGbaNafResponse,
  encodeGbaNafResponse,
  type Auth3gResult,
  type GbaBootstrapResult,
  type GbaCommand,
} from './authenticate.js';
export {
  MBMS_P1,
  MBMS_COMMAND_TAG,
  MBMS_RESPONSE_TAGS,
  MBMS_MODE,
  MBMS_FORM_TAG,
  MBMS_BLOCK_SIZE,
  BCAST_TAG,
  encodeThreeGppOutput,
  decodeThreeGppOutput,
  type MbmsModeName,
} from './mbms-tags.js';
export { encodeMbmsData, mbmsCommandBlocks, mbmsRetrieveCommand, decodeMbmsResponse, type MbmsCommand, type MbmsResponse } from './mbms.js';
export { FID, USIM_AID_PREFIX, UST_SERVICE, fidHex, type FileName } from './files.js';
export { decodeFcp, encodeFcp, FCP_TAG, type Fcp, type FileKind } from './fcp.js';
export { decodeDirRecord, encodeDirRecord, isUsimAid, findUsim, type DirEntry } from './ef-dir.js';
export { decodeImsi, encodeImsi, decodeIccid, encodeIccid, EF_IMSI_SIZE, EF_ICCID_SIZE } from './ef-identity.js';
export { decodeAd, encodeAd, decodeUst, encodeUst, ustHas, type AdministrativeData } from './ef-ad-ust.js';
export { decodeGbaBp, encodeGbaBp, decodeGbaNlRecord, encodeGbaNlRecord, type GbaBootstrapParams, type GbaNafEntry } from './ef-gba.js';
export {
  decodeMskRecord,
  encodeMskRecord,
  decodeMukRecord,
  encodeMukRecord,
  encodeMukIdTlv,
  MUK_TAG,
  msksPerRecord,
  MSKS_PER_KEY_GROUP,
  type MskEntry,
  type MskRecord,
  type MukRecord,
} from './ef-mbms.js';
export { homeNetwork, keyDomainId, type HomeNetwork } from './plmn.js';
export { mukIdMatches, type StoredMukId } from './muk-id.js';
export {
  INS,
  SELECT_P1,
  SELECT_P2,
  RECORD_ABSOLUTE,
  PIN_REF,
  PIN_LENGTH,
  selectFid,
  selectAid,
  readBinary,
  updateBinary,
  readRecord,
  updateRecord,
  getResponse,
  verifyPin,
  encodePin,
} from './commands.js';
