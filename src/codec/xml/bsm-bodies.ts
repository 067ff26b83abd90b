import { DecodeError, EncodeError } from '../errors.js';
import { BSM_ELEMENT as E, BSM_NAMESPACE } from './bsm-names.js';
import {
  childrenNamed,
  parseXmlDocument,
  requiredChildText,
  xmlTrim,
  type XmlElement,
} from './xml-document.js';
import { requireToken, writeXml, type XmlOut } from './xml-writer.js';

/**
 * Bodies of the BSM HTTP procedures (SPEC §7): registration, deregistration and MSK request, and
 * the per-item answers. Names and layouts come from `bsm-names.ts` ([I] responses, [U] requests).
 * The terminal builds requests and parses responses; the simulated BSM does the reverse.
 *
 * Readers are tolerant: namespaces and prefixes are not checked (elements match by local name),
 * unknown elements are skipped, item children may come in any order, whitespace around values is
 * not significant. Request readers insist on their root element (both ends are ours); response
 * readers do not, because they read a real BSM.
 */

export interface ServiceStatus {
  readonly serviceId: string;
  /** `ResponseCode`, HTTP-style [U]: 200 = OK. */
  readonly status: number;
  /** The phrase after the code, when the BSM wrote one (`403 Forbidden`). */
  readonly reason?: string;
}

export interface MskRef {
  /** MCC||MNC, 3 bytes. */
  readonly keyDomainId: Uint8Array;
  /** Key Group (2 bytes) || Key Number (2 bytes). */
  readonly mskId: Uint8Array;
}

export interface MskStatus extends MskRef {
  readonly status: number;
  readonly reason?: string;
}

const KEY_DOMAIN_ID_LEN = 3;
const MSK_ID_LEN = 4;

function fail(reason: string, message: string): never {
  throw new DecodeError('xml', reason, message);
}

function encodeFail(message: string): never {
  throw new EncodeError('xml', message);
}

// ---- shared field codecs ----

