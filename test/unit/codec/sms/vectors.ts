/** Loads the shared test vectors from <repo>/test/vectors, wherever the compiled test runs from. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromHex } from '../../../../src/codec/hex.js';
import { repoRoot } from '../../../helpers/repo.js';


export function readVector(name: string): string {
  return readFileSync(join(repoRoot, 'test', 'vectors', name), 'utf8');
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
