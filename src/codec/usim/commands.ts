/**
 * The file-system and PIN commands of ETSI TS 102 221 §11 the project uses, as CommandApdu builders,
 * and their INS / P1 / P2 values in one table. CLA 00 throughout (UICC, basic logical channel).
 */
import { EncodeError } from '../errors.js';
import type { CommandApdu } from './apdu.js';
import { USIM_CODEC } from './codec-name.js';

export const INS = {
  SELECT: 0xa4,
  STATUS: 0xf2,
  READ_BINARY: 0xb0,
  UPDATE_BINARY: 0xd6,
  READ_RECORD: 0xb2,
  UPDATE_RECORD: 0xdc,
  VERIFY: 0x20,
  GET_RESPONSE: 0xc0,
} as const;

export const SELECT_P1 = { FID: 0x00, AID: 0x04, PATH_FROM_MF: 0x08 } as const;
export const SELECT_P2 = { FCP: 0x04, NO_DATA: 0x0c } as const;
/** READ / UPDATE RECORD P2: absolute record number in P1. */
export const RECORD_ABSOLUTE = 0x04;
/** PIN references (TS 102 221 §9.5.1): 01 = PIN1 (application PIN of the USIM). */
export const PIN_REF = { PIN1: 0x01 } as const;
export const PIN_LENGTH = 8;

const u16 = (n: number) => Uint8Array.of(n >> 8, n & 0xff);

export function selectFid(fid: number, withFcp: boolean): CommandApdu {
  return { cla: 0, ins: INS.SELECT, p1: SELECT_P1.FID, p2: withFcp ? SELECT_P2.FCP : SELECT_P2.NO_DATA, data: u16(fid), ...(withFcp ? { le: 256 } : {}) };
}

export function selectAid(aid: Uint8Array, withFcp: boolean): CommandApdu {
  return { cla: 0, ins: INS.SELECT, p1: SELECT_P1.AID, p2: withFcp ? SELECT_P2.FCP : SELECT_P2.NO_DATA, data: aid, ...(withFcp ? { le: 256 } : {}) };
}

export function readBinary(offset: number, length: number): CommandApdu {
  if (offset < 0 || offset > 0x7fff) throw new EncodeError(USIM_CODEC, `READ BINARY offset out of range: ${offset}`);
  return { cla: 0, ins: INS.READ_BINARY, p1: offset >> 8, p2: offset & 0xff, le: length };
}

export function updateBinary(offset: number, data: Uint8Array): CommandApdu {
  if (offset < 0 || offset > 0x7fff) throw new EncodeError(USIM_CODEC, `UPDATE BINARY offset out of range: ${offset}`);
  return { cla: 0, ins: INS.UPDATE_BINARY, p1: offset >> 8, p2: offset & 0xff, data };
}

export function readRecord(record: number, length: number): CommandApdu {
  return { cla: 0, ins: INS.READ_RECORD, p1: record, p2: RECORD_ABSOLUTE, le: length };
}

export function updateRecord(record: number, data: Uint8Array): CommandApdu {
  return { cla: 0, ins: INS.UPDATE_RECORD, p1: record, p2: RECORD_ABSOLUTE, data };
}

export function getResponse(length: number): CommandApdu {
  return { cla: 0, ins: INS.GET_RESPONSE, p1: 0, p2: 0, le: length };
}

/** VERIFY without data asks for the PIN status (9000 verified / not needed, 63Cx tries left). */
export function verifyPin(pin?: Uint8Array, ref: number = PIN_REF.PIN1): CommandApdu {
  return { cla: 0, ins: INS.VERIFY, p1: 0, p2: ref, ...(pin ? { data: pin } : {}) };
}

/** PIN digits as ASCII, padded with FF to 8 bytes (TS 102 221 §9.5.2). */
export function encodePin(pin: string): Uint8Array {
  if (!/^\d{4,8}$/.test(pin)) throw new EncodeError(USIM_CODEC, 'PIN must be 4..8 digits');
  const out = new Uint8Array(PIN_LENGTH).fill(0xff);
  for (let i = 0; i < pin.length; i++) out[i] = pin.charCodeAt(i);
  return out;
}