function b64(bytes: Uint8Array, len: number, what: string): string {
  if (!(bytes instanceof Uint8Array) || bytes.length !== len) encodeFail(`${what} must be ${len} bytes`);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** `exact`: the value must have `len` bytes; `upTo`: 1..len bytes, a big-endian number left-padded to len. */
function unb64(item: XmlElement, local: string, len: number, size: 'exact' | 'upTo' = 'exact'): Uint8Array {
  // xs:base64Binary may be wrapped over lines: whitespace inside is not significant.
  const text = requiredChildText(item, local).replace(/[ \t\r\n]+/g, '');
  if (!BASE64.test(text)) fail('bad-value', `<${local}> is not base64`);
  const bytes = Uint8Array.from(Buffer.from(text, 'base64'));
  if (size === 'exact' && bytes.length !== len) fail('bad-value', `<${local}> holds ${bytes.length} bytes, expected ${len}`);
  if (bytes.length === 0 || bytes.length > len) fail('bad-value', `<${local}> holds ${bytes.length} bytes, expected 1 to ${len}`);
  const out = new Uint8Array(len);
  out.set(bytes, len - bytes.length);
  return out;
}

function statusText(status: number): string {
  if (!Number.isInteger(status) || status < 100 || status > 599) encodeFail(`status ${status} is not an HTTP-style code`);
  return String(status);
}

/** `<ResponseCode>200</ResponseCode>`, or `403 Forbidden` (the words are kept as the reason). */
function readStatus(item: XmlElement): { status: number; reason?: string } {
  const text = requiredChildText(item, E.responseCode);
  const m = /^([1-5][0-9]{2})(?:[ \t\r\n]+([^]*))?$/.exec(text);
  if (m === null) fail('bad-value', `<${E.responseCode}> '${text.slice(0, 20)}' is not an HTTP-style code`);
  return m[2] ? { status: Number(m[1]), reason: m[2] } : { status: Number(m[1]) };
}

/** Only the code is written: a phrase is no confirmed part of `ResponseCode`. */
function statusChild(status: number): XmlOut {
  return { [E.responseCode]: statusText(status) };
}

function expectRoot(root: XmlElement, local: string): void {
  if (root.local !== local) fail('unexpected-root', `expected <${local}>, found <${root.name.slice(0, 40)}>`);
}

function nonEmpty<T>(items: readonly T[], what: string): void {
  if (items.length === 0) encodeFail(`a ${what} needs at least one item`);
}

// ---- registration / deregistration ----

function buildServiceList(root: string, ns: string, serviceIds: readonly string[], what: string): string {
  nonEmpty(serviceIds, what);
  return writeXml(
    root,
    ns,
    serviceIds.map((id) => ({ [E.serviceId]: requireToken(id, 'serviceID') })),
  );
}

function parseServiceList(body: string | Uint8Array, rootName: string): string[] {
  const root = parseXmlDocument(body);
  expectRoot(root, rootName);
  const ids = childrenNamed(root, E.serviceId).map((c) => xmlTrim(c.text));
  if (ids.length === 0 || ids.some((id) => id === '')) {
    fail('missing', `<${rootName}> needs one or more non-empty <${E.serviceId}>`);
  }
  return ids;
}

/** Body of `requesttype=register` (application/mbms-register+xml). */
export function buildRegisterRequest(serviceIds: readonly string[]): string {
  return buildServiceList(E.registerRoot, BSM_NAMESPACE.register, serviceIds, 'registration');
}

export function parseRegisterRequest(body: string | Uint8Array): string[] {
  return parseServiceList(body, E.registerRoot);
}

/** Body of `requesttype=deregister` (application/mbms-deregister+xml). */
export function buildDeregisterRequest(serviceIds: readonly string[]): string {
  return buildServiceList(E.deregisterRoot, BSM_NAMESPACE.deregister, serviceIds, 'deregistration');
}

export function parseDeregisterRequest(body: string | Uint8Array): string[] {
  return parseServiceList(body, E.deregisterRoot);
}

/** Answer to registration and to deregistration (application/mbms-register-response+xml). */
export function buildRegisterResponse(items: readonly ServiceStatus[]): string {
  nonEmpty(items, 'registration response');
  return writeXml(
    E.registerResponseRoot,
    BSM_NAMESPACE.registerResponse,
    items.map((it) => ({
      [E.response]: [{ [E.serviceId]: requireToken(it.serviceId, 'serviceID') }, statusChild(it.status)],
    })),
  );
}

export function parseRegisterResponse(body: string | Uint8Array): ServiceStatus[] {
  const root = parseXmlDocument(body);
  return childrenNamed(root, E.response).map((item) => ({
    serviceId: requiredChildText(item, E.serviceId),
    ...readStatus(item),
  }));
}

// ---- MSK request ----

/** Body of `requesttype=msk-request` (application/mbms-msk+xml). */
export function buildMskRequest(keys: readonly MskRef[]): string {
  nonEmpty(keys, 'MSK request');
  return writeXml(
    E.mskRequestRoot,
    BSM_NAMESPACE.mskRequest,
    keys.map((k) => ({ [E.msk]: mskRefChildren(k) })),
  );
}

function mskRefChildren(k: MskRef): XmlOut[] {
  return [
    { [E.keyDomainId]: b64(k.keyDomainId, KEY_DOMAIN_ID_LEN, 'keyDomainId') },
    { [E.mskId]: b64(k.mskId, MSK_ID_LEN, 'mskId') },
  ];
}

/** Requests carry a whole MSK ID; a response's `MSKID` may be shorter (SPEC §7 [I]: ≤ 4 bytes). */
function readMskRef(item: XmlElement, mskIdSize: 'exact' | 'upTo' = 'exact'): MskRef {
  return {
    keyDomainId: unb64(item, E.keyDomainId, KEY_DOMAIN_ID_LEN),
    mskId: unb64(item, E.mskId, MSK_ID_LEN, mskIdSize),
  };
}

export function parseMskRequest(body: string | Uint8Array): MskRef[] {
  const root = parseXmlDocument(body);
  expectRoot(root, E.mskRequestRoot);
  const keys = childrenNamed(root, E.msk).map((k) => readMskRef(k));
  if (keys.length === 0) fail('missing', `<${E.mskRequestRoot}> needs one or more <${E.msk}>`);
  return keys;
}

/** Answer to an MSK request (application/mbms-msk-response+xml). */
export function buildMskResponse(items: readonly MskStatus[]): string {
  nonEmpty(items, 'MSK response');
  return writeXml(
    E.mskResponseRoot,
    BSM_NAMESPACE.mskResponse,
    items.map((it) => ({ [E.response]: [{ [E.msk]: mskRefChildren(it) }, statusChild(it.status)] })),
  );
}

/** Each `Response` answers the `MSK`(s) it names with its one `ResponseCode`. */
export function parseMskResponse(body: string | Uint8Array): MskStatus[] {
  const root = parseXmlDocument(body);
  return childrenNamed(root, E.response).flatMap((item) => {
    const keys = childrenNamed(item, E.msk);
    if (keys.length === 0) fail('missing', `<${E.response}> without <${E.msk}>`);
    const status = readStatus(item);
    return keys.map((k) => ({ ...readMskRef(k, 'upTo'), ...status }));
  });
}
