// --device: exact ids subscribe to themselves; prefixes and "+" subscribe to every device and filter here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deviceMatcher } from '../../../src/cli/watch/devices.js';
import { UsageError } from '../../../src/cli/io.js';

test('device patterns: subscriptions and which ids they show', () => {
  const ids = ['box-1', 'box-2', 'box-10', 'boxer', 'sim', 'other-1'];
  const cases: Array<{ patterns: string[]; filters: string[]; shown: string[]; label: string }> = [
    { patterns: ['sim'], filters: ['bcastd/v1/sim/#'], shown: ['sim'], label: 'sim' },
    { patterns: ['box-1', 'sim'], filters: ['bcastd/v1/box-1/#', 'bcastd/v1/sim/#'], shown: ['box-1', 'sim'], label: 'box-1, sim' },
    { patterns: ['box-*'], filters: ['bcastd/v1/+/#'], shown: ['box-1', 'box-2', 'box-10'], label: 'box-*' },
    { patterns: ['box-1*', 'sim'], filters: ['bcastd/v1/+/#'], shown: ['box-1', 'box-10', 'sim'], label: 'box-1*, sim' },
    { patterns: ['+'], filters: ['bcastd/v1/+/#'], shown: ids, label: 'all devices' },
    { patterns: ['*'], filters: ['bcastd/v1/+/#'], shown: ids, label: 'all devices' },
  ];
  for (const c of cases) {
    const m = deviceMatcher(c.patterns);
    assert.deepEqual(m.filters('bcastd/v1'), c.filters, c.patterns.join(' '));
    assert.deepEqual(ids.filter((id) => m.matches(id)), c.shown, c.patterns.join(' '));
    assert.equal(m.label, c.label);
  }
});

test('patterns MQTT or a prefix cannot express are usage errors', () => {
  for (const bad of [[], ['a*b'], ['*box'], ['box/1'], ['box#'], ['bo+x']]) assert.throws(() => deviceMatcher(bad), UsageError, JSON.stringify(bad));
});
