/**
 * The data of registered MIKEY General Extensions, as the RFCs define them (no MBMS choices here):
 * - type 3 Key ID information [C — RFC 4563 §4, Figure 2]: a sequence of sub-payloads
 *   `Key ID Type(1) | Key ID Length(1) | Key ID`; "there may be more than one Key ID Type sub-payload";
 * - type 4 CSB_ID [C — RFC 4738]: the CSB ID (4 bytes);
 * - type 5 OMA BCAST [C — RFC 5410 §3]: `Subtype(1) | subtype-specific data`.
 */
import { DecodeError, EncodeError } from '../errors.js';
import { toHex } from '../hex.js';
import { ByteReader } from '../reader.js';
import {
  MIKEY_EXT_TYPE,
  MIKEY_KEY_ID_TYPE_NAMES,
  MIKEY_OMA_BCAST_SUBTYPE_NAMES,
  nameOr,
} from './constants.js';
import type { ExtPayload } from './types.js';

/** One Key ID Type sub-payload of a Key ID extension. */
export interface KeyIdSubPayload {
  keyIdType: number;
  keyId: Uint8Array;
}

const MAX_KEY_ID_LENGTH = 0xff;

/**
 * Walks Key ID information (EXT type 3 data) in place, in wire order: each sub-payload's type and where its
 * Key ID lies in `data` (no views or objects made: this runs on every LTKM and STKM). Truncation throws
 * DecodeError.
 */
export function forEachKeyId(data: Uint8Array, visit: (keyIdType: number, at: number, length: number) => void, base = 0): void {
  const r = new ByteReader(data, 'mikey', base);
  while (!r.atEnd) {
    const keyIdType = r.u8('Key ID Type');
    const length = r.u8('Key ID Length');
    const at = r.offset;
    r.skip(length, 'Key ID');
    visit(keyIdType, at, length);
  }
}

/** Key ID information (EXT type 3 data) → its sub-payloads, in wire order. Truncation throws DecodeError. */
export function decodeKeyIdInfo(data: Uint8Array, base = 0): KeyIdSubPayload[] {
  const out: KeyIdSubPayload[] = [];
  // Views, not copies: decoded MIKEY payload data is already the message's own copy.
  forEachKeyId(data, (keyIdType, at, length) => out.push({ keyIdType, keyId: data.subarray(at, at + length) }), base);
  return out;
}

/** Sub-payloads → Key ID information (EXT type 3 data). */
export function encodeKeyIdInfo(subs: readonly KeyIdSubPayload[]): Uint8Array {
  const out: number[] = [];
  for (const s of subs) {
    if (!Number.isInteger(s.keyIdType) || s.keyIdType < 0 || s.keyIdType > 0xff || s.keyId.length > MAX_KEY_ID_LENGTH) {
      throw new EncodeError('mikey', 'Key ID sub-payload out of range');
    }
    out.push(s.keyIdType, s.keyId.length, ...s.keyId);
  }
  return Uint8Array.from(out);
}

export const keyIdExt = (subs: readonly KeyIdSubPayload[]): ExtPayload => ({
  type: 'EXT',
  extType: MIKEY_EXT_TYPE.KEY_ID,
  data: encodeKeyIdInfo(subs),
});

export interface OmaBcastExtInfo {
  subtype: number;
  data: Uint8Array;
}

/** OMA BCAST extension data (EXT type 5) → subtype and the subtype's data (carried opaque). */
export function decodeOmaBcastExt(data: Uint8Array, base = 0): OmaBcastExtInfo {
  const r = new ByteReader(data, 'mikey', base);
  return { subtype: r.u8('OMA BCAST subtype'), data: r.rest().slice() };
}

export function omaBcastExt(subtype: number, data: Uint8Array): ExtPayload {
  if (!Number.isInteger(subtype) || subtype < 0 || subtype > 0xff) throw new EncodeError('mikey', `OMA BCAST subtype out of range: ${subtype}`);
  return { type: 'EXT', extType: MIKEY_EXT_TYPE.OMA_BCAST, data: Uint8Array.from([subtype, ...data]) };
}

const CSB_ID_LENGTH = 4;

/** What the JSON view shows for a registered extension's data; null for the others. Never throws. */
export function describeExtension(ext: ExtPayload): Record<string, unknown> | null {
  try {
    switch (ext.extType) {
      case MIKEY_EXT_TYPE.KEY_ID:
        return {
          keyIds: decodeKeyIdInfo(ext.data).map((s) => ({
            keyIdType: nameOr(MIKEY_KEY_ID_TYPE_NAMES, s.keyIdType),
            keyId: toHex(s.keyId),
          })),
        };
      case MIKEY_EXT_TYPE.CSB_ID:
        return ext.data.length === CSB_ID_LENGTH
          ? { csbId: new DataView(ext.data.buffer, ext.data.byteOffset, CSB_ID_LENGTH).getUint32(0) }
          : { error: `CSB_ID of ${ext.data.length} bytes (expected ${CSB_ID_LENGTH})` };
      case MIKEY_EXT_TYPE.OMA_BCAST: {
        const o = decodeOmaBcastExt(ext.data);
        return { subtype: nameOr(MIKEY_OMA_BCAST_SUBTYPE_NAMES, o.subtype), subtypeData: toHex(o.data) };
      }
      default:
        return null;
    }
  } catch (e) {
    if (e instanceof DecodeError) return { error: e.message };
    throw e;
  }
}
