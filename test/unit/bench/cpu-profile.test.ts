// The daemon bench's profile reading (bench/lib/cpu-profile.ts), on a hand-made .cpuprofile: which samples a
// window takes, what a sample's time is, and where time in Node internals is charged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { areaOf, cpuByArea, cpuByFunction } from '../../../bench/lib/cpu-profile.js';

const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url, lineNumber: 0 }, children });
// root → codec function (ours) → Buffer copy (node internal); root → idle; root → a bundle chunk.
const nodes = [
  frame(1, '(root)', '', [2, 4, 5]),
  frame(2, 'decode', 'file:///x/dist/src/codec/mikey.js', [3]),
  frame(3, 'copy', 'node:buffer'),
  frame(4, '(idle)', ''),
  frame(5, 'walk', 'file:///x/dist-bundle/chunk-A.js'),
];
// Samples every 1000 µs; a sample stands for the time until the next one (the last: its own delta).
const samples = [2, 3, 3, 4, 4, 5, 2];
const profile = { nodes, startTime: 0, endTime: 7000, samples, timeDeltas: samples.map(() => 1000) };

function withProfile(fn: (file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'bcastd-prof-test-'));
  try {
    const file = join(dir, 'p.cpuprofile');
    writeFileSync(file, JSON.stringify(profile));
    fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('areas: our folders, dependencies, Node internals, the board bundle', () => {
  assert.equal(areaOf('file:///x/dist/src/codec/mikey.js', 'decode'), 'bcastd:src/codec');
  assert.equal(areaOf('file:///x/dist/src/sim/usim/usim.js', 'f'), 'sim-world (src/sim)');
  assert.equal(areaOf('file:///x/node_modules/@serialport/stream/dist/index.js', 'f'), 'dep:@serialport/stream');
  assert.equal(areaOf('node:buffer', 'copy'), 'node-internals');
  assert.equal(areaOf('file:///x/dist-bundle/chunk-A.js', 'walk'), 'bcastd:dist-bundle');
  assert.equal(areaOf('', '(garbage collector)'), '(garbage collector)');
});

test('cpuByArea: idle left out, Node internals charged to their caller, a window takes the last samples only', () => {
  withProfile((file) => {
    const all = cpuByArea(file);
    assert.equal(all.busyMs, 5);
    assert.deepEqual(Object.fromEntries(all.areas.map((a) => [a.area, a.ms])), { 'bcastd:src/codec': 4, 'bcastd:dist-bundle': 1 });
    const last = cpuByArea(file, 2);
    assert.deepEqual(Object.fromEntries(last.areas.map((a) => [a.area, a.ms])), { 'bcastd:dist-bundle': 1, 'bcastd:src/codec': 1 });
  });
});

test('cpuByFunction: self time per function and place, hottest first, idle left out', () => {
  withProfile((file) => {
    const top = cpuByFunction(file);
    assert.deepEqual(top[0], { fn: 'decode dist/src/codec/mikey.js:1', ms: 2 });
    assert.ok(top.some((t) => t.fn === 'copy' || t.fn.startsWith('copy ')));
    assert.ok(!top.some((t) => t.fn.startsWith('(idle)')));
    assert.equal(top.reduce((a, t) => a + t.ms, 0), 5);
  });
});
