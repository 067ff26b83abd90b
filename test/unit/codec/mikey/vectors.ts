/** Loads test/vectors/* from the repo root (the nearest ancestor holding package.json). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test file');
    dir = up;
  }
  return dir;
}

export function readVector(name: string): string {
  return readFileSync(join(repoRoot(), 'test', 'vectors', name), 'utf8');
}

export interface SolicitedPullVector {
  smsDeliverPdus: string[];
  mikey: string;
  expect: {
    ports: { destination: number; source: number };
    concat: { reference: number; total: number };
    push: { tid: number; pduType: string; contentType: string; applicationId: string };
    mikey: Record<string, unknown>;
  };
}

export const solicitedPull = (): SolicitedPullVector => JSON.parse(readVector('solicited-pull.json')) as SolicitedPullVector;
