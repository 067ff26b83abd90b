/**
 * The card side of AUTHENTICATE in the MBMS security context (SPEC §8 [C]/[I], as a card OS would do it,
 * written apart from the terminal's encoder so each checks the other): command blocks chained on 63 F1
 * until the BER-TLV length of the `53` data object is met, the mode byte and its payload parsed, and the
 * answer given in the profile's form (OMA BCAST `AE`, or 3GPP `DB`), either directly (T=0: 61xx + GET
 * RESPONSE) or announced by 62 F3 and retrieved with P1 A0 / 20 in blocks (62 F1 between them).
 */
import {
  BCAST_TAG,
  MBMS_COMMAND_TAG,
  MBMS_FORM_TAG,
  MBMS_MODE,
  MBMS_P1,
  MUK_TAG,
  SW,
  concatBytes,
  decodeTlvs,
  encodeThreeGppOutput,
  encodeTlv,
  findTlv,
  type DecodedCommandApdu,
  type MbmsModeName,
} from '../../codec/usim/index.js';
import { DecodeError } from '../../codec/errors.js';
import { CardStatus } from './card-status.js';
import type { MbmsCardBehaviour } from './profile.js';

export type CardMbmsCommand =
  | { mode: 'msk-update' | 'mtk-generation'; mikey: Uint8Array }
  | { mode: 'msk-deletion'; keyDomainId: Uint8Array; keyGroup: number }
  | { mode: 'muk-deletion'; idi: Uint8Array; idr: Uint8Array };

/** What the MBMS context hands back; the form is this file's business. */
export interface CardMbmsOutput {
  verification?: Uint8Array;
  mtk?: Uint8Array;
  salt?: Uint8Array;
}

const MODES = new Map<number, MbmsModeName>(Object.entries(MBMS_MODE).map(([k, v]) => [v, k as MbmsModeName]));
/** The Symbian TSY retrieves with P2 00, the Qualcomm driver with 85: a card takes both. */
const RETRIEVAL_P2 = new Set([0x85, 0x00]);

/** Total bytes of the `53` object whose first bytes are `head` (tag, BER length), or null while unknown. */
function objectLength(head: Uint8Array): number | null {
  if (head[0] !== MBMS_COMMAND_TAG) throw new CardStatus(SW.WRONG_DATA, 'MBMS command: not a 53 data object');
  const l = head[1];
  if (l === undefined) return null;
  if (l < 0x80) return 2 + l;
  if (l === 0x81) return head.length < 3 ? null : 3 + head[2]!;
  if (l === 0x82) return head.length < 4 ? null : 4 + ((head[2]! << 8) | head[3]!);
  throw new CardStatus(SW.WRONG_DATA, 'MBMS command: unsupported BER length');
}

function wrongData(why: string): never {
  throw new CardStatus(SW.WRONG_DATA, why);
}

/** Mode byte || payload, from the complete `53` object. */
export function parseMbmsCommand(object: Uint8Array): CardMbmsCommand {
  let value: Uint8Array;
  try {
    const top = decodeTlvs(object, 0, { padding: false });
    if (top.length !== 1 || top[0]!.tag !== MBMS_COMMAND_TAG) wrongData('MBMS command: one 53 data object expected');
    value = top[0]!.value;
  } catch (e) {
    if (e instanceof DecodeError) wrongData(e.message);
    throw e;
  }
  const mode = MODES.get(value[0] ?? -1);
  const payload = value.subarray(1);
  switch (mode) {
    case 'msk-update':
    case 'mtk-generation':
      if (payload.length === 0) wrongData('no MIKEY message');
      return { mode, mikey: Uint8Array.from(payload) };
    case 'msk-deletion':
      if (payload.length !== 5) wrongData('MSK deletion: Key Domain ID(3) || Key Group(2) expected');
      return { mode, keyDomainId: Uint8Array.from(payload.subarray(0, 3)), keyGroup: (payload[3]! << 8) | payload[4]! };
    case 'muk-deletion':
      return { mode, ...parseMukId(payload) };
    default:
      return wrongData(`unknown MBMS mode ${value[0]}`);
  }
}

