/**
 * Terminal side of AUTHENTICATE in the MBMS security context (SPEC §8, bytes in `mbms-tags.ts`): the
 * command data object of the four modes, its split into chained command blocks, the retrieval commands
 * of a response announced by 62 F3, and the response in either form (3GPP `DB`, OMA BCAST `AE`).
 * Decoding is length-driven and tolerant: unknown OMA BCAST inner objects are kept, not refused.
 */
import { DecodeError, EncodeError } from '../errors.js';
import type { CommandApdu } from './apdu.js';
import { AUTHENTICATE } from './authenticate.js';
import { concatBytes, decodeTlvs, encodeTlv, findTlv, hexTag } from './ber-tlv.js';
import { USIM_CODEC } from './codec-name.js';
import { encodeMukIdTlv } from './ef-mbms.js';
import {
  BCAST_TAG,
  MBMS_BLOCK_SIZE,
  MBMS_COMMAND_TAG,
  MBMS_FORM_TAG,
  MBMS_MODE,
  MBMS_P1,
  MBMS_RESPONSE_TAGS,
  decodeThreeGppOutput,
  type MbmsModeName,
} from './mbms-tags.js';

export type MbmsCommand =
  /** The MIKEY MSK message as received (a key-less solicited pull too). */
  | { mode: 'msk-update'; mikey: Uint8Array }
  /** The MIKEY MTK message (STKM). */
  | { mode: 'mtk-generation'; mikey: Uint8Array }
  /** Deletes the MSKs of one Key Domain / Key Group. */
  | { mode: 'msk-deletion'; keyDomainId: Uint8Array; keyGroup: number }
  | { mode: 'muk-deletion'; idi: Uint8Array; idr: Uint8Array };

export interface MbmsResponse {
  /** Which form the card answered in; null when it answered no data. */
  form: '3gpp' | 'oma-bcast' | null;
  /** MSK update with V set: the MIKEY verification message. */
  verification?: Uint8Array;
  /** MTK generation: the MTK (TEK) and, for TEK+SALT key data, its salt. */
  mtk?: Uint8Array;
  salt?: Uint8Array;
  /** OMA BCAST extras, carried opaque: 80 management data, 8A parental rating, 8B SPE type not supported, 88 parental control. */
  bcast?: { managementData?: Uint8Array; parentalRating?: Uint8Array; speTypeNotSupported?: Uint8Array; parentalControl?: Uint8Array };
}

function payload(cmd: MbmsCommand): Uint8Array {
  switch (cmd.mode) {
    case 'msk-update':
    case 'mtk-generation':
      if (cmd.mikey.length === 0) throw new EncodeError(USIM_CODEC, 'MIKEY message is empty');
      return cmd.mikey;
    case 'msk-deletion':
      if (cmd.keyDomainId.length !== 3) throw new EncodeError(USIM_CODEC, 'Key Domain ID must be 3 bytes');
      if (!Number.isInteger(cmd.keyGroup) || cmd.keyGroup < 0 || cmd.keyGroup > 0xffff) throw new EncodeError(USIM_CODEC, `Key Group out of range: ${cmd.keyGroup}`);
      return concatBytes(cmd.keyDomainId, Uint8Array.of(cmd.keyGroup >> 8, cmd.keyGroup & 0xff));
    case 'muk-deletion':
      return encodeMukIdTlv(cmd.idr, cmd.idi);
  }
}

/** `53 <BER length> <mode> <payload>`: the whole command data, before any split into blocks. */
export function encodeMbmsData(cmd: MbmsCommand): Uint8Array {
  return encodeTlv(MBMS_COMMAND_TAG, concatBytes(Uint8Array.of(MBMS_MODE[cmd.mode]), payload(cmd)));
}

/**
 * The command APDUs in order: P1 80 on the first block, 00 on the following ones, at most 255 bytes
 * each (the card answers 63 F1 to every block but the last). Case 3, as the Qualcomm driver sends it:
 * a response comes through 61xx / GET RESPONSE or 62 F3 / retrieval.
 */
