// The sequence model: which arrows and notes each event becomes, in which order, with which times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSequence, type ArrowStep, type NoteStep, type Step } from '../../../src/cli/trace/model.js';
import { PARTICIPANTS } from '../../../src/cli/trace/flow.js';
import { at, purchaseFlowEvents, PURCHASE_ARROWS, PURCHASE_NOTES, PURCHASE_PARTICIPANTS } from './fixture.js';

const arrows = (steps: Step[]) => steps.filter((s): s is ArrowStep => s.kind === 'arrow');
const notes = (steps: Step[]) => steps.filter((s): s is NoteStep => s.kind === 'note');
const only = (e: Record<string, unknown>) => buildSequence([e]).steps;

test('the out-of-band purchase flow: participants in the fixed order, arrows and notes in the order they happened', () => {
  const m = buildSequence(purchaseFlowEvents());
  assert.deepEqual(m.participants, PURCHASE_PARTICIPANTS);
  assert.deepEqual(arrows(m.steps).map((s) => [s.from, s.to, s.label]), PURCHASE_ARROWS);
  assert.deepEqual(notes(m.steps).map((s) => [s.on, s.text]), PURCHASE_NOTES.map((t) => ['terminal', t]));
  assert.equal(m.events, 14);
  assert.equal(m.skipped, 0);
  assert.ok(m.steps.every((s) => s.status === 'ok'));
  assert.deepEqual(m.steps.map((s) => s.index), m.steps.map((_, i) => i));
  // The WAP push note sits between the SMS and the pull it carried.
  assert.deepEqual(m.steps.slice(0, 3).map((s) => s.event), ['sms', 'wap-push', 'ltkm-received']);
});

test('timings: time since start and since the step before add up; answers carry the duration their event reports', () => {
  const m = buildSequence(purchaseFlowEvents());
  assert.equal(m.startMs, Date.parse(at(120)));
  assert.equal(m.endMs, Date.parse(at(1463)));
  assert.equal(m.steps[0]!.deltaMs, 0);
  let sum = 0;
  for (const s of m.steps) {
    sum += s.deltaMs;
    assert.equal(s.sinceStartMs, sum, `step ${s.index}`);
    assert.ok(s.deltaMs >= 0);
    assert.equal(s.ts, new Date(s.atMs).toISOString());
  }
  const a = arrows(m.steps);
  // The MIKEY check request is drawn when the check started: the event's time minus its duration.
  const check = a[2]!;
  assert.equal(check.atMs, Date.parse(at(147)) - 21.62);
  assert.equal(check.durationMs, undefined);
  assert.equal(a[3]!.durationMs, 21.62);
  assert.equal(a[3]!.atMs, Date.parse(at(147)));
  assert.equal(a[5]!.durationMs, 62.81);
  assert.equal(a[4]!.durationMs, undefined);
});

test('events are sorted by time; equal stamps keep the order they were published in', () => {
  const events = purchaseFlowEvents();
  const shuffled = [...events].reverse();
  const m = buildSequence(shuffled);
  // solicited-pull and trigger share a millisecond: reversed input keeps them reversed.
  const sameMs = notes(m.steps).filter((s) => s.atMs === Date.parse(at(148))).map((s) => s.event);
  assert.deepEqual(sameMs, ['trigger', 'solicited-pull']);
  // Out of order but equal stamps still in publish order: the same model as the capture's order.
  const rotated = [...events.slice(-5), ...events.slice(0, -5)];
  assert.deepEqual(buildSequence(rotated).steps, buildSequence(events).steps);
});

