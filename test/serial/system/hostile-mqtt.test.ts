// Issue 13, items 1 and 2, through the real daemon: hostile MQTT input on every topic it subscribes cannot take it
// down (null, arrays, scalars, 10 MB payloads, a retained poison message that outlives the daemon), and a flood
// of `diagnostics` requests cannot grow its memory (RSS under 150 MB after 10,000 of them).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SystemRig, pause } from './harness.js';

const rssMb = (pid: number) => Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/** A command answered on `cmd/<name>/response` with the transaction echoed: the daemon is alive and serving. */
async function answers(rig: SystemRig, transaction: string): Promise<Record<string, unknown>> {
  const since = rig.mark();
  await rig.publishRaw('cmd/log-level', JSON.stringify({ transaction }));
  const r = await rig.waitFor('cmd/log-level/response', (p) => p['transaction'] === transaction, 10_000, { since });
  return r.payload;
}

test('hostile payloads on every subscribed topic: alive, answering, one refusal each', { timeout: 120_000 }, async (t) => {
  const rig = await SystemRig.start(t);
  const bigHex = 'ab'.repeat(5 * 1024 * 1024); // 10 MB of valid hex: the regex must never see it
  const payloads: Array<string | Buffer> = ['null', '[]', '[1,2]', '42', '"x"', 'true', '{"stkm":null}', '{"stkm":[1]}', '{"stkm":"zz"}', `{"stkm":"${bigHex}"}`, Buffer.alloc(10 * 1024 * 1024, 0x5b), Buffer.from([0xff, 0xfe, 0x00])];
  const topics = ['player/stkm', 'cmd/register', 'cmd/diagnostics', 'cmd/bootstrap', 'cmd/pull', 'cmd/no-such'];
  for (const topic of topics) for (const p of payloads) await rig.publishRaw(topic, p);
  await pause(1500);
  assert.ok(rig.pid !== undefined, `the daemon died:\n${rig.logTail()}`);
  assert.equal((await answers(rig, 'after-flood'))['ok'], true);

  // Each bad player request was refused on player/tek, none crashed the exchange.
  const refusals = rig.on('player/tek').filter((m) => m.payload['ok'] === false);
  assert.ok(refusals.length >= payloads.length, `refusals on player/tek: ${refusals.length}`);
  const health = await rig.healthAfter(Date.now());
  assert.ok(health['mqtt']['inputRefused'] >= payloads.length, JSON.stringify(health['mqtt']));

  // A retained poison message outlives the daemon: the next start must survive it too (no crash loop).
  await rig.publishRaw('player/stkm', 'null', { retain: true });
  t.after(() => rig.publishRaw('player/stkm', '', { retain: true }).catch(() => {}));
  await pause(500);
  assert.equal((await rig.signal('SIGTERM')).code, 0);
  await rig.startDaemon();
  await pause(1000);
  assert.ok(rig.pid !== undefined, `the daemon died on a retained null:\n${rig.logTail()}`);
  assert.equal((await answers(rig, 'after-restart'))['ok'], true);
  assert.doesNotMatch(rig.logText(), /TypeError|RangeError|Maximum call stack/);
  assert.doesNotMatch(rig.logText(), /expose_wasm/, 'the launcher starts V8 without a warning');
});

test('10,000 diagnostics requests: bounded answers, RSS under 150 MB, still answering', { timeout: 240_000 }, async (t) => {
  const rig = await SystemRig.start(t);
  const pid = rig.pid!;
  const before = rssMb(pid);
  const since = rig.mark();
  for (let i = 0; i < 10_000; i++) await rig.publishRaw('cmd/diagnostics', JSON.stringify({ transaction: i }));
  // Every request gets an answer: most of them a cheap refusal (rate limit) or the cached summary.
  const deadline = Date.now() + 120_000;
  while (rig.on('cmd/diagnostics/response', since).length < 10_000 && Date.now() < deadline) await pause(250);
  const replies = rig.on('cmd/diagnostics/response', since);
  const maxReply = Math.max(...replies.map((m) => Buffer.byteLength(m.raw)));
  const refused = replies.filter((m) => m.payload['ok'] === false).length;
  const after = rssMb(pid);
  t.diagnostic(JSON.stringify({ replies: replies.length, refused, maxReplyBytes: maxReply, rssBeforeMB: Math.round(before), rssAfterMB: Math.round(after) }));
  assert.equal(replies.length, 10_000, 'every request was answered');
  assert.ok(refused > 0, 'the flood met the rate limit');
  assert.ok(after < 150, `RSS ${after.toFixed(1)} MB after 10,000 diagnostics requests`);
  assert.equal((await answers(rig, 'after-diagnostics'))['ok'], true);
});
