// The watch screen from a model: what a field tester reads, with and without colour, on wide, narrow and short
// terminals; never a line longer than the terminal, never more lines than it has.
process.env.TZ = 'UTC'; // the screen shows local wall-clock time; pin it so the expected text is fixed

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WatchModel } from '../../../src/cli/watch/model.js';
import { renderLines, renderScreen, span, type RenderOptions } from '../../../src/cli/watch/render.js';
import { cellWidth, plain } from '../../../src/cli/watch/text.js';
import { degradedDevice, healthyDevice, iso, msg, PREFIX, T0 } from './fixtures.js';
import { parseTopic } from '../../../src/cli/watch/model.js';

const SGR = /\x1b\[[0-9;]*m/g;

function twoDevices(): WatchModel {
  const m = new WatchModel();
  for (const x of [...healthyDevice('box-1'), ...degradedDevice('box-2')]) m.apply(x, T0);
  m.apply(msg('box-1', 'events', { type: 'trigger', kind: 'solicited-pull', source: 'sms', action: 'register', ts: iso(T0 + 2000) }, false), T0 + 2000);
  m.apply(msg('box-1', 'events', { type: 'key-stored', keyDomainId: '00f110', mskId: '00010002', source: 'udp', ts: iso(T0 + 3000) }, false), T0 + 3000);
  m.apply(msg('box-2', 'status', { state: 'lost' }, false), T0 + 9000);
  return m;
}

const opts = (over: Partial<RenderOptions> = {}): RenderOptions => ({
  width: 100,
  height: 40,
  color: false,
  now: T0 + 10_000,
  watching: 'bcastd/v1/box-*',
  broker: 'mqtt://127.0.0.1:1883',
  link: { state: 'connected', since: T0 },
  ...over,
});

test('two devices, full panels: every topic of each device on its own labelled row, the log at the bottom', () => {
  const lines = renderScreen(twoDevices(), opts());
  assert.deepEqual(lines, [
    ' bcastctl watch │ 2 devices │ broker connected │ 12:00:10 │ bcastd/v1/box-* │ mqtt://127.0.0.1:1883 ',
    '── box-1  READY  heard 12:00:03 (7 s ago) ──────────────────────────────────────────────────────────',
    ' modem  ready · coverage yes · registered, home network LTE area 1A2B cell 01ABCDEF',
    ' pdp    active · 10.64.0.2',
    ' card   ready · GBA_U · IMSI 00101*******01 · MBMS yes · Virtual PCD 00 00',
    ' gba    bootstrapped · gba-u · B-TID AbCd…@bsf.sim.bcastd.test · until 13:00:00 (59 min left)',
    ' bsm    registered · urn:svc:news, urn:svc:sport · last trigger solicited-pull via sms at 11:59:00',
    ' keys   00f110/1  2 MSKs  00010001 superseded  00010002 ready',
    ' daemon v0.1.0 · board rpi4-quectel-ec25 · up 1 h 02 min · RSS 45 MB · loop lag p99 1.25 ms',
    '── box-2  !! LOST (MQTT last will)  at 12:00:09 ────────────────────────────────────────────────────',
    ' modem  ready · coverage NO · searching',
    ' pdp    FAILED (+CME ERROR: 30)',
    ' card   ready · GBA_ME · IMSI 00101*******02',
    ' gba    idle',
    ' bsm    unregistered',
    ' keys   no MSK yet',
    ' daemon -',
    '── log (3) ─────────────────────────────────────────────────────────────────────────────────────────',
    '12:00:02 box-1 trigger kind=solicited-pull source=sms action=register',
    '12:00:03 box-1 key-stored keyDomainId=00f110 mskId=00010002 source=udp',
    '12:00:09 box-2 status degraded → LOST',
  ]);
});

test('colour on: states coloured by meaning; the same text once the colour is taken away', () => {
  const m = twoDevices();
  const mono = renderScreen(m, opts());
  const colour = renderScreen(m, opts({ color: true }));
  assert.deepEqual(colour.map((l) => l.replace(SGR, '')), mono);
  const all = colour.join('\n');
  assert.ok(all.includes('\x1b[32mREADY\x1b[0m'), 'ready is green');
  assert.ok(all.includes('\x1b[1;97;41m!! LOST\x1b[0m'), 'lost is white on red');
  assert.ok(all.includes('\x1b[1;31mFAILED\x1b[0m'), 'failed is red');
  assert.ok(all.includes('\x1b[33midle\x1b[0m'), 'transitional states are yellow');
  assert.ok(!mono.join('\n').includes('\x1b'), 'no escape byte at all without colour');
});

test('payload text cannot drive the terminal: control characters are removed, colour or not', () => {
  const m = new WatchModel();
  const evil = '\x1b[2J\x1b]0;owned\x07\x9b31m\r\nnext';
  m.apply(msg('box-1', 'status', { state: 'degraded', reason: evil, ts: iso(T0) }), T0);
  m.apply(msg('box-1', 'events', { type: `x${evil}`, [`k${evil}`]: evil, ts: iso(T0) }, false), T0);
  for (const color of [false, true]) {
    const out = renderScreen(m, opts({ color })).join('\n');
    const withoutOurSgr = out.replace(SGR, '');
    assert.ok(!/[\x00-\x09\x0b-\x1f\x7f-\x9f]/.test(withoutOurSgr), JSON.stringify(withoutOurSgr));
    assert.match(withoutOurSgr, /\[2J\]0;owned31mnext/);
  }
});

test('secrets in a payload never reach the screen (the model scrubs what it parses)', () => {
  const m = new WatchModel();
  const raw = { state: 'bootstrapped', ks: 'KS-SECRET', btid: 'AbCd…@bsf', res: 'RES-SECRET', ts: iso(T0) };
  m.apply(parseTopic(PREFIX, `${PREFIX}/box-1/gba`, Buffer.from(JSON.stringify(raw)), true)!, T0);
  m.apply(parseTopic(PREFIX, `${PREFIX}/box-1/events`, Buffer.from(JSON.stringify({ type: 'x', msk: 'MSK-SECRET', mskId: '00010002', ts: iso(T0) })), false)!, T0);
  const out = renderScreen(m, opts()).join('\n');
  assert.ok(!/SECRET/.test(out), out);
  assert.match(out, /mskId=00010002/);
});

test('a 60-column terminal: lines are cut with … and none is longer than 60 cells', () => {
  const lines = renderScreen(twoDevices(), opts({ width: 60, height: 40 }));
  for (const l of lines) assert.ok(cellWidth(l) <= 60, `${cellWidth(l)}: ${l}`);
  assert.equal(lines[0], ' bcastctl watch │ 2 devices │ broker connected │ 12:00:10 │…');
  assert.ok(lines.includes(' gba    bootstrapped · gba-u · B-TID AbCd…@bsf.sim.bcastd.t…'));
  assert.ok(lines.includes('── box-2  !! LOST (MQTT last will)  at 12:00:09 ────────────'));
  const colour = renderScreen(twoDevices(), opts({ width: 60, height: 40, color: true }));
  assert.deepEqual(colour.map((l) => l.replace(SGR, '')), lines);
});

test('too short for the panels: one line per device, problems first, and the log keeps the rest', () => {
  const lines = renderScreen(twoDevices(), opts({ width: 100, height: 12 }));
  assert.deepEqual(lines, [
    ' bcastctl watch │ 2 devices │ broker connected │ 12:00:10 │ bcastd/v1/box-* │ mqtt://127.0.0.1:1883 ',
    'box-1 READY · modem pdp card gba bsm ok · 2 MSKs · 7 s ago',
    'box-2 !! LOST · NO COVERAGE · pdp FAILED · gba idle · bsm unregistered · 0 MSKs · 1 s ago',
    '── log (3) ─────────────────────────────────────────────────────────────────────────────────────────',
    '12:00:02 box-1 trigger kind=solicited-pull source=sms action=register',
    '12:00:03 box-1 key-stored keyDomainId=00f110 mskId=00010002 source=udp',
    '12:00:09 box-2 status degraded → LOST',
  ]);
});

test('more devices than rows: as many as fit, then how many are hidden', () => {
  const m = new WatchModel();
  for (let i = 1; i <= 9; i++) for (const x of healthyDevice(`box-${i}`)) m.apply(x, T0);
  const lines = renderScreen(m, opts({ height: 8 }));
  assert.equal(lines.length, 6, 'header, three devices, the count of the others, the (empty) log title');
  assert.deepEqual(lines.slice(1, 5).map((l) => l.split(' ')[0]), ['box-1', 'box-2', 'box-3', '…']);
  assert.match(lines[4]!, /^… 6 more device\(s\)/);
  assert.match(lines[5]!, /^── log \(0\)/);
});

test('the log shows the newest entries that fit, newest at the bottom, and the total', () => {
  const m = new WatchModel({ logLimit: 100 });
  for (const x of healthyDevice('box-1')) m.apply(x, T0);
  for (let i = 0; i < 50; i++) m.apply(msg('box-1', 'events', { type: `ev-${i}`, ts: iso(T0 + i * 1000) }, false), T0 + i * 1000);
  const lines = renderScreen(m, opts({ height: 15, now: T0 + 50_000 }));
  assert.equal(lines.length, 15);
  const logAt = lines.findIndex((l) => l.startsWith('── log (50)'));
  assert.equal(logAt, 9);
  assert.deepEqual(lines.slice(logAt + 1).map((l) => l.split(' ').at(-1)), ['ev-45', 'ev-46', 'ev-47', 'ev-48', 'ev-49']);
});

test('the header says so when the watcher lost its broker; no device yet says what it waits for', () => {
  const lines = renderScreen(new WatchModel(), opts({ link: { state: 'reconnecting', since: T0 + 4000 } }));
  assert.match(lines[0]!, /│ 0 devices │ !! BROKER RECONNECTING since 12:00:04 │ 12:00:10/);
  assert.equal(lines[1], 'waiting for bcastd/v1/box-* …');
});

test('a STALE device and an expired B-TID read as problems; a retained LWT says it was lost before', () => {
  const m = new WatchModel();
  for (const x of healthyDevice('box-1')) m.apply(x, T0);
  m.apply(msg('box-2', 'status', { state: 'lost' }), T0);
  const lines = renderScreen(m, opts({ now: T0 + 2 * 3_600_000 }));
  assert.match(lines.find((l) => l.startsWith('── box-1'))!, /^── box-1  !! STALE \(silent for more than 150 s\)  heard 12:00:00 \(2 h 00 min ago\) ─+$/);
  assert.match(lines.find((l) => l.startsWith(' gba'))!, /EXPIRED at 13:00:00/);
  assert.match(lines.find((l) => l.startsWith('── box-2'))!, /!! LOST \(MQTT last will\)  before watch started/);
});

test('several key groups: one row each under one label, MSKs without a traffic topic marked ?', () => {
  const m = new WatchModel();
  for (const x of healthyDevice('box-1')) m.apply(x, T0);
  m.apply(msg('box-1', 'keys/00f110/0', { keyDomainId: '00f110', keyGroup: 0, count: 0, msks: [], ts: iso(T0) }), T0);
  m.apply(msg('box-1', 'keys/00f110/2', { keyDomainId: '00f110', keyGroup: 2, count: 1, msks: [{ mskId: '00020001', keyNumber: 1 }], ts: iso(T0) }), T0);
  const lines = renderScreen(m, opts());
  const at = lines.findIndex((l) => l.startsWith(' keys'));
  assert.deepEqual(lines.slice(at, at + 4), [
    ' keys   00f110/0  0 MSKs',
    '        00f110/1  2 MSKs  00010001 superseded  00010002 ready',
    '        00f110/2  1 MSK  00020001 ?',
    ' daemon v0.1.0 · board rpi4-quectel-ec25 · up 1 h 02 min · RSS 45 MB · loop lag p99 1.25 ms',
  ]);
});

test('every size fits: at most `height` lines of at most `width` cells', () => {
  const m = twoDevices();
  for (let w = 0; w <= 130; w += 7) {
    for (let h = 0; h <= 45; h += 3) {
      const lines = renderLines(m, opts({ width: w, height: h }));
      assert.ok(lines.length <= h, `${w}x${h}: ${lines.length} lines`);
      for (const l of lines) assert.ok(cellWidth(plain(l)) <= w, `${w}x${h}: ${plain(l)}`);
    }
  }
});

test('span: short durations a field tester reads at a glance', () => {
  assert.deepEqual([0, 4_400, 119_000, 120_000, 3_599_000, 3_600_000, 3_725_000, 172_800_000, 200_000_000].map(span), [
    '0 s', '4 s', '119 s', '2 min', '59 min', '1 h 00 min', '1 h 02 min', '2 d 0 h', '2 d 7 h',
  ]);
});