/** The EF_MUK MUK ID TLV: A0 { 80 IDr, 82 IDi }. */
function parseMukId(payload: Uint8Array): { idi: Uint8Array; idr: Uint8Array } {
  try {
    const id = findTlv(decodeTlvs(payload, 0, { padding: false }), MUK_TAG.ID);
    if (!id) wrongData('MUK deletion: no MUK ID (A0)');
    const inner = decodeTlvs(id.value, id.valueOffset, { padding: false });
    const idr = findTlv(inner, MUK_TAG.IDR);
    const idi = findTlv(inner, MUK_TAG.IDI);
    if (!idr || !idi) wrongData('MUK deletion: MUK ID needs IDr (80) and IDi (82)');
    return { idi: Uint8Array.from(idi.value), idr: Uint8Array.from(idr.value) };
  } catch (e) {
    if (e instanceof DecodeError) wrongData(e.message);
    throw e;
  }
}

/** The response data object in the profile's form; empty when there is nothing to say. */
export function encodeMbmsOutput(mode: MbmsModeName, out: CardMbmsOutput, form: MbmsCardBehaviour['responseForm']): Uint8Array {
  const has = out.verification || out.mtk;
  if (!has) return new Uint8Array(0);
  if (form === '3gpp') {
    const fields = mode === 'mtk-generation' ? [out.mtk!, ...(out.salt ? [out.salt] : [])] : [out.verification!];
    return encodeTlv(MBMS_COMMAND_TAG, encodeThreeGppOutput(fields));
  }
  const inner: Uint8Array[] = [];
  if (out.verification) inner.push(encodeTlv(BCAST_TAG.MIKEY, out.verification));
  if (out.mtk) inner.push(encodeTlv(BCAST_TAG.TEK, out.mtk));
  if (out.salt) inner.push(encodeTlv(BCAST_TAG.SALT, out.salt));
  return encodeTlv(MBMS_COMMAND_TAG, encodeTlv(MBMS_FORM_TAG.OMA_BCAST, concatBytes(...inner)));
}

export type BlockResult = { kind: 'more' } | { kind: 'complete'; object: Uint8Array };

/** Chained command blocks and the response waiting for retrieval: the volatile state of one exchange. */
export class MbmsApduState {
  #chain: { parts: Uint8Array[]; have: number; total: number | null } | null = null;
  #out: { data: Uint8Array; at: number } | null = null;

  /** Any other command ends a chain or a pending retrieval (as a card's single-threaded OS does). */
  reset(): void {
    this.#chain = null;
    this.#out?.data.fill(0);
    this.#out = null;
  }

  /** One command block (P1 80 first, 00 next). */
  block(cmd: DecodedCommandApdu): BlockResult {
    if (cmd.data.length === 0) throw new CardStatus(SW.WRONG_LENGTH, 'MBMS command without data');
    if (cmd.p1 === MBMS_P1.FIRST_COMMAND_BLOCK) {
      this.reset();
      this.#chain = { parts: [], have: 0, total: null };
    } else if (!this.#chain) throw new CardStatus(SW.CONDITIONS_NOT_SATISFIED, 'next block without a first one');
    const c = this.#chain!;
    c.parts.push(cmd.data);
    c.have += cmd.data.length;
    const all = concatBytes(...c.parts);
    c.total ??= objectLength(all);
    if (c.total !== null && c.have > c.total) {
      this.#chain = null;
      throw new CardStatus(SW.WRONG_LENGTH, 'more command data than the 53 object holds');
    }
    if (c.total === null || c.have < c.total) return { kind: 'more' };
    this.#chain = null;
    return { kind: 'complete', object: all };
  }

  /** Keeps a response for retrieval (the caller answers 62 F3). */
  hold(data: Uint8Array): void {
    this.#out = { data, at: 0 };
  }

  /** AUTHENTICATE P1 A0 (from the start) / 20 (onwards): a block of the held response, 62 F1 while more remains. */
  retrieve(cmd: DecodedCommandApdu, blockSize: number): { data: Uint8Array; sw: number } {
    if (!RETRIEVAL_P2.has(cmd.p2)) throw new CardStatus(SW.WRONG_P1P2, 'retrieval P2 must be 85 or 00');
    const out = this.#out;
    if (!out || cmd.le === undefined) throw new CardStatus(SW.CONDITIONS_NOT_SATISFIED, 'no response data to retrieve');
    if (cmd.p1 === MBMS_P1.FIRST_RESPONSE_BLOCK) out.at = 0;
    else if (out.at === 0 || out.at >= out.data.length) throw new CardStatus(SW.CONDITIONS_NOT_SATISFIED, 'next block before the first one');
    const n = Math.min(cmd.le, blockSize, out.data.length - out.at);
    const data = Uint8Array.from(out.data.subarray(out.at, out.at + n));
    out.at += n;
    return { data, sw: out.at < out.data.length ? SW.MORE_RESPONSE_DATA : SW.OK };
  }
}
