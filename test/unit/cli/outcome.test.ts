// bcastctl --wait: which events end which command, and how an event line reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventLine, judge } from '../../../src/cli/daemon/outcome.js';

test('register: go on through trigger and BSM traffic, done on registered, failed on its request-failed', () => {
  const r = { action: 'register' };
  for (const type of ['trigger', 'bsm-request', 'bsm-response', 'solicited-pull', 'gba-bootstrap']) assert.deepEqual(judge(r, { type }), { done: false }, type);
  assert.deepEqual(judge(r, { type: 'request-failed', action: 'msk-request', reason: 'x' }), { done: false }, 'another action failing is not ours');
  assert.deepEqual(judge(r, { type: 'registered', services: ['urn:allServices'] }), { done: true, ok: true, why: 'registered: ["urn:allServices"]' });
  assert.deepEqual(judge(r, { type: 'request-failed', action: 'register', reason: 'BSM register: 503' }), { done: true, ok: false, why: 'register failed: BSM register: 503' });
});

test('pull of a key group: done when that group\'s key is stored; a rejected LTKM or a failed MSK request fails it', () => {
  const p = { action: 'msk-request', keyGroup: 5 };
  assert.deepEqual(judge(p, { type: 'msk-requested', keyGroups: [5] }), { done: false });
  assert.deepEqual(judge(p, { type: 'key-stored', mskId: '00050001' }), { done: false }, 'stored, its group named next');
  assert.deepEqual(judge(p, { type: 'key-ready', keyGroup: 4 }), { done: false }, 'another group');
  assert.deepEqual(judge(p, { type: 'key-ready', keyGroup: 5 }), { done: true, ok: true, why: 'key stored (key group 5)' });
  assert.equal(judge(p, { type: 'rejected', reason: 'mac', detail: 'MAC mismatch' }).done, true);
  assert.deepEqual(judge(p, { type: 'request-failed', action: 'msk-request', reason: 'timeout' }), { done: true, ok: false, why: 'msk-request failed: timeout' });
});

test('a failed bootstrap fails whatever it was to lead to; deregister ends on deregistered', () => {
  assert.equal((judge({ action: 'register' }, { type: 'request-failed', action: 'bootstrap', reason: 'BSF 500' }) as { ok: boolean }).ok, false);
  assert.deepEqual(judge({ action: 'deregister' }, { type: 'deregistered' }), { done: true, ok: true, why: 'deregistered' });
});

test('event line: time of day, type, fields', () => {
  assert.equal(eventLine({ type: 'bsm-response', ts: '2025-03-01T14:30:05.123Z', action: 'register', status: 200, results: [{ s: 1 }] }), '14:30:05.123 bsm-response action=register status=200 results=[{"s":1}]');
  assert.equal(eventLine({ type: 'trigger' }), '--:--:--.--- trigger');
});
