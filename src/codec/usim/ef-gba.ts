/**
 * GBA files of the USIM (TS 31.102): EF_GBABP 6FD6 (§4.2.79: LV RAND, LV B-TID, LV key lifetime) and
 * EF_GBANL 6FDA (§4.2.83: records of `80 L NAF_ID`, `81 L B-TID`). The card writes RAND at
 * bootstrapping and NAF entries at NAF derivation; the terminal writes B-TID and lifetime.
 */
import { EncodeError } from '../errors.js';
import { ByteReader } from '../reader.js';
import { concatBytes, decodeTlvs, encodeTlv, findTlv } from './ber-tlv.js';
import { USIM_CODEC } from './codec-name.js';

export interface GbaBootstrapParams {
  rand: Uint8Array;
  btid: string;
  /** Key lifetime as the BSF sent it (xs:dateTime text). */
  lifetime: string;
}

export interface GbaNafEntry {
  nafId: Uint8Array;
  btid: string;
}

const utf8 = new TextDecoder('utf-8');
const enc = new TextEncoder();

/** Fields after the file's content stop at FF; absent fields decode as empty. */
export function decodeGbaBp(bytes: Uint8Array): GbaBootstrapParams {
  const r = new ByteReader(bytes, USIM_CODEC);
  const field = (what: string): Uint8Array => {
    if (r.atEnd || r.peekU8() === 0xff) return new Uint8Array(0);
    return Uint8Array.from(r.take(r.u8(`${what} length`), what));
  };
  const rand = field('RAND');
  const btid = utf8.decode(field('B-TID'));
  const lifetime = utf8.decode(field('key lifetime'));
  return { rand, btid, lifetime };
}

export function encodeGbaBp(p: GbaBootstrapParams, size: number): Uint8Array {
  const parts = [p.rand, enc.encode(p.btid), enc.encode(p.lifetime)];
  const body: number[] = [];
  for (const x of parts) {
    if (x.length > 254) throw new EncodeError(USIM_CODEC, 'EF_GBABP field too long');
    body.push(x.length, ...x);
  }
  if (body.length > size) throw new EncodeError(USIM_CODEC, `EF_GBABP content of ${body.length} bytes exceeds the file (${size})`);
  const out = new Uint8Array(size).fill(0xff);
  out.set(body);
  return out;
}

const NL_TAG = { NAF_ID: 0x80, BTID: 0x81 } as const;

export function decodeGbaNlRecord(record: Uint8Array): GbaNafEntry | null {
  const list = decodeTlvs(record);
  const naf = findTlv(list, NL_TAG.NAF_ID);
  if (!naf) return null;
  return { nafId: Uint8Array.from(naf.value), btid: utf8.decode(findTlv(list, NL_TAG.BTID)?.value ?? new Uint8Array(0)) };
}

export function encodeGbaNlRecord(e: GbaNafEntry, recordLength: number): Uint8Array {
  const body = concatBytes(encodeTlv(NL_TAG.NAF_ID, e.nafId), encodeTlv(NL_TAG.BTID, enc.encode(e.btid)));
  if (body.length > recordLength) throw new EncodeError(USIM_CODEC, `EF_GBANL entry exceeds record length ${recordLength}`);
  const out = new Uint8Array(recordLength).fill(0xff);
  out.set(body);
  return out;
}
