// Issue 7 acceptance: `bcastctl trace --svg` (the real executable, over MQTT 5 against the real daemon) draws the
// out-of-band purchase flow — SMS on the modem, the pull's MIKEY check on the card, register with the BSM and
// its 200, the LTKM push, its check, the verification back to the BSM, the stored key, the key ready for the
// player — with the expected participants, in this order. The text diagram of the same flow is checked too.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { XMLParser } from 'fast-xml-parser';
import { contractAjv, EventContract } from '../../helpers/event-contract.js';
import { bcastctlBin } from '../../helpers/repo.js';
import { KEY_DOMAIN, KEY_GROUP, SystemRig, TERMINAL, pause } from './harness.js';

const run = promisify(execFile);

interface Arrow {
  from: string;
  to: string;
  label: string;
}

/** Participant names and arrows (from, to, label) of the SVG, in document order. */
function readSvg(svg: string): { participants: string[]; arrows: Arrow[] } {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: true }).parse(svg) as unknown[];
  const participants: string[] = [];
  const arrows: Arrow[] = [];
  const text = (nodes: unknown[]): string =>
    nodes
      .map((n) => {
        const o = n as Record<string, unknown>;
        if (typeof o['#text'] === 'string' || typeof o['#text'] === 'number') return String(o['#text']);
        const k = Object.keys(o).find((x) => x !== ':@');
        return k && k !== 'title' && Array.isArray(o[k]) ? text(o[k] as unknown[]) : '';
      })
      .join('');
  const walk = (nodes: unknown[]) => {
    for (const n of nodes) {
      const o = n as Record<string, unknown>;
      const attrs = (o[':@'] ?? {}) as Record<string, string>;
      const tag = Object.keys(o).find((x) => x !== ':@')!;
      const kids = (Array.isArray(o[tag]) ? o[tag] : []) as unknown[];
      const cls = (attrs['class'] ?? '').split(/\s+/);
      if (cls.includes('participant') && attrs['data-name'] && !participants.includes(attrs['data-name'])) participants.push(attrs['data-name']);
      if (cls.includes('arrow') && attrs['data-from']) arrows.push({ from: attrs['data-from'], to: attrs['data-to']!, label: text(kids) });
      else walk(kids);
    }
  };
  walk(doc);
  return { participants, arrows };
}

test('bcastctl trace --svg draws the out-of-band purchase flow: participants and arrows in order', { timeout: 60_000 }, async (t) => {
  const rig = await SystemRig.start(t);
  await rig.waitFor(`keys/${KEY_DOMAIN}/${KEY_GROUP.news}`, (p) => p['count'] === 1, 20_000);
  await pause(2500); // past the rate gate's pacing after the start-up registration
  const since = new Date().toISOString();
  const mark = rig.mark();
  const bought = await rig.portal({ serviceId: 'urn:bcastd:sim:sport', terminal: TERMINAL, via: 'sms' });
  assert.equal(bought.status, 200, JSON.stringify(bought.json));
  await rig.waitFor('events', (p) => p['type'] === 'key-ready' && p['keyGroup'] === KEY_GROUP.sport, 20_000, { since: mark });
  await pause(300); // the verification datagram of the last LTKM

  const svgFile = join(rig.stateDir, '..', 'purchase.svg');
  const where = ['--board', rig.boardFile, '--since', since];
  const { stdout: summary } = await run(process.execPath, [bcastctlBin, 'trace', ...where, '--svg', svgFile], { timeout: 30_000 });
  assert.match(summary, /purchase\.svg/, summary);
  const svg = readFileSync(svgFile, 'utf8');
  assert.match(svg, /^<\?xml[^>]*>\s*<svg[\s>]/);
  const { participants, arrows } = readSvg(svg);

  // Who takes part: the modem (SMS), the terminal, the card (MIKEY checks, MSK storage), the BSM, the player.
  assert.deepEqual(participants, ['modem', 'terminal', 'card', 'BSM', 'player']);

  // The flow, in order (other arrows may sit between these, e.g. the news LTKM of the same re-registration).
  const expected: Array<[string, string, RegExp]> = [
    ['modem', 'terminal', /SMS/],
    ['terminal', 'card', /MIKEY check.*solicited-pull/],
    ['card', 'terminal', /ok/],
    ['terminal', 'BSM', /register.*urn:allServices/],
    ['BSM', 'terminal', /200/],
    ['BSM', 'terminal', /LTKM/],
    ['terminal', 'card', /MIKEY check.*ltkm/],
    ['card', 'terminal', /ok/],
    ['terminal', 'BSM', /verification/],
    ['card', 'terminal', /MSK stored 0202/],
    ['terminal', 'player', /key ready .*keys\/00f110\/514/],
  ];
  let at = 0;
  for (const [from, to, label] of expected) {
    const found = arrows.findIndex((a, i) => i >= at && a.from === from && a.to === to && label.test(a.label));
    assert.ok(found >= 0, `arrow ${from} → ${to} ${label} after #${at} in:\n${arrows.map((a, i) => `${i}: ${a.from} → ${a.to} ${a.label}`).join('\n')}`);
    at = found + 1;
  }
  // Timings on the arrows that close a request: the BSM's answer and the card's verdicts carry a duration.
  assert.ok(arrows.some((a) => a.from === 'BSM' && /200.*\d+(\.\d+)?\s*ms/.test(a.label)), 'the 200 carries its round-trip time');

  // The same flow as text for a terminal: lifelines for the same participants, no colour into a pipe.
  const { stdout: text } = await run(process.execPath, [bcastctlBin, 'trace', ...where, '--width', '120'], { timeout: 30_000 });
  assert.doesNotMatch(text, /\u001b\[/);
  for (const p of participants) assert.match(text, new RegExp(p));
  assert.ok(text.indexOf('SMS') < text.indexOf('register'), 'SMS before the registration in the text diagram');

  // The published contracts (docs/schema) hold for what the real daemon sent since its start: every event, and
  // every retained state payload (an empty one clears a topic).
  const contract = new EventContract();
  for (const e of rig.events()) contract.recordEvent(e);
  assert.deepEqual(contract.violations, []);
  assert.ok(contract.types.size >= 12, `event types seen: ${[...contract.types].join(', ')}`);
  const ajv = contractAjv();
  let states = 0;
  for (const m of rig.on(/^(status|info|health|modem|pdp|card|gba|registration|keys\/[^/]+\/[^/]+|traffic\/[^/]+\/[^/]+)$/)) {
    if (m.raw === '') continue;
    const validate = ajv.getSchema(`urn:bcastd:topics#/definitions/${m.suffix.split('/')[0]}`)!;
    assert.ok(validate(m.payload), `${m.suffix}: ${m.raw} ${JSON.stringify(validate.errors)}`);
    states++;
  }
  assert.ok(states >= 10, `${states} state payloads checked`);
});
