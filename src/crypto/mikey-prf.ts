/**
 * MIKEY-1 PRF (RFC 3830 §4.1.2) and the pre-shared-key derivation of the traffic keys that protect a
 * MIKEY message (§4.1.4): the MUK protects MSK messages, the MSK protects MTK messages (TS 33.246).
 */
import { createHmac } from 'node:crypto';
import { buf, concat, u32be } from './bytes.js';

const HMAC_SHA1_LEN = 20;
const CHUNK = 32; // inkey is split into 256-bit pieces

/** RFC 3830 §4.1.4 derivation constants and the key sizes MBMS uses (AES-CM-128, HMAC-SHA-1-160). */
export const MIKEY_KEY_DERIVATION = {
  encr: { constant: 0x150533e1, length: 16 },
  auth: { constant: 0x2d22ac75, length: 20 },
  salt: { constant: 0x29b88916, length: 14 },
} as const;

/** cs_id of a key derived for protecting the MIKEY message itself (RFC 3830 §4.1.4). */
const CS_ID_MIKEY = 0xff;

/** P(s, label, m) = HMAC(s, A1 || label) || … || HMAC(s, Am || label), A0 = label, Ai = HMAC(s, Ai-1). */
function p(s: Buffer, label: Buffer, m: number): Buffer {
  const blocks: Buffer[] = [];
  let a = label;
  for (let i = 0; i < m; i++) {
    a = createHmac('sha1', s).update(a).digest();
    blocks.push(createHmac('sha1', s).update(a).update(label).digest());
  }
  return Buffer.concat(blocks);
}

/** PRF(inkey, label) truncated to outLenBytes: the P outputs of every 256-bit inkey chunk XORed. */
export function mikeyPrf(inkey: Uint8Array, label: Uint8Array, outLenBytes: number): Buffer {
  if (inkey.length === 0) throw new RangeError('MIKEY PRF inkey is empty');
  if (!Number.isInteger(outLenBytes) || outLenBytes < 0) throw new RangeError(`bad output length: ${outLenBytes}`);
  const key = buf(inkey);
  const l = buf(label);
  const m = Math.ceil(outLenBytes / HMAC_SHA1_LEN);
  const out = Buffer.alloc(m * HMAC_SHA1_LEN);
  for (let off = 0; off < key.length; off += CHUNK) {
    const part = p(key.subarray(off, off + CHUNK), l, m);
    for (let i = 0; i < out.length; i++) out[i]! ^= part[i]!;
  }
  const result = Buffer.from(out.subarray(0, outLenBytes));
  out.fill(0); // the truncated tail is key material too
  return result;
}

/** label = constant(4) || cs_id 0xFF || CSB ID(4) || RAND. */
export function mikeyKeyLabel(constant: number, csbId: number, rand: Uint8Array): Buffer {
  return concat(u32be(constant), Uint8Array.of(CS_ID_MIKEY), u32be(csbId), rand);
}

export interface MikeyKeys {
  encrKey: Buffer;
  authKey: Buffer;
  saltKey: Buffer;
}

/** The encryption, authentication and salt keys of one MIKEY message. */
export function deriveMikeyKeys(inkey: Uint8Array, csbId: number, rand: Uint8Array): MikeyKeys {
  const d = (k: keyof typeof MIKEY_KEY_DERIVATION): Buffer =>
    mikeyPrf(inkey, mikeyKeyLabel(MIKEY_KEY_DERIVATION[k].constant, csbId, rand), MIKEY_KEY_DERIVATION[k].length);
  return { encrKey: d('encr'), authKey: d('auth'), saltKey: d('salt') };
}
