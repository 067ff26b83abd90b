/**
 * MILENAGE (3GPP TS 35.206) and the AKA procedures built on it (TS 33.102 §6.3): the network side
 * (authentication vector, AUTS resolution) is used by the simulated BSF, the card side (AUTN check,
 * AUTS construction) by the virtual USIM. E_K is one AES-128 block encryption.
 */
import { createCipheriv, timingSafeEqual } from 'node:crypto';
import { buf, concat, expectLength, xor } from './bytes.js';

const SQN_LEN = 6;
/** TS 33.102 §6.3.5: MAC-S of a resynchronisation uses a dummy AMF of all zeros. */
const RESYNC_AMF = Buffer.alloc(2);

/** TS 35.206 §4.1 rotation amounts r1..r5 (bits, all byte multiples) and constants c1..c5 (last byte). */
const R = { r1: 64, r2: 0, r3: 32, r4: 64, r5: 96 } as const;
const C = { c1: 0x00, c2: 0x01, c3: 0x02, c4: 0x04, c5: 0x08 } as const;

function ek(k: Uint8Array, block: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-128-ecb', buf(k), null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(buf(block)), cipher.final()]);
}

/** Cyclic left rotation of a 128-bit block by r bits (r a multiple of 8). */
function rot(x: Uint8Array, r: number): Buffer {
  const n = r / 8;
  const out = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) out[i] = x[(i + n) % 16]!;
  return out;
}

function constant(last: number): Buffer {
  const c = Buffer.alloc(16);
  c[15] = last;
  return c;
}

/** OUTi = E_K(rot(TEMP xor OPc, ri) xor ci) xor OPc, for the f2..f5* blocks. */
function out(k: Uint8Array, opc: Uint8Array, temp: Uint8Array, r: number, c: number): Buffer {
  return xor(ek(k, xor(rot(xor(temp, opc), r), constant(c))), opc);
}

function checkKeys(k: Uint8Array, opc: Uint8Array, rand: Uint8Array): void {
  expectLength('K', k, 16);
  expectLength('OPc', opc, 16);
  expectLength('RAND', rand, 16);
}

/** OPc = OP xor E_K(OP) (TS 35.206 §4.1). */
export function computeOpc(k: Uint8Array, op: Uint8Array): Buffer {
  expectLength('K', k, 16);
  expectLength('OP', op, 16);
  return xor(ek(k, op), op);
}

function out1(k: Uint8Array, opc: Uint8Array, rand: Uint8Array, sqn: Uint8Array, amf: Uint8Array): Buffer {
  checkKeys(k, opc, rand);
  expectLength('SQN', sqn, SQN_LEN);
  expectLength('AMF', amf, 2);
  const temp = ek(k, xor(rand, opc));
  const in1 = concat(sqn, amf, sqn, amf);
  return xor(ek(k, xor(xor(temp, rot(xor(in1, opc), R.r1)), constant(C.c1))), opc);
}

/** f1: network authentication code MAC-A (8 bytes). */
export function f1(k: Uint8Array, opc: Uint8Array, rand: Uint8Array, sqn: Uint8Array, amf: Uint8Array): Buffer {
  return out1(k, opc, rand, sqn, amf).subarray(0, 8);
}

/** f1*: resynchronisation authentication code MAC-S (8 bytes). */
export function f1star(k: Uint8Array, opc: Uint8Array, rand: Uint8Array, sqn: Uint8Array, amf: Uint8Array): Buffer {
  return out1(k, opc, rand, sqn, amf).subarray(8, 16);
}

export interface F2345 {
  /** f2: RES / XRES, 8 bytes. */
  res: Buffer;
  /** f3: cipher key, 16 bytes. */
  ck: Buffer;
  /** f4: integrity key, 16 bytes. */
  ik: Buffer;
  /** f5: anonymity key, 6 bytes. */
  ak: Buffer;
  /** f5*: resynchronisation anonymity key, 6 bytes. */
  akStar: Buffer;
}

/** f2, f3, f4, f5 and f5* in one pass (they share TEMP). */
export function f2345(k: Uint8Array, opc: Uint8Array, rand: Uint8Array): F2345 {
  checkKeys(k, opc, rand);
  const temp = ek(k, xor(rand, opc));
  const o2 = out(k, opc, temp, R.r2, C.c2);
  return {
    res: o2.subarray(8, 16),
    ak: o2.subarray(0, 6),
    ck: out(k, opc, temp, R.r3, C.c3),
    ik: out(k, opc, temp, R.r4, C.c4),
    akStar: out(k, opc, temp, R.r5, C.c5).subarray(0, 6),
  };
}

export const f2 = (k: Uint8Array, opc: Uint8Array, rand: Uint8Array): Buffer => f2345(k, opc, rand).res;
export const f3 = (k: Uint8Array, opc: Uint8Array, rand: Uint8Array): Buffer => f2345(k, opc, rand).ck;
export const f4 = (k: Uint8Array, opc: Uint8Array, rand: Uint8Array): Buffer => f2345(k, opc, rand).ik;
export const f5 = (k: Uint8Array, opc: Uint8Array, rand: Uint8Array): Buffer => f2345(k, opc, rand).ak;
export const f5star = (k: Uint8Array, opc: Uint8Array, rand: Uint8Array): Buffer => f2345(k, opc, rand).akStar;

