// The one safe emitter: a listener that throws is reported once and counted, the other listeners still run, the
// emitter carries on; `once` listeners still go after one call; an unhandled 'error' still throws as Node's does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SafeEmitter } from '../../../src/util/safe-emitter.js';

interface Events {
  tick: [n: number];
  error: [err: Error];
}

function rig() {
  const reports: Array<[string, string | symbol]> = [];
  const e = new SafeEmitter<Events>((err, event) => reports.push([(err as Error).message, event]));
  return { e, reports };
}

test('a throwing listener is reported with its event, counted, and the listeners after it still run', () => {
  const { e, reports } = rig();
  const seen: string[] = [];
  e.on('tick', (n) => void seen.push(`a${n}`));
  e.on('tick', (n) => {
    throw new Error(`boom ${n}`);
  });
  e.on('tick', (n) => void seen.push(`c${n}`));
  assert.equal(e.emit('tick', 1), true);
  assert.equal(e.emit('tick', 2), true);
  assert.deepEqual(seen, ['a1', 'c1', 'a2', 'c2']);
  assert.deepEqual(reports, [['boom 1', 'tick'], ['boom 2', 'tick']]);
  assert.equal(e.listenerErrors, 2);
});

test('no listener: false, nothing reported; once listeners run once, even when they throw', () => {
  const { e, reports } = rig();
  assert.equal(e.emit('tick', 0), false);
  let calls = 0;
  e.once('tick', () => {
    calls++;
    throw new Error('once');
  });
  e.emit('tick', 1);
  e.emit('tick', 2);
  assert.equal(calls, 1);
  assert.equal(e.listenerCount('tick'), 0);
  assert.deepEqual(reports, [['once', 'tick']]);
});

test('a listener added or removed while emitting does not change that emit (snapshot, like Node)', () => {
  const { e } = rig();
  const seen: string[] = [];
  const late = () => void seen.push('late');
  e.on('tick', () => {
    seen.push('first');
    e.on('tick', late);
  });
  e.emit('tick', 1);
  assert.deepEqual(seen, ['first']);
  e.emit('tick', 2);
  assert.deepEqual(seen, ['first', 'first', 'late']);
});

test("an 'error' event without a listener throws as with Node's EventEmitter; with one, it is delivered", () => {
  const { e, reports } = rig();
  assert.throws(() => e.emit('error', new Error('unhandled')), /unhandled/);
  const got: string[] = [];
  e.on('error', (err) => void got.push(err.message));
  e.emit('error', new Error('handled'));
  assert.deepEqual(got, ['handled']);
  assert.deepEqual(reports, []);
});

test('listeners are called with the emitter as this', () => {
  const { e } = rig();
  let self: unknown;
  e.on('tick', function (this: unknown) {
    self = this;
  });
  e.emit('tick', 1);
  assert.equal(self, e);
});
