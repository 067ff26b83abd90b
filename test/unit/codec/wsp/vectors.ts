/** Loads test/vectors/* from the repo root (the nearest ancestor holding package.json). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../helpers/repo.js';


export function readVector(name: string): string {
  return readFileSync(join(repoRoot, 'test', 'vectors', name), 'utf8');
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
