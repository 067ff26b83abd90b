// The one timeout table and its override order: config per command → profile per command → table →
// config default → profile default → built-in default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AT_TIMEOUTS, AT_TIMEOUTS_DEFAULT_MS, MODEM_PROFILE_SPECS, resolveTimeouts } from '../../../src/modem/index.js';
import { failOnUnhandled } from './harness.js';

failOnUnhandled();

test('without overrides the table and the built-in default apply', () => {
  const t = resolveTimeouts(undefined, undefined);
  assert.equal(t.forCommand('AT+CGACT=1,1'), AT_TIMEOUTS['+CGACT']);
  assert.equal(t.forCommand('AT+COPS=0'), AT_TIMEOUTS['+COPS']);
  assert.equal(t.forCommand('AT+CMGR=1'), AT_TIMEOUTS_DEFAULT_MS);
  assert.equal(t.forCommand('ATE0'), AT_TIMEOUTS_DEFAULT_MS);
  // A bare name is looked up as is.
  assert.equal(t.forCommand('+CGACT'), AT_TIMEOUTS['+CGACT']);
});

test('override order', () => {
  const profile = { default: 1111, perCommand: { '+CGACT': 2222, '+CMGR': 3333 } };
  const config = { default: 4444, perCommand: { '+CMGR': 5555 } };
  const t = resolveTimeouts(profile, config);
  assert.equal(t.forCommand('AT+CMGR=1'), 5555, 'config per command wins');
  assert.equal(t.forCommand('AT+CGACT=1,1'), 2222, 'profile per command beats the table');
  assert.equal(t.forCommand('AT+COPS?'), AT_TIMEOUTS['+COPS'], 'the table beats any default');
  assert.equal(t.forCommand('AT+CSQ'), 4444, 'config default beats the profile default');
  assert.equal(resolveTimeouts(profile, undefined).forCommand('AT+CSQ'), 1111, 'profile default');
});

test('the sim profile keeps every network command short', () => {
  const t = resolveTimeouts(MODEM_PROFILE_SPECS.sim.timeouts, undefined);
  for (const name of Object.keys(AT_TIMEOUTS)) assert.ok(t.forCommand(name) <= 5000, name);
});
