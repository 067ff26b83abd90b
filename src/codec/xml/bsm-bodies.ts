import { DecodeError, EncodeError } from '../errors.js';
import { BSM_ELEMENT as E, BSM_NAMESPACE } from './bsm-names.js';
import {
  childText,
  childrenNamed,
  parseXmlDocument,
  requiredChildText,
  xmlTrim,
  type XmlElement,
} from './xml-document.js';
import { requireToken, writeXml, type XmlOut } from './xml-writer.js';

/**
 * Bodies of the BSM HTTP procedures (SPEC §7): registration, deregistration and MSK request, and
 * the per-item status answers. Names and layouts come from `bsm-names.ts` ([U]). The terminal
 * builds requests and parses responses; the simulated BSM does the reverse.
 *
 * Readers are tolerant where the layout is unconfirmed: namespaces and prefixes are not checked
 * (elements match by local name), unknown elements are skipped, item children may come in any
 * order. Request readers insist on their root element (both ends are ours); response readers do
 * not, because they read a real BSM whose root name is the least certain part.
 */

export interface ServiceStatus {
  readonly serviceId: string;
  /** HTTP-style status code: 200 = OK. */
  readonly status: number;
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

function unb64(item: XmlElement, local: string, len: number): Uint8Array {
  // xs:base64Binary may be wrapped over lines: whitespace inside is not significant.
  const text = requiredChildText(item, local).replace(/[ \t\r\n]+/g, '');
  if (!BASE64.test(text)) fail('bad-value', `<${local}> is not base64`);
  const bytes = Uint8Array.from(Buffer.from(text, 'base64'));
  if (bytes.length !== len) fail('bad-value', `<${local}> holds ${bytes.length} bytes, expected ${len}`);
  return bytes;
}

function statusText(status: number): string {
  if (!Number.isInteger(status) || status < 100 || status > 599) encodeFail(`status ${status} is not an HTTP-style code`);
  return String(status);
}

/** `200`, or `403 Forbidden` (the words then serve as the reason when no natureOfError is given). */
function readStatus(item: XmlElement): { status: number; reason?: string } {
  const text = requiredChildText(item, E.status);
  const m = /^([1-5][0-9]{2})(?:[ \t\r\n]+([^]*))?$/.exec(text);
  if (m === null) fail('bad-value', `<${E.status}> '${text.slice(0, 20)}' is not an HTTP-style code`);
  const reason = childText(item, E.reason) || m[2] || undefined;
  return reason === undefined ? { status: Number(m[1]) } : { status: Number(m[1]), reason };
}

function statusChildren(status: number, reason: string | undefined): XmlOut[] {
  const out: XmlOut[] = [{ [E.status]: statusText(status) }];
  // Read back trimmed, so written trimmed; an all-blank reason is no reason.
  const r = reason === undefined ? undefined : xmlTrim(reason);
  if (r) out.push({ [E.reason]: r });
  return out;
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
    serviceIds.map((id) => ({ [E.serviceId]: requireToken(id, 'serviceId') })),
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
      [E.serviceStatus]: [{ [E.serviceId]: requireToken(it.serviceId, 'serviceId') }, ...statusChildren(it.status, it.reason)],
    })),
  );
}

export function parseRegisterResponse(body: string | Uint8Array): ServiceStatus[] {
  const root = parseXmlDocument(body);
  return childrenNamed(root, E.serviceStatus).map((item) => ({
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

function readMskRef(item: XmlElement): MskRef {
  return {
    keyDomainId: unb64(item, E.keyDomainId, KEY_DOMAIN_ID_LEN),
    mskId: unb64(item, E.mskId, MSK_ID_LEN),
  };
}

export function parseMskRequest(body: string | Uint8Array): MskRef[] {
  const root = parseXmlDocument(body);
  expectRoot(root, E.mskRequestRoot);
  const keys = childrenNamed(root, E.msk).map(readMskRef);
  if (keys.length === 0) fail('missing', `<${E.mskRequestRoot}> needs one or more <${E.msk}>`);
  return keys;
}

/** Answer to an MSK request (application/mbms-msk-response+xml). */
export function buildMskResponse(items: readonly MskStatus[]): string {
  nonEmpty(items, 'MSK response');
  return writeXml(
    E.mskResponseRoot,
    BSM_NAMESPACE.mskResponse,
    items.map((it) => ({ [E.mskStatus]: [...mskRefChildren(it), ...statusChildren(it.status, it.reason)] })),
  );
}

export function parseMskResponse(body: string | Uint8Array): MskStatus[] {
  const root = parseXmlDocument(body);
  return childrenNamed(root, E.mskStatus).map((item) => ({ ...readMskRef(item), ...readStatus(item) }));
}
