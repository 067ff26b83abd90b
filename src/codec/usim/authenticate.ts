/**
 * AUTHENTICATE (TS 31.102 §7.1.2) in the 3G and GBA security contexts: command data and response
 * data, both directions (the terminal encodes commands and decodes responses, the virtual USIM does
 * the reverse). Fields are length-prefixed (`L value`), not nested TLVs.
 */
import { offHeapCopy } from '../off-heap.js';
import { DecodeError, EncodeError } from '../errors.js';
import { ByteReader } from '../reader.js';
import type { CommandApdu } from './apdu.js';
import { USIM_CODEC } from './codec-name.js';

/** INS and P2 (security context) values. */
export const AUTHENTICATE = {
  INS: 0x88,
  /** Odd INS: BER-TLV command data (used by the MBMS context). */
  INS_ODD: 0x89,
  P2_3G: 0x81,
  P2_GBA: 0x84,
  P2_MBMS: 0x85,
} as const;

/** First byte of response / command data. */
export const AUTH_TAG = {
  SUCCESS: 0xdb,
  SYNC_FAILURE: 0xdc,
  GBA_BOOTSTRAP: 0xdd,
  GBA_NAF_DERIVATION: 0xde,
} as const;

const RAND_LEN = 16;
const AUTN_LEN = 16;
const AUTS_LEN = 14;
const KC_LEN = 8;

export type Auth3gResult =
  | { kind: 'success'; res: Uint8Array; ck: Uint8Array; ik: Uint8Array; kc?: Uint8Array }
  | { kind: 'sync-failure'; auts: Uint8Array };

export type GbaBootstrapResult = { kind: 'success'; res: Uint8Array } | { kind: 'sync-failure'; auts: Uint8Array };

export type GbaCommand =
  | { mode: 'bootstrap'; rand: Uint8Array; autn: Uint8Array }
  | { mode: 'naf-derivation'; nafId: Uint8Array; impi: Uint8Array };

function lv(parts: Uint8Array[], what: string): number[] {
  const out: number[] = [];
  for (const p of parts) {
    if (p.length > 255) throw new EncodeError(USIM_CODEC, `${what}: field of ${p.length} bytes is too long`);
    out.push(p.length, ...p);
  }
  return out;
}

function expectLen(b: Uint8Array, n: number, what: string): void {
  if (b.length !== n) throw new EncodeError(USIM_CODEC, `${what} must be ${n} bytes, got ${b.length}`);
}

/** Off the V8 heap: these fields are RES, CK, IK, Ks_ext_NAF — the caller zeroes them once held in a Secret. */
const readLv = (r: ByteReader, what: string): Uint8Array => offHeapCopy(r.take(r.u8(`${what} length`), what));

function fixedLv(r: ByteReader, n: number, what: string): Uint8Array {
  const at = r.offset;
  const v = readLv(r, what);
  if (v.length !== n) r.fail('bad-length', `${what} must be ${n} bytes, got ${v.length}`, at);
  return v;
}

function trailing(r: ByteReader, what: string): void {
  if (!r.atEnd) r.fail('trailing-data', `${r.remaining} unexpected byte(s) after ${what}`);
}

// ---- 3G context (P2 81) ----

/** Command data `10 RAND 10 AUTN`. */
export function encodeAuth3gData(rand: Uint8Array, autn: Uint8Array): Uint8Array {
  expectLen(rand, RAND_LEN, 'RAND');
  expectLen(autn, AUTN_LEN, 'AUTN');
  return Uint8Array.from(lv([rand, autn], '3G AUTHENTICATE'));
}

export function decodeAuth3gData(data: Uint8Array): { rand: Uint8Array; autn: Uint8Array } {
  const r = new ByteReader(data, USIM_CODEC);
  const rand = fixedLv(r, RAND_LEN, 'RAND');
  const autn = fixedLv(r, AUTN_LEN, 'AUTN');
  trailing(r, 'AUTN');
  return { rand, autn };
}

export function auth3gCommand(rand: Uint8Array, autn: Uint8Array): CommandApdu {
  return { cla: 0x00, ins: AUTHENTICATE.INS, p1: 0x00, p2: AUTHENTICATE.P2_3G, data: encodeAuth3gData(rand, autn), le: 256 };
}

function decodeSyncFailure(r: ByteReader): { kind: 'sync-failure'; auts: Uint8Array } {
  const auts = fixedLv(r, AUTS_LEN, 'AUTS');
  trailing(r, 'AUTS');
  return { kind: 'sync-failure', auts };
}

