/** A bare AT client for testing the simulated modem through its tty: write a line, collect what comes back. */
import assert from 'node:assert/strict';
import { AtFramer, type AtLine } from '../../../src/codec/at/index.js';
import { openSerialTransport, type AtTransport } from '../../../src/modem/index.js';

export class SimClient {
  readonly lines: AtLine[] = [];
  /** Every byte received, as latin1 text. */
  raw = '';
  chunks = 0;
  private readonly framer = new AtFramer();

  private constructor(readonly transport: AtTransport) {
    transport.onData((chunk) => {
      this.chunks++;
      this.raw += Buffer.from(chunk).toString('latin1');
      this.lines.push(...this.framer.push(chunk));
    });
  }

  static async open(path: string): Promise<SimClient> {
    return new SimClient(await openSerialTransport(path, { baudRate: 115200 }));
  }

  /** Sends `command` and resolves with every line up to and including the final result (or prompt). */
  async command(command: string, timeoutMs = 3000): Promise<{ lines: AtLine[]; final: string }> {
    const from = this.lines.length;
    await this.transport.write(`${command}\r`);
    await this.until(() => this.lines.slice(from).some((l) => l.kind === 'final' || l.kind === 'prompt'), `an answer to ${command}`, timeoutMs);
    const got = this.lines.slice(from);
    const end = got.findIndex((l) => l.kind === 'final' || l.kind === 'prompt');
    const last = got[end]!;
    const final = last.kind === 'final' ? [last.result, last.code].filter((v) => v !== undefined).join(' ') : '>';
    return { lines: got.slice(0, end), final };
  }

  /** The texts of the information and URC lines of an answer. */
  static texts(lines: readonly AtLine[]): string[] {
    return lines.flatMap((l) => (l.kind === 'info' || l.kind === 'urc' ? [l.text] : l.kind === 'cmt' ? [l.headerText, l.pdu] : []));
  }

  async until(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; received ${JSON.stringify(this.raw.slice(-300))}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
