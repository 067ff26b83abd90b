/**
 * WSP connectionless push PDU (WAP-230 §8.2.4.1):
 *   TID(1) | PDU type (0x06 Push, 0x07 ConfirmedPush) | HeadersLen (uintvar) | Content-Type | Headers | Body
 * HeadersLen counts Content-Type + Headers.
 */
import { DecodeError, EncodeError } from '../errors.js';
import { ByteReader } from '../reader.js';
import { decodeContentType, encodeContentType } from './content-type.js';
import { decodeHeaders, encodeHeader, isApplicationIdHeader, type WspHeader } from './headers.js';
import { concatBytes, readUintvar, writeUintvar } from './primitives.js';
import { applicationIdName, WSP_PDU_CONFIRMED_PUSH, WSP_PDU_PUSH } from './tables.js';

export type WspPduType = 'push' | 'confirmed-push';

export interface WspPush {
  tid: number;
  pduType: WspPduType;
  /** Media type name, e.g. `application/mikey`; `0x..` for a well-known code with no name here. */
  contentType: string;
  /** Well-known code when the PDU used one, null for the text form. */
  contentTypeCode: number | null;
  contentTypeParams: Record<string, string>;
  /** First X-Wap-Application-Id: the OMNA name for a code, the text form verbatim; null if absent. */
  applicationId: string | null;
  applicationIdCode: number | null;
  /** Every header after Content-Type, in order (X-Wap-Application-Id included). */
  headers: WspHeader[];
  body: Uint8Array;
}

export interface WspPushInput {
  tid: number;
  pduType?: WspPduType;
  contentType: string;
  contentTypeParams?: Record<string, string>;
  /** Name, `0x..` label or code; sent first unless `headers` already carry X-Wap-Application-Id. */
  applicationId?: string | number | null;
  headers?: readonly WspHeader[];
  body: Uint8Array;
}

const PDU_TYPES: ReadonlyArray<readonly [number, WspPduType]> = [
  [WSP_PDU_PUSH, 'push'],
  [WSP_PDU_CONFIRMED_PUSH, 'confirmed-push'],
];

export function decodeWspPush(bytes: Uint8Array): WspPush {
  const r = new ByteReader(bytes, 'wsp');
  const tid = r.u8('TID');
  const typeAt = r.offset;
  const typeByte = r.u8('PDU type');
  const pduType = PDU_TYPES.find((p) => p[0] === typeByte)?.[1];
  if (!pduType) return r.fail('unsupported', `PDU type 0x${typeByte.toString(16)} is not a push`, typeAt);
  const lenAt = r.offset;
  const headersLen = readUintvar(r, 'HeadersLen');
  if (headersLen > r.remaining) {
    throw new DecodeError('wsp', 'bad-length', `HeadersLen ${headersLen} exceeds the ${r.remaining} byte(s) left`, lenAt);
  }
  const hr = new ByteReader(r.take(headersLen), 'wsp', r.offset - headersLen);
  const ct = decodeContentType(hr);
  const decoded = decodeHeaders(hr);
  const app = decoded.find((h) => isApplicationIdHeader(h.name));
  return {
    tid,
    pduType,
    contentType: ct.name,
    contentTypeCode: ct.code,
    contentTypeParams: ct.params,
    applicationId: app?.value ?? null,
    applicationIdCode: app?.valueCode ?? null,
    headers: decoded.map(({ name, value }) => ({ name, value })),
    body: r.rest().slice(),
  };
}

export function encodeWspPush(p: WspPushInput): Uint8Array {
  if (!Number.isInteger(p.tid) || p.tid < 0 || p.tid > 0xff) throw new EncodeError('wsp', `TID out of range: ${p.tid}`);
  const typeByte = PDU_TYPES.find((t) => t[1] === (p.pduType ?? 'push'))?.[0];
  if (typeByte === undefined) throw new EncodeError('wsp', `unknown PDU type ${String(p.pduType)}`);
  const headers = [...(p.headers ?? [])];
  if (p.applicationId != null && !headers.some((h) => isApplicationIdHeader(h.name))) {
    const id = p.applicationId;
    if (typeof id === 'number' && !(Number.isInteger(id) && id >= 0 && id <= 0xffffffff)) {
      throw new EncodeError('wsp', `application id out of range: ${id}`);
    }
    const value = typeof id === 'number' ? applicationIdName(id) : id;
    headers.unshift({ name: 'X-Wap-Application-Id', value });
  }
  const head = concatBytes([encodeContentType(p.contentType, p.contentTypeParams), ...headers.map(encodeHeader)]);
  return concatBytes([Uint8Array.of(p.tid, typeByte), writeUintvar(head.length), head, p.body]);
}
