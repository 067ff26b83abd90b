// What `bcastctl decode` does with captured hex: SMS-DELIVER parts are reassembled; a complete datagram to the
// WAP push port is read as a WSP push; a push carrying application/mikey has its MIKEY message decoded.
// Pure: hex strings in, a JSON object and human-readable lines out. Bad input throws DecodeError.
import {
  DecodeError,
  decodeMikey,
  decodeSmsDeliver,
  decodeWspPush,
  fromHex,
  mikeyToJson,
  renderMikeyTree,
  renderSmsTree,
  renderWspTree,
  smsToJson,
  SmsReassembler,
  wspPushToJson,
  type Datagram,
  type SmsDeliver,
} from '../../codec/index.js';
import { WDP_PORT } from '../../codec/wsp/ports.js';
import { MIKEY_CONTENT_TYPE } from '../../codec/wsp/bcast.js';

export type CaptureKind = 'sms' | 'wsp' | 'mikey';

export interface DecodedCapture {
  json: Record<string, unknown>;
  lines: string[];
}

/** Thrown for input the user gave us: carries which argument was bad. */
export class CaptureError extends Error {
  override readonly name = 'CaptureError';
  constructor(
    readonly argument: number | null,
    readonly decodeError: DecodeError,
  ) {
    super(argument === null ? decodeError.message : `argument ${argument}: ${decodeError.message}`);
  }
}

const indent = (lines: string[], by = '  ') => lines.map((l) => by + l);

function withArgument<T>(argument: number | null, what: () => T): T {
  try {
    return what();
  } catch (e) {
    if (e instanceof DecodeError) throw new CaptureError(argument, e);
    throw e;
  }
}

function decodePushBytes(bytes: Uint8Array): DecodedCapture {
  const push = decodeWspPush(bytes);
  const json: Record<string, unknown> = { ...wspPushToJson(push) };
  const lines = renderWspTree(push);
  if (push.contentType === MIKEY_CONTENT_TYPE) {
    const mikey = decodeMikey(push.body);
    json['mikey'] = mikeyToJson(mikey);
    lines.push(...indent(renderMikeyTree(mikey)));
  }
  return { json, lines };
}

function decodeSmsParts(hexes: string[], tpdu: boolean): DecodedCapture {
  const parts: SmsDeliver[] = hexes.map((hex, i) =>
    withArgument(i + 1, () => decodeSmsDeliver(fromHex(hex), { smscPrefix: !tpdu })),
  );
  // Reassembly over the command line: no clock matters here, every part is "now".
  const reassembler = new SmsReassembler({ now: () => 0 });
  const datagrams: Datagram[] = [];
  const notes: string[] = [];
  const seen = new Map<string, number>();
  parts.forEach((part, i) => {
    // The same PDU twice on the command line is a paste mistake, not a new message.
    const key = hexes[i]!.replace(/[\s:]/g, '').toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      notes.push(`argument ${i + 1} repeats argument ${first}`);
      return;
    }
    seen.set(key, i + 1);
    const r = reassembler.add(part);
    if (r.kind === 'single' || r.kind === 'complete') datagrams.push(r.datagram);
    else if (r.kind === 'duplicate') notes.push(`argument ${i + 1} repeats a part already given`);
    else if (r.kind === 'pending') return;
    else if (r.kind === 'rejected') notes.push(`argument ${i + 1} cannot be reassembled: ${r.reason}`);
  });

  const pushes = datagrams
    .filter((d) => d.ports?.destination === WDP_PORT.wapPush)
    .map((d) => withArgument(null, () => decodePushBytes(d.userData)));
  const pending = reassembler.stats();

  const lines: string[] = [];
  parts.forEach((p, i) => {
    if (parts.length > 1) lines.push(`Part ${i + 1} of the command line:`);
    lines.push(...(parts.length > 1 ? indent(renderSmsTree(p)) : renderSmsTree(p)));
  });
  lines.push(...notes);
  if (pending.parts > 0) lines.push(`Incomplete: ${pending.parts} part(s) waiting for the rest of their message`);
  for (const [i, d] of datagrams.entries()) {
    if (d.parts > 1) lines.push(`Reassembled datagram from ${d.parts} parts (${d.userData.length} bytes)`);
    const push = d.ports?.destination === WDP_PORT.wapPush ? pushes.shift() : undefined;
    if (push) lines.push(...indent(push.lines));
    else if (d.parts > 1 && d.text !== undefined) lines.push(`  Text: ${JSON.stringify(d.text)}`);
    void i;
  }

  const pushJson = datagrams
    .filter((d) => d.ports?.destination === WDP_PORT.wapPush)
    .map((d) => decodePushBytes(d.userData).json);
  if (parts.length === 1) {
    const json: Record<string, unknown> = { ...smsToJson(parts[0]!) };
    if (pushJson[0]) json['push'] = pushJson[0];
    return { json, lines };
  }
  const texts = datagrams.filter((d) => d.parts > 1 && d.text !== undefined).map((d) => d.text);
  const json: Record<string, unknown> = {
    parts: parts.map((p) => smsToJson(p)),
    complete: pending.parts === 0,
  };
  if (texts.length) json['text'] = texts.length === 1 ? texts[0] : texts;
  if (pushJson.length) json['push'] = pushJson.length === 1 ? pushJson[0] : pushJson;
  if (notes.length) json['notes'] = notes;
  return { json, lines };
}

export function decodeCapture(kind: CaptureKind, hexes: string[], opts: { tpdu?: boolean } = {}): DecodedCapture {
  switch (kind) {
    case 'sms':
      return decodeSmsParts(hexes, opts.tpdu === true);
    case 'wsp':
      return onlyOne(hexes, (bytes) => decodePushBytes(bytes));
    case 'mikey':
      return onlyOne(hexes, (bytes) => {
        const msg = decodeMikey(bytes);
        return { json: { ...mikeyToJson(msg) }, lines: renderMikeyTree(msg) };
      });
  }
}

function onlyOne(hexes: string[], decode: (bytes: Uint8Array) => DecodedCapture): DecodedCapture {
  // Several arguments are joined: testers paste dumps that wrap across lines.
  const hex = hexes.join('');
  return withArgument(hexes.length > 1 ? null : 1, () => decode(fromHex(hex)));
}
