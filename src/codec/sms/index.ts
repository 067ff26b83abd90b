/** SMS (TS 23.040) codec: SMS-DELIVER decode/encode, datagram segmentation, views, reassembly. */
export { decodeSmsDeliver } from './deliver-decode.js';
export { encodeSmsDeliver, tpduLength, type SmsDeliverInput } from './deliver-encode.js';
export { encodeDatagramAsSms, type DatagramSmsOptions } from './datagram.js';
export type { AddressInput } from './address.js';
export { decodeGsm7, encodeGsm7, isGsm7Encodable } from './gsm7.js';
export { smsToJson, type SmsJson } from './json.js';
export { renderSmsTree } from './render.js';
export {
  SmsReassembler,
  REASSEMBLER_DEFAULTS,
  type ReassemblerOptions,
  type ReassemblyResult,
  type Datagram,
  type ExpiredGroup,
  type RejectReason,
} from './reassembler.js';
export type { Address, Alphabet, Concat, DataCoding, DecodeSmsOptions, DeliverFlags, Ports, SmsDeliver, UdhIe } from './types.js';
