/**
 * AUTHENTICATE in the MBMS security context (TS 31.102, TS 33.246 §6.4): the four modes as command
 * data and their response data. The tag layout is the [U] one of `mbms-tags.ts`; decoding is
 * length-driven and tolerant (unknown inner data objects are skipped).
 */
import { DecodeError, EncodeError } from '../errors.js';
import type { CommandApdu } from './apdu.js';
import { AUTHENTICATE } from './authenticate.js';
import { concatBytes, decodeTlvs, encodeTlv, findTlv, hexTag, requireTlv } from './ber-tlv.js';
import { USIM_CODEC } from './codec-name.js';
import { MBMS_DATA_OBJECT_TAG, MBMS_MODE, MBMS_RESPONSE_TAG, MBMS_TAG, type MbmsModeName } from './mbms-tags.js';

export interface MbmsMskId {
  keyGroup: number;
  keyNumber: number;
}

export type MbmsCommand =
  | { mode: 'msk-update'; mikey: Uint8Array }
  | { mode: 'mtk-generation'; mikey: Uint8Array }
  | { mode: 'msk-deletion'; keyDomainId: Uint8Array; mskId: MbmsMskId }
  | { mode: 'muk-deletion'; idi: Uint8Array; idr: Uint8Array };

export interface MbmsResponse {
  /** MSK update with V set: the MIKEY verification message. */
  verification?: Uint8Array;
  /** MTK generation: the MTK and, for TEK+SALT key data, its salt. */
  mtk?: Uint8Array;
  salt?: Uint8Array;
}

const MODE_BY_VALUE = new Map<number, MbmsModeName>(Object.entries(MBMS_MODE).map(([k, v]) => [v, k as MbmsModeName]));

function mskIdBytes(id: MbmsMskId): Uint8Array {
  for (const [k, v] of Object.entries(id)) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new EncodeError(USIM_CODEC, `MSK ID ${k} out of range: ${v}`);
  }
  return Uint8Array.of(id.keyGroup >> 8, id.keyGroup & 0xff, id.keyNumber >> 8, id.keyNumber & 0xff);
}

export function encodeMbmsData(cmd: MbmsCommand): Uint8Array {
  const inner: Uint8Array[] = [encodeTlv(MBMS_TAG.MODE, Uint8Array.of(MBMS_MODE[cmd.mode]))];
  switch (cmd.mode) {
    case 'msk-update':
    case 'mtk-generation':
      if (cmd.mikey.length === 0) throw new EncodeError(USIM_CODEC, 'MIKEY message is empty');
      inner.push(encodeTlv(MBMS_TAG.MIKEY, cmd.mikey));
      break;
    case 'msk-deletion':
      if (cmd.keyDomainId.length !== 3) throw new EncodeError(USIM_CODEC, 'Key Domain ID must be 3 bytes');
      inner.push(encodeTlv(MBMS_TAG.KEY_DOMAIN_ID, cmd.keyDomainId), encodeTlv(MBMS_TAG.MSK_ID, mskIdBytes(cmd.mskId)));
      break;
    case 'muk-deletion':
      inner.push(encodeTlv(MBMS_TAG.IDI, cmd.idi), encodeTlv(MBMS_TAG.IDR, cmd.idr));
      break;
  }
  return encodeTlv(MBMS_DATA_OBJECT_TAG, concatBytes(...inner));
}