test('garbled events are skipped and counted; unknown types and fields are tolerated', () => {
  const garbage: unknown[] = [
    null,
    42,
    'sms',
    [],
    { type: 'sms' },
    { ts: at(0) },
    { type: '', ts: at(0) },
    { type: 'sms', ts: 'yesterday' },
    { type: 'sms', ts: '2026-03-01T10:14:00' }, // no offset: whose clock?
    { type: 'sms', ts: 12345 },
    { type: 7, ts: at(0) },
  ];
  const m = buildSequence([...garbage, { type: 'sms', ts: at(1), parts: 'many', extra: { deep: true } }, { type: 'firmware-updated', ts: at(2), version: '1.2', blob: { x: 1 } }]);
  assert.equal(m.skipped, garbage.length);
  assert.equal(m.events, 2);
  assert.deepEqual(m.steps.map((s) => (s.kind === 'arrow' ? s.label : s.text)), ['SMS', 'firmware-updated version=1.2']);
  assert.deepEqual(m.participants, ['modem', 'terminal']);
  const empty = buildSequence(garbage);
  assert.deepEqual(empty, { participants: [], steps: [], startMs: null, endMs: null, events: 0, skipped: garbage.length, before: 0, dropped: 0 });
});

test('--since leaves out older events but still pairs an answer with its earlier request', () => {
  const events = purchaseFlowEvents();
  const m = buildSequence(events, { sinceMs: Date.parse(at(200)), dropped: 4, skipped: 2 });
  assert.equal(m.before, 7);
  assert.equal(m.dropped, 4);
  assert.equal(m.skipped, 2);
  const a = arrows(m.steps);
  // The 200 answers a request from before the window: paired (no "register:" prefix), its own duration kept.
  assert.deepEqual([a[0]!.label, a[0]!.durationMs], ['200', 62.81]);
  assert.equal(m.startMs, Date.parse(at(214)));
  assert.deepEqual(m.participants, ['terminal', 'card', 'BSM', 'player']);
});

test('BSM answers: paired by id, timed from the request when they carry no duration, failures red', () => {
  const req = { type: 'bsm-request', ts: at(0), action: 'msk-request', id: 9, keyDomainId: '00f110', keyGroups: [1, 2] };
  const m = buildSequence([req, { type: 'bsm-response', ts: at(40), action: 'msk-request', id: 9, status: 200, results: [{ keyGroup: 1, status: 200 }, { keyGroup: 2, status: 404 }] }]);
  const [ask, answer] = arrows(m.steps) as [ArrowStep, ArrowStep];
  assert.equal(ask.label, 'msk-request key group 1, 2');
  assert.deepEqual([answer.label, answer.durationMs, answer.status], ['200, 1 refused', 40, 'error']);
  const cases: Array<[Record<string, unknown>, string, 'ok' | 'error']> = [
    [{ status: 0, reason: 'ECONNREFUSED', durationMs: 3 }, 'register: failed: ECONNREFUSED', 'error'],
    [{ status: 0 }, 'register: failed: network error', 'error'],
    [{ status: 401, reason: 'digest stale' }, 'register: 401 digest stale', 'error'],
    [{ status: 204 }, 'register: 204', 'ok'],
    [{}, 'register: answer', 'ok'],
  ];
  for (const [fields, label, status] of cases) {
    const [s] = arrows(only({ type: 'bsm-response', ts: at(0), action: 'register', id: 77, ...fields }));
    assert.deepEqual([s!.from, s!.to, s!.label, s!.status], ['BSM', 'terminal', label, status], JSON.stringify(fields));
  }
  const [dereg] = arrows(only({ type: 'bsm-request', ts: at(0), action: 'deregister', id: 1, services: ['a', 'b', 'c', 'd', 'e', 'f'] }));
  assert.equal(dereg!.label, 'deregister a, b, c, d +2 more');
});

