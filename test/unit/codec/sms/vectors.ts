/** Loads the shared test vectors from <repo>/test/vectors, wherever the compiled test runs from. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromHex } from '../../../../src/codec/hex.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('no package.json above the test file');
    dir = up;
  }
  return dir;
}

export function readVector(name: string): string {
  return readFileSync(join(repoRoot(), 'test', 'vectors', name), 'utf8');
}

export interface SmsVectorRow {
  readonly source: string;
  readonly hex: string;
  readonly pdu: Uint8Array;
  readonly expected: string;
}

/** Rows of sms-pdus.tsv: source, hex (SMSC prefix included), the source test's expectations. */
export function smsVectorRows(): SmsVectorRow[] {
  return readVector('sms-pdus.tsv')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const [source, hex, expected] = l.split('\t');
      if (source === undefined || hex === undefined || expected === undefined) throw new Error(`bad TSV row: ${l}`);
      return { source, hex, pdu: fromHex(hex), expected };
    });
}

export interface SolicitedPullVector {
  smsDeliverPdus: string[];
  mikey: string;
  expect: { ports: { destination: number; source: number }; concat: { reference: number; total: number } };
}

export function solicitedPullVector(): SolicitedPullVector {
  return JSON.parse(readVector('solicited-pull.json')) as SolicitedPullVector;
}
