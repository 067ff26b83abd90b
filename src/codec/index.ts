/**
 * `bcastd/codec`: the pure byte codecs, for other tools. No I/O; every decoder throws only DecodeError.
 */
export { DecodeError, EncodeError, isDecodeError, type CodecName } from './errors.js';
export { ByteReader } from './reader.js';
export { fromHex, toHex } from './hex.js';
export { offHeapCopy } from './off-heap.js';
export * from './sms/index.js';
export * from './wsp/index.js';
export * from './mikey/index.js';
export * from './xml/index.js';
export * as at from './at/index.js';
export * as usim from './usim/index.js';
