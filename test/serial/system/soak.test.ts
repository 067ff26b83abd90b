// Soak (issue 8): the REAL daemon on the sim board under mixed load for BCASTD_SOAK_SECONDS (default 60, the CI
// run; 600 is the 10-minute soak, same file): solicited pulls by SMS and by UDP (key group 0 → re-registration,
// key group ≠ 0 after an MSK rotation → MSK request → LTKM push), coverage loss and regain, PDP releases, the
// USIM taken out of its reader and put back. Then: no error-level log line, RSS growth under 10 % between the
// first load window after the warm-up and the last load window, every LTKM the BSM pushed (not a solicited
// pull, not dropped) shows in key status on MQTT, every registration the BSM saw has its `registered` event and
// every MSK request its `msk-requested`. Prints one JSON line with the figures.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { KEY_DOMAIN, KEY_GROUP, SystemRig, TERMINAL, pause, type SimEvent } from './harness.js';

const SECONDS = Number(process.env['BCASTD_SOAK_SECONDS'] ?? 60);
/** Load before the RSS baseline is taken: caches, JIT and the key store fill up first. */
const WARMUP_MS = Math.max(10_000, SECONDS * 150);
/** RSS figures are medians over this window (a single sample swings with the GC). */
const RSS_WINDOW_MS = 5000;
/** Error-level lines (pino level ≥ 50) the load may legitimately cause: none so far. */
const EXPECTED_ERRORS: RegExp[] = [];

const SERVICES = { news: 'urn:bcastd:sim:news', sport: 'urn:bcastd:sim:sport' } as const;
const mskIdOf = (keyGroup: number, keyNumber: number) => ((keyGroup << 16) + keyNumber).toString(16).padStart(8, '0');

function rssKb(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] ?? NaN;
}

