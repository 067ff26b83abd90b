import { classifyLine, type AtLine, type CmtHeader, type CmtLine } from './line.js';
import { parseCmtHeader } from './sms.js';
import { isHexPdu } from './tokens.js';

/**
 * Turns the byte stream of a modem's AT port into typed lines (TS 27.007 §4.1 / V.250 §5.7 framing).
 *
 * It is a byte-driven state machine, so the output never depends on how the stream was chunked: a
 * chunk may end inside `\r\n`, inside a word, or between the two lines of `+CMT:`.
 * - CR and LF both end a line and empty lines are dropped: modems send `\r\n…\r\n`, echo `AT…\r`
 *   without LF, and some (Quectel) separate the `+CMT:` header from its PDU with a bare CR.
 * - `> ` at the start of a line is the SMS prompt; it comes without a line end, so it is emitted as
 *   soon as its two bytes are in.
 * - NUL bytes are dropped; a line is decoded as UTF-8 when it is valid UTF-8, else as latin1.
 * - A line longer than `maxLineBytes` yields one `garbage` and is skipped up to the next line end.
 */
export class AtFramer {
  static readonly DEFAULT_MAX_LINE_BYTES = 4096;
  /** How many commands' echoes are remembered (a late echo after a timeout still matches). */
  static readonly MAX_EXPECTED_ECHOES = 8;

  private readonly maxLineBytes: number;
  private line: number[] = [];
  private discarding = false;
  private pendingReport: { name: CmtLine['name']; headerText: string; header: CmtHeader | null } | null = null;
  private expectedEchoes: string[] = [];
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private readonly encoder = new TextEncoder();

  constructor(options: { maxLineBytes?: number } = {}) {
    this.maxLineBytes = options.maxLineBytes ?? AtFramer.DEFAULT_MAX_LINE_BYTES;
  }

  /**
   * The engine sent `command` (without its CR): a line equal to it is the modem's echo. Echoes are
   * matched in order; matching one forgets it and every older one. `null` forgets them all.
   */
  expectEcho(command: string | null): void {
    if (command === null) {
      this.expectedEchoes = [];
      return;
    }
    const text = command.replace(/[\r\n\x1a\x1b]+$/, '').trim();
    if (text === '') return;
    this.expectedEchoes.push(text);
    if (this.expectedEchoes.length > AtFramer.MAX_EXPECTED_ECHOES) this.expectedEchoes.shift();
  }

  /** Forgets any partial line, pending two-line report and expected echoes (after a modem reset). */
  reset(): void {
    this.line = [];
    this.discarding = false;
    this.pendingReport = null;
    this.expectedEchoes = [];
  }

  /** Feeds received bytes (a string is taken as its UTF-8 bytes); returns the lines they completed. */
  push(chunk: Uint8Array | string): AtLine[] {
    const bytes = typeof chunk === 'string' ? this.encoder.encode(chunk) : chunk;
    const out: AtLine[] = [];
    for (const b of bytes) this.pushByte(b, out);
    return out;
  }

  private pushByte(b: number, out: AtLine[]): void {
    if (b === 0x00) return;
    if (b === 0x0d || b === 0x0a) {
      if (this.discarding) this.discarding = false;
      else if (this.line.length > 0) this.endLine(out);
      this.line = [];
      return;
    }
    if (this.discarding) return;
    this.line.push(b);
    if (this.line.length === 2 && this.line[0] === 0x3e && this.line[1] === 0x20) {
      out.push({ kind: 'prompt' });
      this.line = [];
      return;
    }
    if (this.line.length > this.maxLineBytes) {
      out.push({ kind: 'garbage', reason: 'overlong', text: this.decode(this.line.slice(0, 80)) });
      this.line = [];
      this.discarding = true;
      // A report header waiting for its PDU cannot trust what comes after a dropped line.
      this.pendingReport = null;
    }
  }

  private decode(bytes: readonly number[]): string {
    let ascii = true;
    for (const b of bytes) if (b >= 0x80) ascii = false;
    const arr = Uint8Array.from(bytes);
    if (!ascii) {
      try {
        return this.utf8.decode(arr);
      } catch {
        // Not UTF-8: every byte is one latin1 character, so nothing is lost.
      }
    }
    let s = '';
    for (const b of arr) s += String.fromCharCode(b);
    return s;
  }

  private endLine(out: AtLine[]): void {
    const text = this.decode(this.line).replace(/^[ \t]+|[ \t]+$/g, '');
    if (text === '') return;
    if (this.pendingReport) {
      const report = this.pendingReport;
      this.pendingReport = null;
      if (report.header === null || isHexPdu(text)) {
        out.push({ kind: 'cmt', name: report.name, header: report.header, headerText: report.headerText, pdu: text });
        return;
      }
      // A PDU-mode header whose next line is not hex: the PDU was lost; the line is handled normally.
      out.push({ kind: 'garbage', reason: 'missing-pdu', text: report.headerText });
    }
    if (text === '>') {
      out.push({ kind: 'prompt' });
      return;
    }
    const echoAt = this.expectedEchoes.indexOf(text);
    if (echoAt >= 0) {
      this.expectedEchoes.splice(0, echoAt + 1);
      out.push({ kind: 'echo', text });
      return;
    }
    const report = twoLineReport(text);
    if (report) {
      this.pendingReport = report;
      return;
    }
    out.push(classifyLine(text));
  }
}

/**
 * `+CMT:` always has a second line (PDU in PDU mode, text in text mode); `+CDS:` and `+CBM:` have one
 * only in PDU mode, where their parameter is a bare `<length>` (text mode prints one long line).
 */
function twoLineReport(text: string): { name: CmtLine['name']; headerText: string; header: CmtHeader | null } | null {
  const m = /^\+(CMT|CDS|CBM)\s*:\s*(.*)$/i.exec(text);
  if (!m) return null;
  const name = `+${m[1]!.toUpperCase()}` as CmtLine['name'];
  let header: CmtHeader | null = null;
  try {
    header = parseCmtHeader(text);
  } catch {
    header = null;
  }
  if (name !== '+CMT' && header === null) return null;
  return { name, headerText: text, header };
}