export function mbmsCommandBlocks(cmd: MbmsCommand): CommandApdu[] {
  const data = encodeMbmsData(cmd);
  const out: CommandApdu[] = [];
  for (let at = 0; at < data.length; at += MBMS_BLOCK_SIZE) {
    const p1 = at === 0 ? MBMS_P1.FIRST_COMMAND_BLOCK : MBMS_P1.NEXT_COMMAND_BLOCK;
    out.push({ cla: 0x00, ins: AUTHENTICATE.INS_ODD, p1, p2: AUTHENTICATE.P2_MBMS, data: data.subarray(at, at + MBMS_BLOCK_SIZE) });
  }
  return out;
}

/** After 62 F3: fetch the first block of response data (P1 A0), then the next ones (P1 20) while 62 F1. */
export function mbmsRetrieveCommand(first: boolean): CommandApdu {
  const p1 = first ? MBMS_P1.FIRST_RESPONSE_BLOCK : MBMS_P1.NEXT_RESPONSE_BLOCK;
  return { cla: 0x00, ins: AUTHENTICATE.INS_ODD, p1, p2: AUTHENTICATE.P2_MBMS, le: 256 };
}

const copy = (b: Uint8Array) => Uint8Array.from(b);

function fromThreeGpp(mode: MbmsModeName, value: Uint8Array, base: number): MbmsResponse {
  const fields = decodeThreeGppOutput(value, base);
  const out: MbmsResponse = { form: '3gpp' };
  if (mode === 'msk-update' && fields[0]) out.verification = fields[0];
  if (mode === 'mtk-generation') {
    if (fields[0]) out.mtk = fields[0];
    if (fields[1]) out.salt = fields[1];
  }
  return out;
}

function fromBcast(value: Uint8Array, base: number): MbmsResponse {
  const outer = decodeTlvs(value, base, { padding: false })[0]!;
  const inner = decodeTlvs(outer.value, outer.valueOffset, { padding: false });
  const get = (tag: number) => {
    const t = findTlv(inner, tag);
    return t ? copy(t.value) : undefined;
  };
  const out: MbmsResponse = { form: 'oma-bcast' };
  const [verification, mtk, salt] = [get(BCAST_TAG.MIKEY), get(BCAST_TAG.TEK), get(BCAST_TAG.SALT)];
  if (verification) out.verification = verification;
  if (mtk) out.mtk = mtk;
  if (salt) out.salt = salt;
  const bcast: NonNullable<MbmsResponse['bcast']> = {};
  const extras = [
    ['managementData', BCAST_TAG.MANAGEMENT_DATA],
    ['parentalRating', BCAST_TAG.PARENTAL_RATING],
    ['speTypeNotSupported', BCAST_TAG.SPE_TYPE_NOT_SUPPORTED],
    ['parentalControl', BCAST_TAG.PARENTAL_CONTROL],
  ] as const;
  for (const [name, tag] of extras) {
    const v = get(tag);
    if (v) bcast[name] = v;
  }
  if (Object.keys(bcast).length > 0) out.bcast = bcast;
  return out;
}

/** The response data of `mode` (no data at all: nothing to return, e.g. a deletion). */
export function decodeMbmsResponse(data: Uint8Array, mode: MbmsModeName): MbmsResponse {
  if (data.length === 0) return { form: null };
  const outer = decodeTlvs(data, 0, { padding: false })[0]!;
  if (!MBMS_RESPONSE_TAGS.includes(outer.tag)) {
    throw new DecodeError(USIM_CODEC, 'bad-tag', `MBMS response: expected tag 53 or 73, got ${hexTag(outer.tag)}`, 0);
  }
  const first = outer.value[0];
  if (first === undefined) return { form: null };
  if (first === MBMS_FORM_TAG.THREE_GPP) return fromThreeGpp(mode, outer.value, outer.valueOffset);
  if (first === MBMS_FORM_TAG.OMA_BCAST) return fromBcast(outer.value, outer.valueOffset);
  throw new DecodeError(USIM_CODEC, 'bad-tag', `MBMS response: expected DB or AE, got ${hexTag(first)}`, outer.valueOffset);
}
