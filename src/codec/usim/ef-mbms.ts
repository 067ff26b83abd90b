/**
 * MBMS key files of the USIM (TS 31.102): EF_MSK 6FD7 (§4.2.80: per Key Domain, Key Domain ID(3) |
 * number of MSK IDs(1) | {MSK ID(4) | Time Stamp Counter(4)}…) and EF_MUK 6FD8 (§4.2.81:
 * `A0 L { 80 L IDr, 82 L IDi }` MUK ID, `81 L` Time Stamp Counter). The keys themselves never leave
 * the card; these files only name them and hold the replay counters.
 */
import { EncodeError } from '../errors.js';
import { ByteReader } from '../reader.js';
import { concatBytes, decodeTlvs, encodeTlv, findTlv } from './ber-tlv.js';
import { USIM_CODEC } from './codec-name.js';

export interface MskEntry {
  /** Key Group (2 bytes) || Key Number (2 bytes) as a 32-bit number. */
  mskId: number;
  tsCounter: number;
}

export interface MskRecord {
  keyDomainId: Uint8Array;
  msks: MskEntry[];
}

export interface MukRecord {
  idi: Uint8Array;
  idr: Uint8Array;
  tsCounter: number;
}

const isBlank = (r: Uint8Array) => r.every((b) => b === 0xff);

export function decodeMskRecord(record: Uint8Array): MskRecord | null {
  if (isBlank(record)) return null;
  const r = new ByteReader(record, USIM_CODEC);
  const keyDomainId = Uint8Array.from(r.take(3, 'Key Domain ID'));
  const n = r.u8('number of MSK IDs');
  const msks: MskEntry[] = [];
  for (let i = 0; i < n; i++) msks.push({ mskId: r.u32('MSK ID'), tsCounter: r.u32('Time Stamp Counter') });
  return { keyDomainId, msks };
}

/** TS 31.102 §4.2.80 / TS 33.246: at most two MSKs per Key Domain ID / Key Group pair (the ME keeps them alike). */
export const MSKS_PER_KEY_GROUP = 2;

/** How many MSK entries fit a record of this length. */
export const msksPerRecord = (recordLength: number): number => Math.floor((recordLength - 4) / 8);

export function encodeMskRecord(rec: MskRecord, recordLength: number): Uint8Array {
  if (rec.keyDomainId.length !== 3) throw new EncodeError(USIM_CODEC, 'Key Domain ID must be 3 bytes');
  if (rec.msks.length > msksPerRecord(recordLength)) throw new EncodeError(USIM_CODEC, 'too many MSKs for the record');
  const out = new Uint8Array(recordLength).fill(0xff);
  const dv = new DataView(out.buffer);
  out.set(rec.keyDomainId);
  out[3] = rec.msks.length;
  rec.msks.forEach((m, i) => {
    dv.setUint32(4 + i * 8, m.mskId);
    dv.setUint32(8 + i * 8, m.tsCounter);
  });
  return out;
}

/** TS 31.102 §4.2.81 (pySim `EF_MUK`): MUK ID A0 { 80 IDr, 82 IDi }, Time Stamp Counter 81. */
export const MUK_TAG = { ID: 0xa0, IDR: 0x80, TS: 0x81, IDI: 0x82 } as const;

/** The MUK ID TLV as EF_MUK holds it; also the payload of MUK deletion (SPEC §8). */
export function encodeMukIdTlv(idr: Uint8Array, idi: Uint8Array): Uint8Array {
  return encodeTlv(MUK_TAG.ID, concatBytes(encodeTlv(MUK_TAG.IDR, idr), encodeTlv(MUK_TAG.IDI, idi)));
}

export function decodeMukRecord(record: Uint8Array): MukRecord | null {
  const top = decodeTlvs(record);
  const id = findTlv(top, MUK_TAG.ID);
  if (!id) return null;
  const inner = decodeTlvs(id.value, id.valueOffset);
  const ts = findTlv(top, MUK_TAG.TS)?.value ?? new Uint8Array(0);
  return {
    idr: Uint8Array.from(findTlv(inner, MUK_TAG.IDR)?.value ?? []),
    idi: Uint8Array.from(findTlv(inner, MUK_TAG.IDI)?.value ?? []),
    tsCounter: ts.reduce((n, b) => n * 256 + b, 0),
  };
}

export function encodeMukRecord(rec: MukRecord, recordLength: number): Uint8Array {
  const ts = new Uint8Array(4);
  new DataView(ts.buffer).setUint32(0, rec.tsCounter);
  const body = concatBytes(
    encodeMukIdTlv(rec.idr, rec.idi),
    encodeTlv(MUK_TAG.TS, ts),
  );
  if (body.length > recordLength) throw new EncodeError(USIM_CODEC, `EF_MUK entry exceeds record length ${recordLength}`);
  const out = new Uint8Array(recordLength).fill(0xff);
  out.set(body);
  return out;
}
