// A CardTransport that answers from a script (command hex → response hex), for the APDU layer tests.
import { EventEmitter } from 'node:events';
import type { CardTransport, CardTransportEvents } from '../../../src/card/index.js';
import { CardRemovedError } from '../../../src/card/index.js';
import { fromHex, toHex } from '../../../src/codec/hex.js';

export class ScriptedTransport extends EventEmitter<CardTransportEvents> implements CardTransport {
  readonly kind = 'in-process';
  readonly name = 'script';
  present = true;
  atr: Uint8Array | null = Uint8Array.of(0x3b, 0x00);
  readonly sent: string[] = [];
  closed = false;
  constructor(private readonly script: [command: string, response: string][]) {
    super();
  }
  async transmit(apdu: Uint8Array): Promise<Uint8Array> {
    if (!this.present) throw new CardRemovedError();
    const hex = toHex(apdu);
    this.sent.push(hex);
    const i = this.script.findIndex(([c]) => c === hex);
    if (i < 0) throw new Error(`unscripted APDU ${hex}`);
    const [, r] = this.script.splice(i, 1)[0]!;
    await new Promise((ok) => setImmediate(ok));
    return fromHex(r);
  }
  async reset(): Promise<void> {}
  async close(): Promise<void> {
    this.closed = true;
  }
}
