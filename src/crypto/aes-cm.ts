/**
 * AES-CM-128 (AES in counter mode, RFC 3711 §4.1.1) as MIKEY uses it for the KEMAC Encr data
 * (RFC 3830 §4.2.3): IV = (salt XOR (0x0000 || CSB ID || T)) || 0x0000, the 128-bit IV then counts up
 * per block, which is exactly Node's aes-128-ctr.
 */
import { createCipheriv } from 'node:crypto';
import { buf, concat, expectLength, u32be, xor } from './bytes.js';

/**
 * The MIKEY T payload value: a 4-byte COUNTER (number or bytes, as MBMS sends) or an 8-byte NTP time.
 */
export type MikeyTimestamp = number | Uint8Array;

/**
 * T as the 64 bits the IV formula wants.
 * [U padding] (SPEC §3.1): a 4-byte COUNTER is zero-padded on the left to 64 bits (0x00000000 ||
 * COUNTER, i.e. the same number as a 64-bit value). The governing clause was not available; this
 * function is the ONE place that decides it.
 */
function t64(t: MikeyTimestamp): Buffer {
  if (typeof t === 'number') return concat(Buffer.alloc(4), u32be(t));
  if (t.length === 4) return concat(Buffer.alloc(4), t);
  if (t.length === 8) return Buffer.from(t);
  throw new RangeError(`MIKEY timestamp must be 4 (COUNTER) or 8 (NTP) bytes, got ${t.length}`);
}

/** The 16-byte initial counter block. salt: the 112-bit salt key. */
export function aesCmIv(salt: Uint8Array, csbId: number, tsCounter: MikeyTimestamp): Buffer {
  expectLength('salt', salt, 14);
  return concat(xor(salt, concat(Buffer.alloc(2), u32be(csbId), t64(tsCounter))), Buffer.alloc(2));
}

function run(key: Uint8Array, salt: Uint8Array, csbId: number, tsCounter: MikeyTimestamp, data: Uint8Array): Buffer {
  expectLength('AES-CM key', key, 16);
  const c = createCipheriv('aes-128-ctr', buf(key), aesCmIv(salt, csbId, tsCounter));
  return Buffer.concat([c.update(buf(data)), c.final()]);
}

export function aesCmEncrypt(key: Uint8Array, salt: Uint8Array, csbId: number, tsCounter: MikeyTimestamp, data: Uint8Array): Buffer {
  return run(key, salt, csbId, tsCounter, data);
}

/** Counter mode is its own inverse; a separate name keeps call sites readable. */
export function aesCmDecrypt(key: Uint8Array, salt: Uint8Array, csbId: number, tsCounter: MikeyTimestamp, data: Uint8Array): Buffer {
  return run(key, salt, csbId, tsCounter, data);
}
