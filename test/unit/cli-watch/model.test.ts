// The watch model: topics parsed and scrubbed, state folded per device, changes and events logged in a bounded
// ring, and the one-word verdict (LOST, STALE, the status).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTopic, Ring, scrub, WatchModel, type LogEntry } from '../../../src/cli/watch/model.js';
import { degradedDevice, healthyDevice, iso, msg, PREFIX, T0 } from './fixtures.js';

const buf = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));

test('parseTopic: device and name from the topic, JSON objects only, commands and foreign prefixes dropped', () => {
  const cases: Array<[string, Buffer, unknown]> = [
    [`${PREFIX}/box-1/status`, buf({ state: 'ready' }), { device: 'box-1', name: 'status', payload: { state: 'ready' } }],
    [`${PREFIX}/box-1/keys/00f110/1`, buf({ count: 1 }), { device: 'box-1', name: 'keys/00f110/1', payload: { count: 1 } }],
    [`${PREFIX}/box-1/status`, buf('{"state":"lost"}'), { device: 'box-1', name: 'status', payload: { state: 'lost' } }],
    [`${PREFIX}/box-1/keys/00f110/1`, Buffer.alloc(0), { device: 'box-1', name: 'keys/00f110/1', payload: null }],
    [`${PREFIX}/box-1/status`, buf('not json'), { device: 'box-1', name: 'status', payload: null }],
    [`${PREFIX}/box-1/status`, buf([1, 2]), { device: 'box-1', name: 'status', payload: null }],
    [`${PREFIX}/box-1/cmd/register`, buf({}), null],
    [`${PREFIX}/box-1/cmd/register/response`, buf({ ok: true }), null],
    [`other/v1/box-1/status`, buf({}), null],
    [`${PREFIX}/box-1`, buf({}), null],
    [`${PREFIX}/box-1/`, buf({}), null],
  ];
  for (const [topic, payload, want] of cases) {
    const got = parseTopic(PREFIX, topic, payload, true);
    if (want === null) assert.equal(got, null, topic);
    else assert.deepEqual(got, { topic, retained: true, ...(want as object) }, topic);
  }
});

test('secrets are dropped at any depth, whatever the daemon sent; ids that merely start like one stay', () => {
  const names = ['k', 'opc', 'OPc', 'ks', 'mrk', 'muk', 'msk', 'mtk', 'tek', 'res', 'ck', 'ik', 'pin', 'mskHex', 'ksExtNaf'];
  const payload: Record<string, unknown> = { state: 'ready', mskId: '00010002', keyDomainId: '00f110', nested: { list: [Object.fromEntries(names.map((n) => [n, 'SECRET']))] } };
  for (const n of names) payload[n] = 'SECRET';
  const parsed = parseTopic(PREFIX, `${PREFIX}/b/keys/00f110/1`, buf(payload), false)!;
  assert.ok(!JSON.stringify(parsed.payload).includes('SECRET'), JSON.stringify(parsed.payload));
  assert.deepEqual(parsed.payload, { state: 'ready', mskId: '00010002', keyDomainId: '00f110', nested: { list: [{}] } });
  assert.deepEqual(scrub([{ tek: 1, id: 2 }, 'x', null]), [{ id: 2 }, 'x', null]);
});

test('Ring keeps the newest `capacity` items and counts everything pushed', () => {
  const r = new Ring<number>(3);
  for (let i = 1; i <= 7; i++) r.push(i);
  assert.deepEqual(r.items(), [5, 6, 7]);
  assert.equal(r.size, 3);
  assert.equal(r.total, 7);
  assert.throws(() => new Ring(0), RangeError);
});

test('folding: latest payload per state topic, keys and traffic per id, devices apart', () => {
  const m = new WatchModel();
  for (const x of [...healthyDevice('box-1'), ...degradedDevice('box-2')]) m.apply(x, T0 + 1000);
  assert.deepEqual(m.sorted().map((d) => d.id), ['box-1', 'box-2']);
  const b1 = m.devices.get('box-1')!;
  assert.equal(b1.topics.get('pdp')!.payload['state'], 'active');
  assert.deepEqual([...b1.keys.keys()], ['00f110/1']);
  assert.deepEqual([...b1.traffic.keys()].sort(), ['00f110/00010001', '00f110/00010002']);
  assert.equal(b1.lastHeard, T0, 'retained messages date the device by their ts');
  assert.equal(m.devices.get('box-2')!.topics.get('pdp')!.payload['state'], 'failed');
  // Retained state is how things already were: no log lines for it.
  assert.equal(m.log.size, 0);

  // An empty retained payload clears a key group.
  m.apply(msg('box-1', 'keys/00f110/1', null), T0 + 2000);
  assert.equal(b1.keys.size, 0);
});

