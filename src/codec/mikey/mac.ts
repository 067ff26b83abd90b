/**
 * The KEMAC / V MAC covers the whole message from HDR through the MAC-alg byte (SPEC §3.1), i.e.
 * bytes [0, offset of the MAC field). These helpers let a verifier take exactly that input and let an
 * encoder fill the MAC in after encoding with a zeroed one.
 */
import { EncodeError } from '../errors.js';
import { mikeyLayout } from './encode.js';
import type { MikeyMessage } from './types.js';

/** Offset and length of the MAC field of the last KEMAC or V payload of `msg`, once encoded. */
export function mikeyMacField(msg: MikeyMessage): { offset: number; length: number } {
  const layout = mikeyLayout(msg);
  if (!layout.mac) throw new EncodeError('mikey', 'message has no KEMAC or V payload to MAC');
  return layout.mac;
}

function checkedField(raw: Uint8Array, msg: MikeyMessage): { offset: number; length: number } {
  const layout = mikeyLayout(msg);
  if (!layout.mac) throw new EncodeError('mikey', 'message has no KEMAC or V payload to MAC');
  if (raw.length !== layout.length) {
    throw new EncodeError('mikey', `raw bytes (${raw.length}) are not this message (${layout.length} bytes encoded)`);
  }
  return layout.mac;
}

/** A copy of the bytes the MAC is computed over: raw[0 .. macOffset). */
export function macInput(raw: Uint8Array, msg: MikeyMessage): Uint8Array {
  return raw.slice(0, checkedField(raw, msg).offset);
}

/** A copy of `raw` with its MAC field replaced by `mac`. */
export function withMac(raw: Uint8Array, msg: MikeyMessage, mac: Uint8Array): Uint8Array {
  const field = checkedField(raw, msg);
  if (mac.length !== field.length) throw new EncodeError('mikey', `MAC must be ${field.length} bytes, got ${mac.length}`);
  const out = raw.slice();
  out.set(mac, field.offset);
  return out;
}
