/**
 * File Control Parameters (ETSI TS 102 221 §11.1.1.3): what SELECT returns, tag 62. The terminal
 * reads the file kind and sizes from it so reads ask for exactly the right length.
 */
import { EncodeError } from '../errors.js';
import { concatBytes, decodeConstructed, encodeTlv, findTlv } from './ber-tlv.js';
import { USIM_CODEC } from './codec-name.js';

export const FCP_TAG = {
  TEMPLATE: 0x62,
  FILE_SIZE: 0x80,
  TOTAL_SIZE: 0x81,
  DESCRIPTOR: 0x82,
  FILE_ID: 0x83,
  DF_NAME: 0x84,
  PROPRIETARY: 0xa5,
  LCSI: 0x8a,
  SECURITY_ARR: 0x8b,
  SFI: 0x88,
  PIN_STATUS: 0xc6,
} as const;

export type FileKind = 'df' | 'transparent' | 'linear-fixed' | 'cyclic' | 'other';

export interface Fcp {
  kind: FileKind;
  shareable: boolean;
  fileId?: number;
  /** The AID of an ADF. */
  dfName?: Uint8Array;
  /** Data size of an EF (records × record length for record EFs). */
  size?: number;
  recordLength?: number;
  recordCount?: number;
  sfi?: number;
  /** Life cycle status integer (05 = operational, activated). */
  lcsi?: number;
}

const DF_TYPE = 0x38;
const STRUCTURE: ReadonlyMap<number, FileKind> = new Map([
  [0x01, 'transparent'],
  [0x02, 'linear-fixed'],
  [0x06, 'cyclic'],
]);
const KIND_BITS: Record<Exclude<FileKind, 'other'>, number> = { df: DF_TYPE, transparent: 0x01, 'linear-fixed': 0x02, cyclic: 0x06 };
/** Data coding byte: the value every UICC sends (TS 102 221 §11.1.1.4.3). */
const DATA_CODING = 0x21;

const uint = (b: Uint8Array): number => b.reduce((n, x) => n * 256 + x, 0);

export function decodeFcp(bytes: Uint8Array): Fcp {
  const { inner } = decodeConstructed(bytes, FCP_TAG.TEMPLATE, 'FCP');
  const d = findTlv(inner, FCP_TAG.DESCRIPTOR)?.value ?? new Uint8Array(0);
  const desc = d[0] ?? 0;
  let kind: FileKind = 'other';
  if ((desc & DF_TYPE) === DF_TYPE) kind = 'df';
  else if ((desc & DF_TYPE) === 0) kind = STRUCTURE.get(desc & 0x07) ?? 'other';
  const fcp: Fcp = { kind, shareable: (desc & 0x40) !== 0 };
  if (d.length >= 5) {
    fcp.recordLength = (d[2]! << 8) | d[3]!;
    fcp.recordCount = d[4]!;
  }
  const fid = findTlv(inner, FCP_TAG.FILE_ID);
  if (fid && fid.value.length === 2) fcp.fileId = uint(fid.value);
  const name = findTlv(inner, FCP_TAG.DF_NAME);
  if (name) fcp.dfName = Uint8Array.from(name.value);
  const size = findTlv(inner, FCP_TAG.FILE_SIZE);
  if (size && size.value.length > 0 && size.value.length <= 4) fcp.size = uint(size.value);
  else if (fcp.recordLength !== undefined && fcp.recordCount !== undefined) fcp.size = fcp.recordLength * fcp.recordCount;
  const sfi = findTlv(inner, FCP_TAG.SFI);
  if (sfi && sfi.value.length === 1) fcp.sfi = sfi.value[0]! >> 3;
  const lcsi = findTlv(inner, FCP_TAG.LCSI);
  if (lcsi && lcsi.value.length === 1) fcp.lcsi = lcsi.value[0]!;
  return fcp;
}

const u16 = (n: number) => Uint8Array.of(n >> 8, n & 0xff);

/** The card side: an FCP template for a DF / ADF or an EF. */
export function encodeFcp(fcp: Fcp): Uint8Array {
  if (fcp.kind === 'other') throw new EncodeError(USIM_CODEC, 'cannot encode an FCP of kind "other"');
  const desc = KIND_BITS[fcp.kind] | (fcp.shareable ? 0x40 : 0);
  const descriptor =
    fcp.kind === 'linear-fixed' || fcp.kind === 'cyclic'
      ? Uint8Array.of(desc, DATA_CODING, ...u16(fcp.recordLength ?? 0), fcp.recordCount ?? 0)
      : Uint8Array.of(desc, DATA_CODING);
  const parts = [encodeTlv(FCP_TAG.DESCRIPTOR, descriptor)];
  if (fcp.fileId !== undefined) parts.push(encodeTlv(FCP_TAG.FILE_ID, u16(fcp.fileId)));
  if (fcp.dfName) parts.push(encodeTlv(FCP_TAG.DF_NAME, fcp.dfName));
  parts.push(encodeTlv(FCP_TAG.LCSI, Uint8Array.of(fcp.lcsi ?? 0x05)));
  if (fcp.kind !== 'df' && fcp.size !== undefined) parts.push(encodeTlv(FCP_TAG.FILE_SIZE, u16(fcp.size)));
  if (fcp.sfi !== undefined) parts.push(encodeTlv(FCP_TAG.SFI, Uint8Array.of(fcp.sfi << 3)));
  return encodeTlv(FCP_TAG.TEMPLATE, concatBytes(...parts));
}