test('GBA bootstrap and card AKA: request and answer arrows, failures red, the ME named in GBA_ME', () => {
  const m = buildSequence([
    { type: 'gba-bootstrap', ts: at(0), phase: 'started', mode: 'gba-u' },
    { type: 'card-aka', ts: at(60), durationMs: 35, ok: true },
    { type: 'gba-bootstrap', ts: at(90), phase: 'done', mode: 'gba-u', durationMs: 90 },
    { type: 'gba-bootstrap', ts: at(1000), phase: 'started', mode: 'gba-me' },
    { type: 'card-aka', ts: at(1050), durationMs: 20, ok: false },
    { type: 'gba-bootstrap', ts: at(1100), phase: 'failed', mode: 'gba-me', durationMs: 100, reason: 'BSF answered 403' },
    { type: 'mikey-checked', ts: at(2000), purpose: 'mtk', ok: false, reason: 'bad MAC', mode: 'gba-me', durationMs: 2 },
  ]);
  assert.deepEqual(m.participants, ['terminal', 'card', 'BSF']);
  assert.deepEqual(
    arrows(m.steps).map((s) => [s.from, s.to, s.label, s.durationMs, s.status, s.atMs - Date.parse(at(0))]),
    [
      ['terminal', 'BSF', 'bootstrap (GBA_U)', undefined, 'ok', 0],
      ['terminal', 'card', 'AUTHENTICATE', undefined, 'ok', 25],
      ['card', 'terminal', 'RES', 35, 'ok', 60],
      ['BSF', 'terminal', '200 B-TID', 90, 'ok', 90],
      ['terminal', 'BSF', 'bootstrap (GBA_ME)', undefined, 'ok', 1000],
      ['terminal', 'card', 'AUTHENTICATE', undefined, 'ok', 1030],
      ['card', 'terminal', 'AKA failed', 20, 'error', 1050],
      ['BSF', 'terminal', 'bootstrap failed: BSF answered 403', 100, 'error', 1100],
      ['terminal', 'card', 'MIKEY check (mtk) [ME]', undefined, 'ok', 1998],
      ['card', 'terminal', 'rejected: bad MAC', 2, 'error', 2000],
    ],
  );
});

test('a request half is never drawn before the step above it', () => {
  const m = buildSequence([
    { type: 'sms', ts: at(100), parts: 1 },
    { type: 'mikey-checked', ts: at(110), purpose: 'ltkm', ok: true, durationMs: 500 },
  ]);
  assert.deepEqual(m.steps.map((s) => [s.atMs - Date.parse(at(0)), s.deltaMs]), [[100, 0], [100, 0], [110, 10]]);
});

