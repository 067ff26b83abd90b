/**
 * Where a complete datagram goes (SPEC §1): the WAP push port (WDP_PORT.wapPush) is a WAP push (decoded as WSP, WAP-230);
 * other ports are application datagrams; no port at all is a plain SMS. Nothing is dropped: a push
 * that does not decode is reported as undecodable with its bytes.
 */
import { toHex } from '../codec/hex.js';
import type { Datagram } from '../codec/sms/index.js';
import { decodeWspPush, type WspPush } from '../codec/wsp/index.js';
import { WDP_PORT } from '../codec/wsp/ports.js';
import { BadSmsError } from './errors.js';

/** WDP port of the WAP push (connectionless WSP) service, SPEC §1. */
export const WAP_PUSH_PORT = WDP_PORT.wapPush;

export type Dispatch =
  | { readonly kind: 'wap-push'; readonly push: WspPush }
  | { readonly kind: 'datagram'; readonly port: number }
  | { readonly kind: 'sms' }
  | { readonly kind: 'undecodable'; readonly error: BadSmsError };

export function classifyDatagram(d: Datagram): Dispatch {
  if (d.ports === null) return { kind: 'sms' };
  if (d.ports.destination !== WAP_PUSH_PORT) return { kind: 'datagram', port: d.ports.destination };
  try {
    return { kind: 'wap-push', push: decodeWspPush(d.userData) };
  } catch (err) {
    return { kind: 'undecodable', error: new BadSmsError('wsp', toHex(d.userData), err) };
  }
}
