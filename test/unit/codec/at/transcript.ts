/**
 * Reads the AT transcript fixtures of transcripts/*.txt and replays them through an AtFramer.
 *
 * Fixture syntax, one step per line:
 *   `# …`        header and comments (the header names the public source);
 *   `> text`     the host sent `text` (the replay calls framer.expectEcho(text), as the engine does);
 *   `<N bytes`   the host received a chunk of N bytes; `< bytes` when the source does not give N;
 *   `!reset`     framer.reset() (the source skips ahead, or a new source starts).
 * Byte text uses the escapes \r \n \t \\ and \xHH; everything else is taken literally (UTF-8).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AtFramer, type AtLine } from '../../../../src/codec/at/index.js';
import { repoRoot } from '../../../helpers/repo.js';
export { repoRoot };

export type Step =
  | { readonly kind: 'tx'; readonly text: string }
  | { readonly kind: 'rx'; readonly bytes: Uint8Array; readonly declared: number | null }
  | { readonly kind: 'reset' };

export interface Transcript {
  readonly name: string;
  readonly header: readonly string[];
  readonly steps: readonly Step[];
}


export const TRANSCRIPT_DIR = join(repoRoot, 'test', 'unit', 'codec', 'at', 'transcripts');

/** SMS-DELIVER PDUs (SMSC prefix included) from test/vectors/sms-pdus.tsv, with the row's source. */
export function vectorPdus(): { source: string; hex: string }[] {
  return readFileSync(join(repoRoot, 'test', 'vectors', 'sms-pdus.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const [source, hex] = l.split('\t');
      return { source: source!, hex: hex!.trim().toUpperCase() };
    });
}

export function unescapeBytes(text: string): Uint8Array {
  const out: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\') {
      out.push(...enc.encode(c));
      continue;
    }
    const n = text[++i];
    if (n === 'r') out.push(0x0d);
    else if (n === 'n') out.push(0x0a);
    else if (n === 't') out.push(0x09);
    else if (n === '\\') out.push(0x5c);
    else if (n === 'x') {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new Error(`bad \\x escape in "${text}"`);
      out.push(Number.parseInt(hex, 16));
      i += 2;
    } else throw new Error(`unknown escape \\${n} in "${text}"`);
  }
  return Uint8Array.from(out);
}

export function parseTranscript(name: string, source: string): Transcript {
  const header: string[] = [];
  const steps: Step[] = [];
  for (const raw of source.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '') continue;
    if (line.startsWith('#')) {
      if (steps.length === 0) header.push(line);
      continue;
    }
    if (line === '!reset') {
      steps.push({ kind: 'reset' });
      continue;
    }
    if (line.startsWith('> ')) {
      steps.push({ kind: 'tx', text: new TextDecoder().decode(unescapeBytes(line.slice(2))) });
      continue;
    }
    const rx = /^<(\d*) (.*)$/.exec(line);
    if (rx) {
      steps.push({ kind: 'rx', bytes: unescapeBytes(rx[2]!), declared: rx[1] === '' ? null : Number(rx[1]) });
      continue;
    }
    throw new Error(`${name}: cannot read fixture line "${line}"`);
  }
  return { name, header, steps };
}

export function loadTranscripts(): Transcript[] {
  return readdirSync(TRANSCRIPT_DIR)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => parseTranscript(f, readFileSync(join(TRANSCRIPT_DIR, f), 'utf8')));
}

/**
 * Replays a transcript. `split(bytes)` decides how each received chunk is cut before it is pushed
 * (identity = as captured); transmissions and resets happen at the same places whatever the cuts.
 */
export function replay(t: Transcript, split: (bytes: Uint8Array) => Uint8Array[] = (b) => [b]): AtLine[] {
  const framer = new AtFramer();
  const out: AtLine[] = [];
  for (const step of t.steps) {
    if (step.kind === 'tx') framer.expectEcho(step.text);
    else if (step.kind === 'reset') framer.reset();
    else for (const piece of split(step.bytes)) out.push(...framer.push(piece));
  }
  return out;
}

/** Cuts `bytes` before each offset of `cuts` (offsets outside 1..length-1 are ignored). */
export function cutAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let start = 0;
  for (const p of points) {
    out.push(bytes.subarray(start, p));
    start = p;
  }
  out.push(bytes.subarray(start));
  return out;
}

export function byteByByte(bytes: Uint8Array): Uint8Array[] {
  return Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
}