test('each remaining event type: arrows to the player and the BSM, notes on the terminal (failures red)', () => {
  const cases: Array<[Record<string, unknown>, string, string, 'ok' | 'error']> = [
    [{ type: 'ltkm-received', source: 'sms', purpose: 'ltkm' }, 'BSM→terminal', 'LTKM push (via SMS)', 'ok'],
    [{ type: 'ltkm-received' }, 'BSM→terminal', 'LTKM push', 'ok'],
    [{ type: 'tek-delivered', serviceId: 'urn:svc:news', mtkId: 17, mskId: { keyGroup: 1 } }, 'terminal→player', 'TEK (urn:svc:news, MTK 17)', 'ok'],
    [{ type: 'tek-delivered' }, 'terminal→player', 'TEK', 'ok'],
    [{ type: 'key-ready', keyGroup: 1 }, 'terminal→player', 'key ready', 'ok'],
    [{ type: 'key-stored' }, 'card→terminal', 'MSK stored ?', 'ok'],
    [{ type: 'sms', parts: 1 }, 'modem→terminal', 'SMS (1 part)', 'ok'],
    [{ type: 'mikey-checked', purpose: 'ltkm' }, 'terminal→card', 'MIKEY check (ltkm)', 'ok'],
    [{ type: 'gba-bootstrap', phase: 'paused' }, 'note terminal', 'bootstrap paused', 'ok'],
    [{ type: 'msk-requested', keyGroups: [3], trigger: 'solicited-pull' }, 'note terminal', 'MSKs requested for key group 3', 'ok'],
    [{ type: 'deregistered', results: [] }, 'note terminal', 'deregistered', 'ok'],
    [{ type: 'registered', services: ['urn:a'], refused: ['urn:b'] }, 'note terminal', 'registered urn:a; refused urn:b', 'ok'],
    [{ type: 'request-failed', action: 'register', reason: 'no PDP context' }, 'note terminal', 'register failed: no PDP context', 'error'],
    [{ type: 'rejected', reason: 'replay', detail: 'counter 7 <= 9', source: 'udp' }, 'note terminal', 'rejected replay: counter 7 <= 9 (udp)', 'error'],
    [{ type: 'bring-up-failed', step: 'pdp', reason: 'no coverage', retryInMs: 5000 }, 'note terminal', 'bring-up failed at pdp: no coverage', 'error'],
    [{ type: 'sms-undecodable', stage: 'wsp', detail: 'truncated', via: 'cmt' }, 'note terminal', 'undecodable SMS (wsp): truncated', 'error'],
    [{ type: 'sms-expired', reason: 'timeout', received: 1, total: 2 }, 'note terminal', 'SMS parts expired (1/2)', 'error'],
    [{ type: 'trigger', kind: 'coverage-back' }, 'note terminal', 'trigger coverage-back', 'ok'],
    [{ type: 'solicited-pull', keyGroup: 4 }, 'note terminal', 'solicited pull, key group 4', 'ok'],
    [{ type: 'wap-push' }, 'note terminal', 'WAP push ?', 'ok'],
    [{ type: 'stkm-received', bytes: 60 }, 'player→terminal', 'STKM (60 bytes)', 'ok'],
    [{ type: 'player-stkm', mki: '020200010007' }, 'note player', 'STKM from the broadcast, TEK asked (MKI 020200010007)', 'ok'],
    [{ type: 'player-tek', mki: '020200010007', ms: 41 }, 'note player', 'TEK handed to srtpdec (MKI 020200010007, 41 ms after asking)', 'ok'],
    [{ type: 'player-tek-refused', code: 'card_auth' }, 'note player', 'TEK refused (card_auth)', 'error'],
    [{ type: 'player-first-frame', mki: '020200010007' }, 'note player', 'first frame decrypted (MKI 020200010007)', 'ok'],
    [{ type: 'player-error', message: 'srtpdec: no key' }, 'note player', 'player error (srtpdec: no key)', 'error'],
  ];
  for (const [fields, where, text, status] of cases) {
    const [s, ...rest] = only({ ts: at(0), ...fields });
    const got = s!.kind === 'arrow' ? [`${s!.from}→${s!.to}`, s!.label] : [`note ${s!.on}`, s!.text];
    assert.deepEqual([...got, s!.status], [where, text, status], JSON.stringify(fields));
    if (fields['type'] !== 'mikey-checked') assert.equal(rest.length, 0);
  }
});

test('labels from the network lose control characters and stay short', () => {
  const [s] = only({ type: 'rejected', ts: at(0), reason: 'x\u001b[31mred\u0007', detail: 'a'.repeat(500), source: '\u202eevil\ud800' });
  assert.equal(s!.kind, 'note');
  const text = (s as NoteStep).text;
  assert.doesNotMatch(text, /[\u0000-\u001f\u007f-\u009f\u202e\ud800-\udfff]/);
  assert.equal(text, `rejected x?[31mred?: ${'a'.repeat(59)}… (?evil\ufffd)`);
  const [long] = only({ type: 'x'.repeat(300), ts: at(0) });
  assert.equal(Array.from((long as NoteStep).text).length, 40);
  const [full] = only({ type: 'bring-up-failed', ts: at(0), step: 's'.repeat(50), reason: 'r'.repeat(100) });
  assert.equal(Array.from((full as NoteStep).text).length, 100);
  assert.ok((full as NoteStep).text.endsWith('r…'));
});

test('the participant order is fixed: modem left of the terminal, the network right of the card, the player last', () => {
  assert.deepEqual([...PARTICIPANTS], ['modem', 'terminal', 'card', 'BSF', 'BSM', 'player']);
  const m = buildSequence([
    { type: 'key-ready', ts: at(0), keyDomainId: '00f110', keyGroup: 1 },
    { type: 'gba-bootstrap', ts: at(1), phase: 'started', mode: 'gba-u' },
    { type: 'sms', ts: at(2), parts: 1 },
  ]);
  assert.deepEqual(m.participants, ['modem', 'terminal', 'BSF', 'player']);
});
