/**
 * The APDU layer over a CardTransport: one logical command at a time (a card is single-threaded and a
 * T=0 GET RESPONSE must follow its command), 61xx → GET RESPONSE until the data is complete, 6Cxx →
 * the same command again with the exact Le, and the trace log with secrets masked. Raw exchanges are
 * counted and can be tapped (tests and the benchmark read them; nothing else should).
 */
import { offHeapCopy } from '../codec/off-heap.js';
import type { Logger } from 'pino';
import {
  decodeResponseApdu,
  describeSw,
  encodeCommandApdu,
  getResponse,
  type CommandApdu,
  type ResponseApdu,
} from '../codec/usim/index.js';
import { formatCommand, formatResponse, type ApduMask } from './apdu-trace.js';
import { CardProtocolError, errorForStatus } from './errors.js';
import type { CardTransport } from './transport.js';
import { SerialQueue } from '../util/serial-queue.js';

export interface ApduExchange {
  command: Uint8Array;
  response: Uint8Array;
}

export interface ApduChannelOptions {
  logger?: Logger;
  /** Sees every raw exchange, unmasked. For tests and benchmarks. */
  onExchange?: (e: ApduExchange) => void;
}

export interface CommandOptions {
  /** What the command is, for errors and the log, e.g. "AUTHENTICATE 3G". */
  op: string;
  mask?: ApduMask;
}

/** One logical command inside a transaction. */
export type ChannelExchange = (cmd: CommandApdu, o: CommandOptions) => Promise<ResponseApdu>;

/** A card answers with data in at most this many GET RESPONSE rounds; more means a broken card. */
const MAX_ROUNDS = 16;

export class ApduChannel {
  readonly #transport: CardTransport;
  readonly #log: Logger | undefined;
  readonly #tap: ((e: ApduExchange) => void) | undefined;
  readonly #queue = new SerialQueue();
  #count = 0;

  constructor(transport: CardTransport, o: ApduChannelOptions = {}) {
    this.#transport = transport;
    this.#log = o.logger;
    this.#tap = o.onExchange;
  }

  /** Raw command/response pairs exchanged so far (GET RESPONSE and resends included). */
  get count(): number {
    return this.#count;
  }

  /** Runs one logical command; resolves with all its response data and the final status word. */
  exchange(cmd: CommandApdu, o: CommandOptions): Promise<ResponseApdu> {
    return this.#queue.run(() => this.#exchange(cmd, o));
  }

  /**
   * Runs several logical commands with nothing else in between (a chained command and the retrieval of
   * its response must reach the card back to back). `run` gets an exchange that bypasses the queue.
   */
  transaction<T>(run: (exchange: ChannelExchange) => Promise<T>): Promise<T> {
    return this.#queue.run(() => run((cmd, o) => this.#exchange(cmd, o)));
  }

  /** As exchange(), but a status word other than success becomes its typed error. */
  async command(cmd: CommandApdu, o: CommandOptions): Promise<Uint8Array> {
    const r = await this.exchange(cmd, o);
    const kind = describeSw(r.sw).kind;
    if (kind !== 'ok') throw errorForStatus(r.sw, o.op);
    return r.data;
  }

  async #exchange(first: CommandApdu, o: CommandOptions): Promise<ResponseApdu> {
    const mask = o.mask ?? {};
    const parts: Uint8Array[] = [];
    let cmd = first;
    let resent = false;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const r = await this.#raw(cmd, mask, o.op);
      const m = describeSw(r.sw);
      if (m.kind === 'response-available') {
        parts.push(r.data);
        cmd = getResponse(m.count!);
        continue;
      }
      if (m.kind === 'wrong-le' && !resent) {
        resent = true;
        cmd = { ...cmd, le: m.count! };
        continue;
      }
      parts.push(r.data);
      const joined = Buffer.concat(parts);
      for (const p of parts) p.fill(0);
      const data = offHeapCopy(joined);
      joined.fill(0); // key material must not linger in Node's buffer pool
      return { data, sw: r.sw };
    }
    throw new CardProtocolError(`${o.op}: more than ${MAX_ROUNDS} GET RESPONSE rounds`);
  }

  async #raw(cmd: CommandApdu, mask: ApduMask, op: string): Promise<ResponseApdu> {
    const command = encodeCommandApdu(cmd);
    const response = await this.#transport.transmit(command);
    this.#count++;
    this.#tap?.({ command: Uint8Array.from(command), response: Uint8Array.from(response) });
    if (this.#log?.isLevelEnabled('trace')) {
      this.#log.trace({ op, c: formatCommand(command, mask), r: formatResponse(response, mask) }, 'apdu');
    }
    if (response.length < 2) throw new CardProtocolError(`${op}: response without status word`);
    const r = decodeResponseApdu(response);
    response.fill(0);
    return r;
  }
}
