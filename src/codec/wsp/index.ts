/** WSP connectionless push codec (WAP-230): public API. */
export { decodeWspPush, encodeWspPush } from './push.js';
export type { WspPduType, WspPush, WspPushInput } from './push.js';
export type { WspHeader } from './headers.js';
export { renderWspTree, wspPushToJson } from './view.js';
export type { WspPushJson } from './view.js';
export {
  applicationIdCode as wspApplicationIdCode,
  applicationIdName as wspApplicationIdName,
  contentTypeCode as wspContentTypeCode,
  contentTypeName as wspContentTypeName,
  WSP_HEADER_X_WAP_APPLICATION_ID,
  WSP_PDU_CONFIRMED_PUSH,
  WSP_PDU_PUSH,
} from './tables.js';
