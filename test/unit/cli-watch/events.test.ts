// The event log of `bcastctl watch`: known types coloured by meaning (EVENT_TABLE's names), unknown types from a
// newer daemon shown with their fields like any other, never dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logLine } from '../../../src/cli/watch/render.js';
import { eventSeverity } from '../../../src/cli/watch/states.js';
import { plain } from '../../../src/cli/watch/text.js';

test('event severity: failures bad, success good, everything else (unknown types too) plain', () => {
  assert.equal(eventSeverity('rejected'), 'bad');
  assert.equal(eventSeverity('sms-expired'), 'bad');
  assert.equal(eventSeverity('key-stored'), 'good');
  assert.equal(eventSeverity('trigger'), 'none');
  assert.equal(eventSeverity('firmware-updated'), 'none');
  assert.equal(eventSeverity('toString'), 'none');
});

test('an event type this bcastctl does not know is logged with its fields', () => {
  const at = Date.parse('2026-03-01T10:00:00Z');
  const line = logLine({ kind: 'event', at, device: 'box-1', type: 'firmware-updated', payload: { type: 'firmware-updated', ts: '2026-03-01T10:00:00.000Z', version: '1.2' } }, 5);
  assert.match(plain(line), /box-1 firmware-updated version=1\.2$/);
  assert.ok(line.every((s) => s.style !== 'bad' && s.style !== 'good'));
});
