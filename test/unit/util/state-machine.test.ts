// StateMachine: moves the table allows are made and reported with their reason; others are refused and counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { StateMachine, type Transition } from '../../../src/util/state-machine.js';

type S = 'idle' | 'running' | 'failed';
type Why = 'start' | 'crash' | 'retry';

test('allowed moves change state and report from, to and the typed reason; refused ones are counted', () => {
  const seen: Array<Transition<S, Why>> = [];
  const m = new StateMachine<S, Why>('job', 'idle', { idle: ['running'], running: ['failed', 'idle'], failed: ['running'] }, pino({ level: 'silent' }), (t) => seen.push(t));
  assert.equal(m.to('running', 'start'), true);
  assert.equal(m.to('idle', 'retry') && m.to('failed', 'crash'), false, 'idle → failed is not in the table');
  assert.equal(m.state, 'idle');
  assert.equal(m.illegalTransitions, 1);
  assert.deepEqual(seen, [
    { state: 'running', previous: 'idle', reason: 'start' },
    { state: 'idle', previous: 'running', reason: 'retry' },
  ]);
  assert.equal(m.can('running'), true);
  assert.equal(m.can('failed'), false);
});
