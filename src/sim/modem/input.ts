/**
 * What the simulated modem reads from the terminal: command lines ended by CR (LF ignored, as V.250
 * allows), or - after a `> ` prompt - a body ended by Ctrl-Z (sent) or ESC (cancelled).
 */
export type Input = { readonly kind: 'line'; readonly text: string } | { readonly kind: 'body'; readonly text: string } | { readonly kind: 'cancel' };

/** Longest command line kept; a modem without CR for this long is fed garbage. */
const MAX_LINE = 2048;

export class InputReader {
  private buf = '';
  private body = false;

  /** Switches to body mode (after the prompt was sent) or back. */
  expectBody(on: boolean): void {
    this.body = on;
    this.buf = '';
  }

  reset(): void {
    this.buf = '';
    this.body = false;
  }

  push(chunk: Uint8Array): Input[] {
    const out: Input[] = [];
    for (const b of chunk) {
      if (this.body) {
        if (b === 0x1a) {
          out.push({ kind: 'body', text: this.buf });
          this.expectBody(false);
        } else if (b === 0x1b) {
          out.push({ kind: 'cancel' });
          this.expectBody(false);
        } else if (b !== 0x0d && b !== 0x0a) this.buf += String.fromCharCode(b);
        continue;
      }
      if (b === 0x0d) {
        const text = this.buf.trim();
        this.buf = '';
        if (text !== '') out.push({ kind: 'line', text });
      } else if (b !== 0x0a && b !== 0x00) {
        this.buf += String.fromCharCode(b);
        if (this.buf.length > MAX_LINE) this.buf = '';
      }
    }
    return out;
  }
}
