// The out-of-band purchase flow as `bcastctl watch --json` printed it (purchase-flow.jsonl, beside this file's
// source): the BSM's key group 0 solicited pull arrives by SMS, the terminal re-registers urn:allServices, the
// BSM pushes the purchased service's LTKM over UDP, the card stores the MSK, the player hears the key is ready.
// Field shapes follow what the daemon publishes; state topics are interleaved as a real capture has them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/repo.js';

export const purchaseFlowFile = join(repoRoot, 'test', 'unit', 'cli-trace', 'purchase-flow.jsonl');

/** The event payloads of the capture, in file order. */
export function purchaseFlowEvents(): Array<Record<string, unknown>> {
  return readFileSync(purchaseFlowFile, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { topic: string; payload: Record<string, unknown> })
    .filter((m) => m.topic.endsWith('/events'))
    .map((m) => m.payload);
}

export const PURCHASE_PARTICIPANTS = ['modem', 'terminal', 'card', 'BSM', 'player'];

/** [from, to, label] of every arrow, top to bottom. */
export const PURCHASE_ARROWS: Array<[string, string, string]> = [
  ['modem', 'terminal', 'SMS (2 parts)'],
  ['BSM', 'terminal', 'solicited pull (via SMS)'],
  ['terminal', 'card', 'MIKEY check (solicited-pull)'],
  ['card', 'terminal', 'ok'],
  ['terminal', 'BSM', 'register urn:allServices'],
  ['BSM', 'terminal', '200'],
  ['BSM', 'terminal', 'LTKM push (udp)'],
  ['terminal', 'card', 'MIKEY check (ltkm)'],
  ['card', 'terminal', 'ok'],
  ['card', 'terminal', 'MSK stored 00010002'],
  ['terminal', 'BSM', 'verification'],
  ['terminal', 'player', 'key ready (keys/00f110/1)'],
];

/** Notes on the terminal, top to bottom. */
export const PURCHASE_NOTES = [
  'WAP push application/mikey, 163 B',
  'solicited pull, key group 0 (sms)',
  'trigger solicited-pull (sms) → register',
  'registered urn:allServices',
];

export const at = (ms: number) => new Date(Date.UTC(2026, 2, 1, 10, 14, 0) + ms).toISOString();