test(`soak: ${SECONDS} s of mixed load on the real daemon`, { timeout: SECONDS * 1000 + 180_000 }, async (t) => {
  const rig = await SystemRig.start(t, {
    // A demo-like gate: fast enough that the load is served, still pacing (coalescing) what comes too quickly.
    overrides: { terminal: { triggerRateLimit: { perMinute: 600, burst: 20, minIntervalMs: 100, settleMs: 50 } }, mqtt: { healthIntervalMs: 5000 } },
  });
  await rig.waitFor(`keys/${KEY_DOMAIN}/${KEY_GROUP.news}`, (p) => p['count'] === 1, 20_000);
  const pid = rig.pid!;
  // Sport is bought too, so pulls for both key groups lead to pushes.
  assert.equal((await rig.portal({ serviceId: SERVICES.sport, terminal: TERMINAL, via: 'udp' })).status, 200);
  await rig.waitFor(`keys/${KEY_DOMAIN}/${KEY_GROUP.sport}`, (p) => (p['count'] as number) >= 1, 10_000);

  const samples: Array<{ at: number; kb: number }> = [];
  const sampler = setInterval(() => samples.push({ at: Date.now(), kb: rssKb(pid) }), 250);
  t.after(() => clearInterval(sampler));

  const counts: Record<string, number> = {};
  const did = (what: string) => (counts[what] = (counts[what] ?? 0) + 1);
  const rotateAndPull = async (service: 'news' | 'sport', via: 'udp' | 'sms') => {
    assert.equal((await rig.simControl('/rotate', { serviceId: SERVICES[service] })).status, 200);
    assert.equal((await rig.simControl('/pull', { terminal: TERMINAL, keyGroup: KEY_GROUP[service], via })).status, 200);
    did(`rotate+pull ${service} ${via}`);
  };
  // One round of the mix; each step is what an operator network or the radio does now and then.
  const steps: Array<() => Promise<void>> = [
    () => rotateAndPull('news', 'udp'),
    async () => {
      assert.equal((await rig.simControl('/pull', { terminal: TERMINAL, keyGroup: 0, via: 'sms' })).status, 200);
      did('pull kg0 sms');
    },
    () => rotateAndPull('sport', 'sms'),
    async () => {
      assert.equal((await rig.simControl('/coverage', { on: false })).status, 200);
      await pause(400);
      assert.equal((await rig.simControl('/coverage', { on: true })).status, 200);
      did('coverage loss/regain');
    },
    async () => {
      assert.equal((await rig.simControl('/pull', { terminal: TERMINAL, keyGroup: 0, via: 'udp' })).status, 200);
      did('pull kg0 udp');
    },
    () => rotateAndPull('news', 'sms'),
    async () => {
      assert.equal((await rig.simControl('/pdp-release', {})).status, 200);
      did('pdp release');
    },
    () => rotateAndPull('sport', 'udp'),
    async () => {
      // The card out for a moment, then back: the daemon must see it go, take it back and carry on.
      const mark = rig.mark();
      assert.equal((await rig.simControl('/card', { present: false })).status, 200);
      await rig.waitFor('card', (p) => p['state'] === 'absent', 10_000, { since: mark });
      assert.equal((await rig.simControl('/card', { present: true })).status, 200);
      await rig.waitFor('card', (p) => p['state'] === 'ready', 15_000, { since: mark });
      did('card out/in');
    },
  ];

  const start = Date.now();
  const end = start + SECONDS * 1000;
  for (let i = 0; Date.now() < end; i++) {
    await steps[i % steps.length]!();
    await pause(300);
  }
  // Quiesce: no new event on the simulated network for 3 s (pushes verified, re-registrations done).
  let lastLen = -1;
  for (let idle = 0, guard = Date.now() + 30_000; idle < 3 && Date.now() < guard; ) {
    const len = (await rig.simEvents()).length;
    idle = len === lastLen ? idle + 1 : 0;
    lastLen = len;
    await pause(1000);
  }
  clearInterval(sampler);

  // RSS under load, like for like: the median of the window right after the warm-up against the median of the
  // last window of the load (before the quiet end).
  const base = median(samples.filter((s) => s.at >= start + WARMUP_MS && s.at < start + WARMUP_MS + RSS_WINDOW_MS).map((s) => s.kb));
  const loadEnd = Math.min(end, samples.at(-1)!.at);
  const final = median(samples.filter((s) => s.at > loadEnd - RSS_WINDOW_MS && s.at <= loadEnd).map((s) => s.kb));
  const growth = (final - base) / base;
  // Where RSS went: its median per minute of load, and the V8 heap in use (health, every 5 s) after the warm-up.
  const perMinute: number[] = [];
  for (let m = start; m < loadEnd; m += 60_000) perMinute.push(Math.round(median(samples.filter((x) => x.at >= m && x.at < Math.min(m + 60_000, loadEnd)).map((x) => x.kb)) / 102.4) / 10);
  const heap = rig.on('health').filter((h) => h.at >= start + WARMUP_MS && h.at <= loadEnd).map((h) => Math.round((h.payload['heapUsedBytes'] as number) / 104857.6) / 10);

  const sim = await rig.simEvents();
  const pushes = sim.filter((e): e is SimEvent => e.type === 'ltkm-push' && e['solicitedPull'] === false && e['dropped'] === false);
  const shown = new Set<string>();
  for (const m of rig.on(/^keys\//)) for (const k of (m.payload['msks'] as Array<Record<string, unknown>>) ?? []) shown.add(String(k['mskId']));
  const missing = [...new Set(pushes.map((p) => mskIdOf(p['keyGroup'] as number, p['keyNumber'] as number)))].filter((id) => !shown.has(id));
  const badVerifications = sim.filter((e) => e.type === 'verification' && e['ok'] !== true);
  const bsmRegisters = sim.filter((e) => e.type === 'register').length;
  const registered = rig.events('registered').length;
  const bsmMskRequests = sim.filter((e) => e.type === 'msk-request').length;
  const mskRequested = rig.events('msk-requested').length;
  const errors = rig.logLines().filter((l) => SystemRig.levelOf(l) >= 50 && !EXPECTED_ERRORS.some((re) => re.test(String(l['msg']))));

  console.log(
    JSON.stringify({
      metric: 'soak',
      seconds: SECONDS,
      actions: counts,
      ltkmPushes: pushes.length,
      distinctMsks: shown.size,
      bsmRegisters,
      registeredEvents: registered,
      bsmMskRequests,
      mskRequestedEvents: mskRequested,
      rssBaseMB: Math.round(base / 102.4) / 10,
      rssFinalMB: Math.round(final / 102.4) / 10,
      rssGrowthPct: Math.round(growth * 1000) / 10,
      rssPerMinuteMB: perMinute,
      heapUsedMB: { afterWarmup: heap[0], atEnd: heap.at(-1), max: Math.max(...heap) },
      errorLines: errors.length,
    }),
  );

  assert.ok(pushes.length > 0 && bsmRegisters > 0, 'the load caused pushes and registrations');
  assert.deepEqual(errors.map((l) => l['msg']), [], `error-level log lines: ${JSON.stringify(errors.slice(0, 5))}`);
  assert.ok(growth < 0.1, `RSS grew ${(growth * 100).toFixed(1)} % after the warm-up (${base} kB → ${final} kB)`);
  assert.deepEqual(missing, [], 'every pushed MSK shows in key status on MQTT');
  assert.deepEqual(badVerifications, [], 'every verification message the BSM checked was good');
  assert.equal(registered, bsmRegisters, 'every registration the BSM saw has its registered event on MQTT');
  assert.equal(mskRequested, bsmMskRequests, 'every MSK request the BSM saw has its msk-requested event on MQTT');
  // The daemon is still serving: a last solicited pull goes all the way to a stored key.
  const mark = rig.mark();
  await rotateAndPull('news', 'udp');
  await rig.waitFor('events', (p) => p['type'] === 'key-stored', 15_000, { since: mark });
});
