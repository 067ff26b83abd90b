/**
 * Admission rules for the loopback JSON APIs of the simulated world (control API, purchase portal).
 * They are meant for bcastctl and tests on this machine, never for a web page open in a browser on it:
 *  - Host must name loopback (127.0.0.1, localhost, [::1]) — a page that DNS-rebinds its own name to
 *    127.0.0.1 still sends its own name as Host, so rebinding is refused.
 *  - no `Origin` header at all (`null` included: sandboxed frames and file:// pages send it) and no
 *    `Sec-Fetch-Site` other than `none` — browsers attach Origin to every cross-origin fetch and every
 *    POST, Sec-Fetch-Site to every request; bcastctl (Node fetch), curl and the tests send neither.
 *  - a request with a body must say `Content-Type: application/json`: a cross-site HTML form can only
 *    send the three "simple" types, and JSON would force a CORS preflight that this server never grants.
 *  - bodies are bounded (413) so a local client cannot make the world buffer without limit.
 * Any one of these refuses a browser; together they need no token and no change to the clients.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface JsonApiGuard {
  /** Largest request body accepted, in bytes. */
  maxBody: number;
}

export const DEFAULT_JSON_API_GUARD: JsonApiGuard = { maxBody: 256 * 1024 };

export interface Refusal {
  status: 403 | 413 | 415 | 421;
  error: string;
}

const LOOPBACK_HOST = /^(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(?::\d{1,5})?$/i;

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(',') : v;
}

/** What can be decided from the request head alone (before any body byte is read), or null to go on. */
export function refuseHead(method: string, headers: IncomingHttpHeaders, guard: JsonApiGuard): Refusal | null {
  const host = one(headers.host);
  if (host === undefined || !LOOPBACK_HOST.test(host)) return { status: 421, error: 'Host must be a loopback address' };
  if (headers.origin !== undefined) return { status: 403, error: 'cross-site requests are refused (Origin header present)' };
  const site = one(headers['sec-fetch-site']);
  if (site !== undefined && site !== 'none') return { status: 403, error: `cross-site requests are refused (Sec-Fetch-Site: ${site})` };
  const length = one(headers['content-length']);
  const hasBody = (length !== undefined && length !== '0') || headers['transfer-encoding'] !== undefined || method === 'POST' || method === 'PUT' || method === 'PATCH';
  if (length !== undefined && !(Number(length) <= guard.maxBody)) return { status: 413, error: `body larger than ${guard.maxBody} bytes` };
  if (hasBody && !isJson(one(headers['content-type']))) return { status: 415, error: 'Content-Type must be application/json' };
  return null;
}

/** `application/json`, with parameters (charset) allowed; nothing else. */
function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  return contentType.split(';', 1)[0]!.trim().toLowerCase() === 'application/json';
}
