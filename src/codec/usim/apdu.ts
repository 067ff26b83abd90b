/**
 * ISO/IEC 7816-4 command and response APDUs, short length fields only (ETSI TS 102 221 §10.1):
 * case 1 `CLA INS P1 P2`, case 2 `… Le`, case 3 `… Lc data`, case 4 `… Lc data Le`. Le = 256 is sent
 * as 00. The card side decodes commands, the terminal side encodes them; both ways for responses.
 */
import { offHeapCopy } from '../off-heap.js';
import { DecodeError, EncodeError } from '../errors.js';
import { USIM_CODEC } from './codec-name.js';

export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  /** Command data (Lc = its length, 1..255). Absent or empty: no Lc field. */
  data?: Uint8Array;
  /** Expected response length 1..256. Absent: no Le field. */
  le?: number;
}

export type ApduCase = 1 | 2 | 3 | 4;

export interface DecodedCommandApdu extends CommandApdu {
  case: ApduCase;
  data: Uint8Array;
}

export interface ResponseApdu {
  data: Uint8Array;
  /** SW1 << 8 | SW2. */
  sw: number;
}

const isByte = (v: number) => Number.isInteger(v) && v >= 0 && v <= 0xff;

export function encodeCommandApdu(c: CommandApdu): Uint8Array {
  for (const k of ['cla', 'ins', 'p1', 'p2'] as const) {
    if (!isByte(c[k])) throw new EncodeError(USIM_CODEC, `APDU ${k} is not a byte: ${c[k]}`);
  }
  const data = c.data ?? new Uint8Array(0);
  if (data.length > 255) throw new EncodeError(USIM_CODEC, `command data of ${data.length} bytes needs extended length`);
  if (c.le !== undefined && (!Number.isInteger(c.le) || c.le < 1 || c.le > 256)) {
    throw new EncodeError(USIM_CODEC, `Le out of range 1..256: ${c.le}`);
  }
  const out: number[] = [c.cla, c.ins, c.p1, c.p2];
  if (data.length > 0) out.push(data.length, ...data);
  if (c.le !== undefined) out.push(c.le & 0xff);
  return Uint8Array.from(out);
}

/** Which case a command is, from its shape. */
export function commandCase(c: CommandApdu): ApduCase {
  const hasData = (c.data?.length ?? 0) > 0;
  if (hasData) return c.le === undefined ? 3 : 4;
  return c.le === undefined ? 1 : 2;
}

export function decodeCommandApdu(bytes: Uint8Array): DecodedCommandApdu {
  if (bytes.length < 4) throw new DecodeError(USIM_CODEC, 'truncated', `command APDU needs 4 header bytes, got ${bytes.length}`, 0);
  const [cla, ins, p1, p2] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  const head = { cla, ins, p1, p2 };
  if (bytes.length === 4) return { ...head, case: 1, data: new Uint8Array(0) };
  const b4 = bytes[4]!;
  if (bytes.length === 5) return { ...head, case: 2, data: new Uint8Array(0), le: b4 === 0 ? 256 : b4 };
  if (b4 === 0) throw new DecodeError(USIM_CODEC, 'unsupported', 'extended length APDU', 4);
  const data = Uint8Array.from(bytes.subarray(5, 5 + b4));
  if (bytes.length === 5 + b4) return { ...head, case: 3, data };
  if (bytes.length === 6 + b4) {
    const le = bytes[5 + b4]!;
    return { ...head, case: 4, data, le: le === 0 ? 256 : le };
  }
  throw new DecodeError(USIM_CODEC, 'bad-length', `Lc ${b4} does not match an APDU of ${bytes.length} bytes`, 4);
}

export function decodeResponseApdu(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) throw new DecodeError(USIM_CODEC, 'truncated', `response APDU needs SW1 SW2, got ${bytes.length} byte(s)`, 0);
  const n = bytes.length;
  // Off the V8 heap: response data may be a key (Ks_ext_NAF, RES, CK/IK, MTK) that the caller zeroes.
  return { data: offHeapCopy(bytes.subarray(0, n - 2)), sw: (bytes[n - 2]! << 8) | bytes[n - 1]! };
}

export function encodeResponseApdu(data: Uint8Array, sw: number): Uint8Array {
  if (!Number.isInteger(sw) || sw < 0 || sw > 0xffff) throw new EncodeError(USIM_CODEC, `SW out of range: ${sw}`);
  if (data.length > 256) throw new EncodeError(USIM_CODEC, `response data of ${data.length} bytes exceeds 256`);
  const out = new Uint8Array(data.length + 2);
  out.set(data);
  out[data.length] = sw >> 8;
  out[data.length + 1] = sw & 0xff;
  return out;
}