/** `DB L RES L CK L IK [08 Kc]` or `DC L AUTS`. */
export function decodeAuth3gResponse(data: Uint8Array): Auth3gResult {
  const r = new ByteReader(data, USIM_CODEC);
  const tag = r.u8('response tag');
  if (tag === AUTH_TAG.SYNC_FAILURE) return decodeSyncFailure(r);
  if (tag !== AUTH_TAG.SUCCESS) r.fail('bad-tag', `unknown AUTHENTICATE response tag 0x${tag.toString(16)}`, 0);
  const res = readLv(r, 'RES');
  if (res.length < 4 || res.length > 16) r.fail('bad-length', `RES must be 4..16 bytes, got ${res.length}`);
  const ck = fixedLv(r, 16, 'CK');
  const ik = fixedLv(r, 16, 'IK');
  if (r.atEnd) return { kind: 'success', res, ck, ik };
  const kc = fixedLv(r, KC_LEN, 'Kc');
  trailing(r, 'Kc');
  return { kind: 'success', res, ck, ik, kc };
}

export function encodeAuth3gResponse(result: Auth3gResult): Uint8Array {
  if (result.kind === 'sync-failure') {
    expectLen(result.auts, AUTS_LEN, 'AUTS');
    return Uint8Array.from([AUTH_TAG.SYNC_FAILURE, ...lv([result.auts], 'AUTS')]);
  }
  const parts = [result.res, result.ck, result.ik, ...(result.kc ? [result.kc] : [])];
  return Uint8Array.from([AUTH_TAG.SUCCESS, ...lv(parts, '3G response')]);
}

// ---- GBA context (P2 84) ----

export function encodeGbaData(cmd: GbaCommand): Uint8Array {
  if (cmd.mode === 'bootstrap') {
    expectLen(cmd.rand, RAND_LEN, 'RAND');
    expectLen(cmd.autn, AUTN_LEN, 'AUTN');
    return Uint8Array.from([AUTH_TAG.GBA_BOOTSTRAP, ...lv([cmd.rand, cmd.autn], 'GBA bootstrapping')]);
  }
  if (cmd.nafId.length === 0) throw new EncodeError(USIM_CODEC, 'NAF_ID is empty');
  return Uint8Array.from([AUTH_TAG.GBA_NAF_DERIVATION, ...lv([cmd.nafId, cmd.impi], 'NAF derivation')]);
}

export function decodeGbaData(data: Uint8Array): GbaCommand {
  const r = new ByteReader(data, USIM_CODEC);
  const tag = r.u8('GBA mode tag');
  if (tag === AUTH_TAG.GBA_BOOTSTRAP) {
    const rand = fixedLv(r, RAND_LEN, 'RAND');
    const autn = fixedLv(r, AUTN_LEN, 'AUTN');
    trailing(r, 'AUTN');
    return { mode: 'bootstrap', rand, autn };
  }
  if (tag === AUTH_TAG.GBA_NAF_DERIVATION) {
    const nafId = readLv(r, 'NAF_ID');
    const impi = readLv(r, 'IMPI');
    trailing(r, 'IMPI');
    return { mode: 'naf-derivation', nafId, impi };
  }
  throw new DecodeError(USIM_CODEC, 'bad-tag', `unknown GBA mode tag 0x${tag.toString(16)}`, 0);
}

export function gbaCommand(cmd: GbaCommand): CommandApdu {
  return { cla: 0x00, ins: AUTHENTICATE.INS, p1: 0x00, p2: AUTHENTICATE.P2_GBA, data: encodeGbaData(cmd), le: 256 };
}

/** Bootstrapping answer: `DB L RES` or `DC L AUTS`. */
export function decodeGbaBootstrapResponse(data: Uint8Array): GbaBootstrapResult {
  const r = new ByteReader(data, USIM_CODEC);
  const tag = r.u8('response tag');
  if (tag === AUTH_TAG.SYNC_FAILURE) return decodeSyncFailure(r);
  if (tag !== AUTH_TAG.SUCCESS) r.fail('bad-tag', `unknown GBA response tag 0x${tag.toString(16)}`, 0);
  const res = readLv(r, 'RES');
  if (res.length < 4 || res.length > 16) r.fail('bad-length', `RES must be 4..16 bytes, got ${res.length}`);
  trailing(r, 'RES');
  return { kind: 'success', res };
}

export function encodeGbaBootstrapResponse(result: GbaBootstrapResult): Uint8Array {
  if (result.kind === 'sync-failure') return encodeAuth3gResponse(result);
  return Uint8Array.from([AUTH_TAG.SUCCESS, ...lv([result.res], 'RES')]);
}

/** NAF derivation answer: `DB L Ks_ext_NAF`. */
export function decodeGbaNafResponse(data: Uint8Array): Uint8Array {
  const r = new ByteReader(data, USIM_CODEC);
  const tag = r.u8('response tag');
  if (tag !== AUTH_TAG.SUCCESS) r.fail('bad-tag', `unknown NAF derivation response tag 0x${tag.toString(16)}`, 0);
  const ks = fixedLv(r, 32, 'Ks_ext_NAF');
  trailing(r, 'Ks_ext_NAF');
  return ks;
}

export function encodeGbaNafResponse(ksExtNaf: Uint8Array): Uint8Array {
  expectLen(ksExtNaf, 32, 'Ks_ext_NAF');
  return Uint8Array.from([AUTH_TAG.SUCCESS, ...lv([ksExtNaf], 'Ks_ext_NAF')]);
}
