// CI-sized fuzzing (issue 8): every decoder over its real inputs, their mutations and random bytes,
// seeded. A decoder may accept or throw its typed error (DecodeError; ConfigError for board configs),
// nothing else, and no single case may take long. The million-case run is bench/fuzz.bench.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fuzz, fuzzTargets, mutate, prng } from './targets.js';

/** Cases per decoder: tens of thousands in total, within the CI budget for the slow ones (YAML, AT). */
const CASES: Record<string, number> = { sms: 12_000, wsp: 12_000, mikey: 12_000, xml: 6_000, at: 6_000, usim: 12_000, 'board-config': 3_000 };
/** One case may take this long at most (a pathological input is one that is orders slower). */
const MAX_CASE_MS = 250;

describe('fuzz: decoders throw only their typed error, in bounded time', () => {
  for (const target of fuzzTargets()) {
    it(`${target.name}: ${CASES[target.name]} seeded cases`, () => {
      const r = fuzz(target, { cases: CASES[target.name]!, seed: 0x8f00 + target.name.length });
      assert.equal(r.cases, CASES[target.name]);
      assert.equal(r.crashes, 0, `${target.name} crashed: ${JSON.stringify(r.firstCrashes)}`);
      assert.equal(r.accepted + r.rejected, r.cases);
      // The corpus is real input: the decoder must accept some of it, and the mutations must be refused often.
      assert.ok(r.accepted > 0, `${target.name} accepted nothing`);
      if (target.name !== 'at') assert.ok(r.rejected > 0, `${target.name} rejected nothing`);
      assert.ok(r.slowestMs < MAX_CASE_MS, `${target.name}: slowest case ${r.slowestMs.toFixed(1)} ms, input ${r.slowestHex.slice(0, 200)}`);
    });
  }
});

describe('fuzz harness', () => {
  it('the PRNG and the mutator are reproducible from the seed', () => {
    const corpus = [Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)];
    const run = (seed: number) => {
      const rnd = prng(seed);
      return Array.from({ length: 50 }, () => Buffer.from(mutate(rnd, corpus[0]!, corpus, [Uint8Array.of(0xaa)])).toString('hex'));
    };
    assert.deepEqual(run(42), run(42));
    assert.notDeepEqual(run(42), run(43));
  });

  it('a decoder throwing anything but its typed error is counted as a crash, with its input', () => {
    const target = { ...fuzzTargets().find((t) => t.name === 'mikey')!, run: (b: Uint8Array) => void new Uint8Array(b.length)[b.length]!.toFixed() };
    const r = fuzz(target, { cases: 20, seed: 1 });
    assert.equal(r.crashes, 20);
    assert.match(r.firstCrashes[0]!.error, /^TypeError/);
    assert.equal(r.firstCrashes[0]!.hex, Buffer.from(target.corpus[0]!).toString('hex'));
  });
});
