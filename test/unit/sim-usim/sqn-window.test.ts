import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SqnWindow } from '../../../src/sim/usim/index.js';

describe('virtual USIM: SQN freshness (TS 33.102 Annex C, 5-bit IND)', () => {
  it('accepts a higher SEQ per IND and refuses replays', () => {
    const w = new SqnWindow(0);
    assert.ok(w.accepts(32));
    w.accept(32);
    assert.ok(!w.accepts(32), 'same SQN again');
    assert.ok(w.accepts(33), 'another IND with the same SEQ');
    w.accept(33);
    assert.ok(w.accepts(64));
    assert.equal(w.highest, 33);
  });

  it('accepts an older SEQ for an IND that has not used it (out-of-order vectors)', () => {
    const w = new SqnWindow(0);
    w.accept(5 * 32 + 1);
    assert.ok(w.accepts(2 * 32 + 7));
    assert.ok(!w.accepts(5 * 32 + 1));
  });

  it('refuses a SEQ more than Δ above the highest accepted', () => {
    const w = new SqnWindow(32, 1000);
    assert.ok(w.accepts(32 * 1001));
    assert.ok(!w.accepts(32 * 1002));
  });

  it('starts from the subscriber file SQN', () => {
    const w = new SqnWindow(0xff9bb4d0b607 - 32);
    assert.ok(w.accepts(0xff9bb4d0b607));
    assert.ok(!w.accepts(0xff9bb4d0b607 - 32));
    assert.equal(w.highest, 0xff9bb4d0b607 - 32);
  });
});