export function decodeMbmsData(data: Uint8Array): MbmsCommand {
  const top = decodeTlvs(data, 0, { padding: false });
  const outer = top[0];
  if (!outer || outer.tag !== MBMS_DATA_OBJECT_TAG) {
    throw new DecodeError(USIM_CODEC, 'bad-tag', `MBMS command: expected tag ${hexTag(MBMS_DATA_OBJECT_TAG)}`, 0);
  }
  const inner = decodeTlvs(outer.value, outer.valueOffset, { padding: false });
  const modeTlv = requireTlv(inner, MBMS_TAG.MODE, 'MBMS mode', outer.valueOffset);
  const mode = modeTlv.value.length === 1 ? MODE_BY_VALUE.get(modeTlv.value[0]!) : undefined;
  if (!mode) throw new DecodeError(USIM_CODEC, 'unsupported', 'unknown MBMS mode', modeTlv.valueOffset);
  const need = (tag: number, what: string) => requireTlv(inner, tag, what, outer.valueOffset);
  switch (mode) {
    case 'msk-update':
    case 'mtk-generation':
      return { mode, mikey: Uint8Array.from(need(MBMS_TAG.MIKEY, 'MIKEY message').value) };
    case 'msk-deletion': {
      const kd = need(MBMS_TAG.KEY_DOMAIN_ID, 'Key Domain ID');
      const id = need(MBMS_TAG.MSK_ID, 'MSK ID');
      if (kd.value.length !== 3) throw new DecodeError(USIM_CODEC, 'bad-length', 'Key Domain ID must be 3 bytes', kd.valueOffset);
      if (id.value.length !== 4) throw new DecodeError(USIM_CODEC, 'bad-length', 'MSK ID must be 4 bytes', id.valueOffset);
      const v = id.value;
      return {
        mode,
        keyDomainId: Uint8Array.from(kd.value),
        mskId: { keyGroup: (v[0]! << 8) | v[1]!, keyNumber: (v[2]! << 8) | v[3]! },
      };
    }
    case 'muk-deletion':
      return { mode, idi: Uint8Array.from(need(MBMS_TAG.IDI, 'IDi').value), idr: Uint8Array.from(need(MBMS_TAG.IDR, 'IDr').value) };
  }
}

/** Update and MTK generation may answer data, so they carry Le; deletions are case 3. */
export function mbmsCommand(cmd: MbmsCommand): CommandApdu {
  const expectsData = cmd.mode === 'msk-update' || cmd.mode === 'mtk-generation';
  return {
    cla: 0x00,
    ins: AUTHENTICATE.INS_ODD,
    p1: 0x00,
    p2: AUTHENTICATE.P2_MBMS,
    data: encodeMbmsData(cmd),
    ...(expectsData ? { le: 256 } : {}),
  };
}

/** No data at all (nothing to return) encodes as an empty response. */
export function encodeMbmsResponse(r: MbmsResponse): Uint8Array {
  const inner: Uint8Array[] = [];
  if (r.verification) inner.push(encodeTlv(MBMS_TAG.VERIFICATION, r.verification));
  if (r.mtk) inner.push(encodeTlv(MBMS_TAG.MTK, r.mtk));
  if (r.salt) inner.push(encodeTlv(MBMS_TAG.SALT, r.salt));
  return inner.length === 0 ? new Uint8Array(0) : encodeTlv(MBMS_RESPONSE_TAG, concatBytes(...inner));
}

export function decodeMbmsResponse(data: Uint8Array): MbmsResponse {
  if (data.length === 0) return {};
  const top = decodeTlvs(data, 0, { padding: false });
  const outer = top[0];
  if (!outer || outer.tag !== MBMS_RESPONSE_TAG) {
    throw new DecodeError(USIM_CODEC, 'bad-tag', `MBMS response: expected tag ${hexTag(MBMS_RESPONSE_TAG)}`, 0);
  }
  const inner = decodeTlvs(outer.value, outer.valueOffset, { padding: false });
  const out: MbmsResponse = {};
  const v = findTlv(inner, MBMS_TAG.VERIFICATION);
  const mtk = findTlv(inner, MBMS_TAG.MTK);
  const salt = findTlv(inner, MBMS_TAG.SALT);
  if (v) out.verification = Uint8Array.from(v.value);
  if (mtk) out.mtk = Uint8Array.from(mtk.value);
  if (salt) out.salt = Uint8Array.from(salt.value);
  return out;
}