/** SQN as the 6-byte big-endian field (48 bits fit a JS number exactly). */
export function sqnFromNumber(n: number): Buffer {
  if (!Number.isSafeInteger(n) || n < 0 || n >= 2 ** 48) throw new RangeError(`SQN out of 48-bit range: ${n}`);
  const out = Buffer.alloc(SQN_LEN);
  out.writeUIntBE(n, 0, SQN_LEN);
  return out;
}

export function sqnToNumber(sqn: Uint8Array): number {
  expectLength('SQN', sqn, SQN_LEN);
  return buf(sqn).readUIntBE(0, SQN_LEN);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(buf(a), buf(b));
}

export interface AuthVectorInput {
  K: Uint8Array;
  OPc: Uint8Array;
  SQN: Uint8Array;
  AMF: Uint8Array;
  RAND: Uint8Array;
}

export interface AuthVector {
  RAND: Buffer;
  /** SQN xor AK (6) || AMF (2) || MAC-A (8). */
  AUTN: Buffer;
  XRES: Buffer;
  CK: Buffer;
  IK: Buffer;
  AK: Buffer;
}

/** Network side (HSS/BSF): one authentication vector for RAND and SQN. */
export function generateAuthVector({ K, OPc, SQN, AMF, RAND }: AuthVectorInput): AuthVector {
  const mac = f1(K, OPc, RAND, SQN, AMF);
  const { res, ck, ik, ak } = f2345(K, OPc, RAND);
  return { RAND: Buffer.from(RAND), AUTN: concat(xor(SQN, ak), AMF, mac), XRES: res, CK: ck, IK: ik, AK: ak };
}

export interface CheckAutnInput {
  K: Uint8Array;
  OPc: Uint8Array;
  RAND: Uint8Array;
  AUTN: Uint8Array;
  /**
   * The card's freshness rule for the recovered SQN (TS 33.102 Annex C leaves the scheme to the
   * operator). Omitted: every SQN is accepted and only the MAC decides.
   */
  acceptSqn?: (sqn: Buffer) => boolean;
}

export interface CheckAutnResult {
  /** MAC valid and SQN accepted: the card answers RES (and CK, IK). */
  ok: boolean;
  /** false: the card answers "MAC failure" (98 62). */
  macOk: boolean;
  /** false with macOk: the card answers a synchronisation failure with AUTS. */
  sqnOk: boolean;
  /** SQN recovered as (SQN xor AK) xor AK. */
  sqn: Buffer;
  amf: Buffer;
}

/** Card side: recover SQN from AUTN and check MAC-A. */
export function checkAutn({ K, OPc, RAND, AUTN, acceptSqn }: CheckAutnInput): CheckAutnResult {
  expectLength('AUTN', AUTN, 16);
  const autn = buf(AUTN);
  const { ak } = f2345(K, OPc, RAND);
  const sqn = xor(autn.subarray(0, 6), ak);
  const amf = Buffer.from(autn.subarray(6, 8));
  const macOk = sameBytes(f1(K, OPc, RAND, sqn, amf), autn.subarray(8, 16));
  const sqnOk = macOk && (acceptSqn ? acceptSqn(sqn) : true);
  return { ok: macOk && sqnOk, macOk, sqnOk, sqn, amf };
}

export interface BuildAutsInput {
  K: Uint8Array;
  OPc: Uint8Array;
  RAND: Uint8Array;
  /** The highest SQN the card has accepted. */
  SQNms: Uint8Array;
}

/** Card side: AUTS = (SQNms xor AK*) || MAC-S, MAC-S over SQNms with AMF 0000 (TS 33.102 §6.3.3). */
export function buildAuts({ K, OPc, RAND, SQNms }: BuildAutsInput): Buffer {
  const { akStar } = f2345(K, OPc, RAND);
  return concat(xor(SQNms, akStar), f1star(K, OPc, RAND, SQNms, RESYNC_AMF));
}

export interface ResolveAutsInput {
  K: Uint8Array;
  OPc: Uint8Array;
  /** The RAND of the challenge the card refused. */
  RAND: Uint8Array;
  AUTS: Uint8Array;
}

/** Network side: recover SQNms from AUTS and check MAC-S. */
export function resolveAuts({ K, OPc, RAND, AUTS }: ResolveAutsInput): { sqnMs: Buffer; macOk: boolean } {
  expectLength('AUTS', AUTS, 14);
  const auts = buf(AUTS);
  const { akStar } = f2345(K, OPc, RAND);
  const sqnMs = xor(auts.subarray(0, 6), akStar);
  const macOk = sameBytes(f1star(K, OPc, RAND, sqnMs, RESYNC_AMF), auts.subarray(6, 14));
  return { sqnMs, macOk };
}
