/**
 * EF_DIR records (ETSI TS 102 221 §13.1): one application template per record,
 * `61 L { 4F L AID, [50 L label] }`, FF-filled when unused.
 */
import { EncodeError } from '../errors.js';
import { concatBytes, decodeTlvs, encodeTlv, findTlv, requireTlv } from './ber-tlv.js';
import { USIM_CODEC } from './codec-name.js';
import { USIM_AID_PREFIX } from './files.js';

const TAG = { TEMPLATE: 0x61, AID: 0x4f, LABEL: 0x50 } as const;

export interface DirEntry {
  aid: Uint8Array;
  label: string | null;
}

const isBlank = (record: Uint8Array) => record.every((b) => b === 0xff);

/** null for an unused record. */
export function decodeDirRecord(record: Uint8Array): DirEntry | null {
  if (isBlank(record)) return null;
  const top = decodeTlvs(record);
  const tpl = requireTlv(top, TAG.TEMPLATE, 'application template');
  const inner = decodeTlvs(tpl.value, tpl.valueOffset);
  const aid = Uint8Array.from(requireTlv(inner, TAG.AID, 'AID', tpl.valueOffset).value);
  const label = findTlv(inner, TAG.LABEL);
  return { aid, label: label ? new TextDecoder('utf-8').decode(label.value) : null };
}

export function encodeDirRecord(entry: DirEntry, recordLength: number): Uint8Array {
  const inner = [encodeTlv(TAG.AID, entry.aid)];
  if (entry.label !== null) inner.push(encodeTlv(TAG.LABEL, new TextEncoder().encode(entry.label)));
  const tpl = encodeTlv(TAG.TEMPLATE, concatBytes(...inner));
  if (tpl.length > recordLength) throw new EncodeError(USIM_CODEC, `EF_DIR entry of ${tpl.length} bytes exceeds record length ${recordLength}`);
  const out = new Uint8Array(recordLength).fill(0xff);
  out.set(tpl);
  return out;
}

export function isUsimAid(aid: Uint8Array): boolean {
  return aid.length >= USIM_AID_PREFIX.length && USIM_AID_PREFIX.every((b, i) => aid[i] === b);
}

/** The first USIM application among the entries, or null. */
export function findUsim(entries: readonly (DirEntry | null)[]): DirEntry | null {
  return entries.find((e): e is DirEntry => e !== null && isUsimAid(e.aid)) ?? null;
}
