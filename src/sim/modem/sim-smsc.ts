/**
 * The simulated SMSC's delivery into the modem: routed as +CMT or stored (+CMTI when asked) according
 * to the terminal's AT+CNMI <mt>, or as a test forces it. A modem with nobody attached keeps the message.
 */
import type { Logger } from 'pino';
import { fromHex, toHex } from '../../codec/hex.js';
import { tpduLength } from '../../codec/sms/index.js';
import type { MemName, MessageStore } from './message-store.js';
import type { SimState } from './state.js';

export type DeliveryMode = 'auto' | 'cmt' | 'cmti' | 'store';

export type DeliveryResult =
  | { readonly route: 'cmt' }
  | { readonly route: 'stored'; readonly mem: MemName; readonly index: number; readonly indicated: boolean }
  | { readonly route: 'rejected'; readonly reason: string };

export interface SmscContext {
  readonly state: SimState;
  readonly store: MessageStore;
  readonly log: Logger;
  /** False while the device node is gone or the modem boots: nobody to route to or tell. */
  readonly reachable: boolean;
  write(text: string): void;
  urc(line: string): void;
}

/** Delivers one SMS-DELIVER PDU (SMSC prefix first, hex or bytes). */
export function deliverPdu(ctx: SmscContext, pdu: string | Uint8Array, mode: DeliveryMode): DeliveryResult {
  const bytes = typeof pdu === 'string' ? fromHex(pdu) : pdu;
  const hex = toHex(bytes).toUpperCase();
  const length = tpduLength(bytes);
  const s = ctx.state;
  let route = mode;
  if (route === 'auto') route = s.cmgf === 0 && (s.cnmi.mt === 2 || s.cnmi.mt === 3) ? 'cmt' : s.cnmi.mt === 1 ? 'cmti' : 'store';
  if (route === 'cmt' && !ctx.reachable) route = 'store';
  if (route === 'cmt') {
    ctx.write(`\r\n+CMT: ,${length}\r\n${hex}\r\n`);
    if (s.csms === 1) s.awaitingAck++;
    ctx.log.debug({ length }, 'sim smsc: routed +CMT');
    return { route: 'cmt' };
  }
  const mem = s.mems[2];
  const index = ctx.store.add(mem, hex, length, 0);
  if (index === null) return { route: 'rejected', reason: `${mem} storage full` };
  const indicated = route === 'cmti' && ctx.reachable;
  if (indicated) ctx.urc(`+CMTI: "${mem}",${index}`);
  ctx.log.debug({ mem, index, indicated }, 'sim smsc: stored');
  return { route: 'stored', mem, index, indicated };
}