test('live changes of watched fields are logged with from → to and the reason; repeats and unwatched fields are not', () => {
  const m = new WatchModel();
  for (const x of healthyDevice('box-1')) m.apply(x, T0);
  m.apply(msg('box-1', 'pdp', { state: 'inactive', reason: 'nw-pdn-deact', ts: iso(T0 + 5000) }, false), T0 + 5000);
  m.apply(msg('box-1', 'pdp', { state: 'inactive', reason: 'again', ts: iso(T0 + 6000) }, false), T0 + 6000);
  m.apply(msg('box-1', 'modem', { state: 'ready', coverage: false, ts: iso(T0 + 7000) }, false), T0 + 7000);
  m.apply(msg('box-1', 'health', { uptimeS: 9999, ts: iso(T0 + 8000) }, false), T0 + 8000);
  m.apply(msg('box-1', 'status', { state: 'lost' }, false), T0 + 9000);
  const changes = m.log.items().map((e: LogEntry) => (e.kind === 'change' ? `${e.at - T0} ${e.topic}.${e.field} ${e.from}→${e.to} ${e.reason}` : e.type));
  assert.deepEqual(changes, ['5000 pdp.state active→inactive nw-pdn-deact', '7000 modem.coverage yes→no null', '9000 status.state ready→lost null']);
  // A live message is a sign of life when it arrives, the LWT included.
  assert.equal(m.devices.get('box-1')!.lastHeard, T0 + 9000);
});

test('events go to the log with their ts; a new device appears from its first message', () => {
  const m = new WatchModel();
  m.apply(msg('box-9', 'events', { type: 'trigger', kind: 'solicited-pull', source: 'sms', action: 'register', ts: iso(T0 + 1) }, false), T0 + 50);
  const [e] = m.log.items();
  assert.deepEqual(e, { kind: 'event', at: T0 + 1, device: 'box-9', type: 'trigger', payload: { type: 'trigger', kind: 'solicited-pull', source: 'sms', action: 'register', ts: iso(T0 + 1) } });
  assert.ok(m.devices.has('box-9'));
});

test('the log is bounded: only the newest logLimit entries stay, the total still counts', () => {
  const m = new WatchModel({ logLimit: 10 });
  for (let i = 0; i < 25; i++) m.apply(msg('box-1', 'events', { type: `e${i}`, ts: iso(T0 + i) }, false), T0 + i);
  assert.equal(m.log.size, 10);
  assert.equal(m.log.total, 25);
  assert.deepEqual(m.log.items().map((e) => (e.kind === 'event' ? e.type : '')), ['e15', 'e16', 'e17', 'e18', 'e19', 'e20', 'e21', 'e22', 'e23', 'e24']);
});

test('verdict: LOST beats STALE beats the status; offline is never stale', () => {
  const cases: Array<{ name: string; msgs: ReturnType<typeof msg>[]; now: number; want: [string, string, RegExp | null] }> = [
    { name: 'ready', msgs: [msg('d', 'status', { state: 'ready', ts: iso(T0) })], now: T0 + 10_000, want: ['READY', 'good', null] },
    { name: 'degraded with reason', msgs: [msg('d', 'status', { state: 'degraded', reason: 'gba failed', ts: iso(T0) })], now: T0, want: ['DEGRADED', 'bad', /gba failed/] },
    { name: 'bring-up phase', msgs: [msg('d', 'status', { state: 'gba', ts: iso(T0) })], now: T0, want: ['GBA', 'warn', null] },
    { name: 'stale', msgs: [msg('d', 'status', { state: 'ready', ts: iso(T0) })], now: T0 + 151_000, want: ['STALE', 'bad', /more than 150 s/] },
    { name: 'offline, old', msgs: [msg('d', 'status', { state: 'offline', ts: iso(T0) })], now: T0 + 10_000_000, want: ['OFFLINE', 'bad', null] },
    { name: 'lost (LWT, retained)', msgs: [msg('d', 'health', { ts: iso(T0) }), msg('d', 'status', { state: 'lost' })], now: T0 + 10_000_000, want: ['LOST', 'bad', /last will/] },
    { name: 'no status yet', msgs: [msg('d', 'pdp', { state: 'active', ts: iso(T0) })], now: T0, want: ['NO STATUS', 'warn', null] },
  ];
  for (const c of cases) {
    const m = new WatchModel();
    for (const x of c.msgs) m.apply(x, T0);
    const v = m.verdict(m.devices.get('d')!, c.now);
    assert.equal(v.word, c.want[0], c.name);
    assert.equal(v.severity, c.want[1], c.name);
    if (c.want[2]) assert.match(v.detail ?? '', c.want[2], c.name);
    else assert.equal(v.detail, null, c.name);
  }
  const short = new WatchModel({ staleMs: 5000 });
  short.apply(msg('d', 'status', { state: 'ready', ts: iso(T0) }), T0);
  assert.equal(short.verdict(short.devices.get('d')!, T0 + 6000).word, 'STALE');
});
