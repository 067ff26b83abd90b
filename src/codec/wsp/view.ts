/** Views of a decoded push for `bcastctl decode wsp`: a JSON object and an indented text tree. */
import { toHex } from '../hex.js';
import type { WspHeader } from './headers.js';
import type { WspPduType, WspPush } from './push.js';
import { codeLabel } from './tables.js';

export interface WspPushJson {
  tid: number;
  pduType: WspPduType;
  contentType: string;
  contentTypeCode: number | null;
  contentTypeParams: Record<string, string>;
  applicationId: string | null;
  applicationIdCode: number | null;
  headers: WspHeader[];
  /** Hex. */
  body: string;
}

export function wspPushToJson(p: WspPush): WspPushJson {
  return {
    tid: p.tid,
    pduType: p.pduType,
    contentType: p.contentType,
    contentTypeCode: p.contentTypeCode,
    contentTypeParams: { ...p.contentTypeParams },
    applicationId: p.applicationId,
    applicationIdCode: p.applicationIdCode,
    headers: p.headers.map((h) => ({ ...h })),
    body: toHex(p.body),
  };
}

const HEX_PER_LINE = 32;

const codeNote = (code: number | null) => (code === null ? ' (text)' : ` (${codeLabel(code)})`);

export function renderWspTree(p: WspPush): string[] {
  const lines = [`WSP ${p.pduType === 'push' ? 'Push' : 'ConfirmedPush'} TID=${p.tid}`];
  lines.push(`  Content-Type: ${p.contentType}${codeNote(p.contentTypeCode)}`);
  for (const [k, v] of Object.entries(p.contentTypeParams)) lines.push(`    ${k}=${v}`);
  if (p.applicationId !== null) lines.push(`  Application: ${p.applicationId}${codeNote(p.applicationIdCode)}`);
  lines.push(`  Headers (${p.headers.length}):`);
  for (const h of p.headers) lines.push(`    ${h.name}: ${h.value}`);
  lines.push(`  Body: ${p.body.length} byte(s)`);
  const hex = toHex(p.body);
  for (let i = 0; i < hex.length; i += HEX_PER_LINE * 2) lines.push(`    ${hex.slice(i, i + HEX_PER_LINE * 2)}`);
  return lines;
}
