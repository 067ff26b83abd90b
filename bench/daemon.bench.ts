/**
 * The real daemon on the sim board (JSON lines; never fails on time): test/serial/system/harness.ts starts
 * mosquitto and spawns `bcastd --board <test board>` exactly as the system tests do, and this file watches it
 * from outside — MQTT arrival times, the simulated network's event log, /proc/<pid> CPU and RSS, renames of
 * <stateDir>/state.json. Figures against issue 8's targets, each line with `target` and `met`:
 *   - out-of-band purchase → new key on MQTT, p50/p99 over RUNS runs by SMS and by UDP, and p50 per hop;
 *   - daemon CPU per solicited pull (UDP, key group ≠ 0) and per LTKM;
 *   - RSS idle and under load, start → `status` ready (cold and warm), CPU at idle, state writes per minute;
 *   - a CPU profile (--cpu-prof) of the pull load: where the daemon's time goes;
 *   - the RSS floor: a bare node of the daemon's executable and options, alone and with the built-in modules the
 *     idle daemon had loaded — what Node holds before any of bcastd's code.
 * The trigger rate gate is opened (OPEN_GATE) so runs are not paced by the flood protection, and health is
 * published every 10 s as on the shipped sim board. The simulated world (BSF, BSM, SMSC, portal, the virtual
 * USIM behind pcscd + vpcd) runs in its own process (sim.process child), so the daemon's CPU and RSS are its
 * own, as on a real board; the world's and pcscd's CPU are reported beside them. Env: BENCH_DAEMON_RUNS (default 200), BENCH_DAEMON_TRIGGERS
 * (default 200), BENCH_DAEMON_IDLE_S (default 30), BENCH_DAEMON_WRITES_S (default 60); the slow-board profile (a CPU quota on
 * the daemon): BENCH_DAEMON_SLOWDOWN (default 4), BENCH_DAEMON_SLOW_RUNS (40), BENCH_DAEMON_SLOW_TRIGGERS (50).
 * BENCH_DAEMON_ONLY (comma-separated: start, idle, purchase, cpu, writes, profile, floor, slow) runs only those sections,
 * for iterating on one figure; unset, all run. BENCH_DAEMON_PROFILE_OUT: where to keep the profiled daemon's .cpuprofile.
 */
import { copyFileSync, existsSync, watch, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emit, environment, type Figure } from './lib/report.js';
import { OPEN_GATE, startBenchRig } from './lib/daemon-rig.js';
import { cpuQuota } from './lib/cpu-quota.js';
import { cpuMs, cpuSplitMs, percentile, rssKb, voluntarySwitches } from './lib/proc.js';
import { runningChildren } from '../src/util/proc-stat.js';
import { cpuByArea, cpuByFunction } from './lib/cpu-profile.js';
import { daemonRuntime, floorRssKb } from './lib/rss-floor.js';
import { KEY_DOMAIN, KEY_GROUP, TERMINAL, pause, type SimEvent, type SystemRig } from '../test/serial/system/harness.js';

const BENCH = 'daemon';
const RUNS = Number(process.env['BENCH_DAEMON_RUNS'] ?? 200);
const TRIGGERS = Number(process.env['BENCH_DAEMON_TRIGGERS'] ?? 200);
const IDLE_S = Number(process.env['BENCH_DAEMON_IDLE_S'] ?? 30);
const WRITES_S = Number(process.env['BENCH_DAEMON_WRITES_S'] ?? 60);
/** The slow-board profile: how many times slower than this machine, and its (smaller) run counts. */
const SLOWDOWN = Number(process.env['BENCH_DAEMON_SLOWDOWN'] ?? 4);
const SLOW_RUNS = Number(process.env['BENCH_DAEMON_SLOW_RUNS'] ?? 40);
const SLOW_TRIGGERS = Number(process.env['BENCH_DAEMON_SLOW_TRIGGERS'] ?? 50);
const SPORT = 'urn:bcastd:sim:sport';
const ONLY = process.env['BENCH_DAEMON_ONLY']?.split(',').map((x) => x.trim()).filter((x) => x !== '');
/** Whether a section runs (BENCH_DAEMON_ONLY). */
const section = (name: 'start' | 'idle' | 'purchase' | 'cpu' | 'writes' | 'profile' | 'floor' | 'slow'): boolean => ONLY === undefined || ONLY.includes(name);
/** What bin/bcastd runs: the board build when `npm run bundle` made one, else the compiled tree. */
const BUILD = existsSync(new URL('../../dist-bundle/bcastd.js', import.meta.url)) ? 'dist-bundle' : 'dist';
/** The Node the daemon runs on (bin/bcastd's BCASTD_NODE, as the harness passes it), which may not be this one. */
const DAEMON_NODE = (() => {
  const n = process.env['BCASTD_NODE'];
  if (n === undefined) return process.version;
  try {
    return execFileSync(n, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return `unknown (${n})`;
  }
})();
const GATE = 'terminal.triggerRateLimit opened: perMinute 1e6, burst 1e4, minIntervalMs 0, settleMs 0';

/** One figure against its target: `met` says whether value ≤ target (all targets here are upper bounds). */
function figure(metric: string, value: number, unit: string, target: number | null, context: Record<string, unknown> = {}): void {
  const f: Figure = { bench: BENCH, metric, value, unit, target, met: target === null ? null : value <= target, ...context };
  emit(f);
}

const r1 = (v: number) => Math.round(v * 10) / 10;
const at = (e: SimEvent) => Date.parse(e.ts);
const mskIdOf = (keyGroup: number, keyNumber: number) => ((keyGroup << 16) + keyNumber).toString(16).padStart(8, '0');

function pid(rig: SystemRig): number {
  const p = rig.pid;
  if (p === undefined) throw new Error('bcastd is not running');
  return p;
}

/**
 * CPU ms of the daemon itself, of the simulated world's process (its node child: BSF, BSM, SMSC, virtual USIM)
 * and of pcscd (the world's child). On a real board only `daemon` and `pcscd` exist.
 */
function cpuAll(rig: SystemRig): { daemon: number; world: number; pcscd: number } {
  const p = pid(rig);
  let world = 0;
  let pcscd = 0;
  const sum = (pids: number[]) => pids.reduce((acc, c) => {
    try {
      return acc + cpuMs(c);
    } catch {
      return acc; // gone
    }
  }, 0);
  for (const c of runningChildren(p)) {
    if (c.comm === 'pcscd') pcscd += sum([c.pid]);
    else {
      world += sum([c.pid]);
      pcscd += sum(runningChildren(c.pid).filter((g) => g.comm === 'pcscd').map((g) => g.pid));
    }
  }
  return { daemon: cpuMs(p), world, pcscd };
}

/** Where the resident memory is: the node executable's pages (file-backed, shared by every node process), anonymous memory (V8 heaps, code, buffers), and the proportional share. */
function smapsSplit(p: number): Record<string, number> {
  const out = { nodeBinaryMB: 0, anonymousMB: 0, otherFilesMB: 0, pssMB: 0 };
  let name = '';
  for (const line of readFileSync(`/proc/${p}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      name = head[1] ?? '';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) {
      const mb = Number(rss[1]) / 1024;
      if (name.endsWith('/node')) out.nodeBinaryMB += mb;
      else if (name === '' || name.startsWith('[')) out.anonymousMB += mb;
      else out.otherFilesMB += mb;
    }
    const pss = /^Pss:\s+(\d+) kB/.exec(line);
    if (pss) out.pssMB += Number(pss[1]) / 1024;
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, r1(v)]));
}

/** VmRSS (kB) of the simulated world's process, or 0 when it runs inside the daemon. */
function worldRssKb(rig: SystemRig): number {
  const w = runningChildren(pid(rig)).find((c) => c.comm !== 'pcscd');
  return w ? rssKb(w.pid) : 0;
}

/** Counts renames onto <stateDir>/state.json (each completed atomic write is one). */
function watchStateWrites(stateDir: string): { count: () => number; close: () => void } {
  let n = 0;
  const w = watch(stateDir, (type, name) => {
    if (type === 'rename' && name === 'state.json') n++;
  });
  return { count: () => n, close: () => w.close() };
}

// ---- start → ready ----

/** Restarts the daemon (cold: state dir emptied first) and returns spawn → retained `status` ready, with phases. */
async function timedStart(rig: SystemRig, cold: boolean): Promise<{ totalMs: number; phases: Record<string, number> }> {
  await rig.signal('SIGTERM');
  await rig.reapOrphans();
  if (cold) for (const f of readdirSync(rig.stateDir)) rmSync(join(rig.stateDir, f), { recursive: true, force: true });
  const t0 = Date.now();
  await rig.startDaemon();
  const ready = await rig.waitFor('status', (p) => p['state'] === 'ready', 1000, { since: t0 });
  const phases: Record<string, number> = {};
  let prev = t0;
  let prevName = 'spawn';
  for (const m of rig.on('status', t0)) {
    const s = String(m.payload['state']);
    phases[`${prevName}→${s}`] = m.at - prev;
    prev = m.at;
    prevName = s;
    if (m === ready) break;
  }
  return { totalMs: ready.at - t0, phases };
}

/**
 * Spacing of UDP runs, per datagram each causes (BENCH_DAEMON_UDP_PACE_MS, default 0): the daemon keeps every
 * datagram of a source within its share of the intake's queue, so no spacing is needed; a build from before that
 * (a token bucket per source: 600 a minute, burst 20) needs 110 ms, or its figures would be its flood protection's.
 * Compare builds at the same spacing: the idle CPU of the pauses counts in the per-trigger figures.
 */
const UDP_MS_PER_DATAGRAM = Number(process.env['BENCH_DAEMON_UDP_PACE_MS'] ?? 0);
let udpNextAt = 0;
async function paceUdp(datagrams: number): Promise<void> {
  const wait = udpNextAt - Date.now();
  if (wait > 0) await pause(wait);
  udpNextAt = Date.now() + datagrams * UDP_MS_PER_DATAGRAM;
}

// ---- purchase → key ----

interface PurchaseRun {
  t0: number;
  keyAt: number;
  pullAt: number;
  registrationAt: number;
  keyNumber: number;
}

/** One out-of-band purchase: rotate the sport MSK, buy, wait for the new MSK on keys/<kd>/<sport>. */
async function purchase(rig: SystemRig, via: 'sms' | 'udp'): Promise<PurchaseRun> {
  // Re-registration pushes two LTKMs, plus the pull when it goes by UDP.
  await paceUdp(via === 'udp' ? 3 : 2);
  const rotated = await rig.simControl('/rotate', { serviceId: SPORT });
  const keyNumber = rotated.json.keyNumber as number;
  const mskId = mskIdOf(KEY_GROUP.sport, keyNumber);
  const mark = rig.mark();
  const t0 = Date.now();
  const bought = await rig.portal({ serviceId: SPORT, terminal: TERMINAL, via });
  if (bought.status !== 200) throw new Error(`purchase answered ${bought.status}: ${JSON.stringify(bought.json)}`);
  const key = await rig.waitFor(`keys/${KEY_DOMAIN}/${KEY_GROUP.sport}`, (p) => (p['msks'] as Array<Record<string, unknown>>).some((m) => m['mskId'] === mskId), 10_000, { since: mark });
  const pull = await rig.waitFor('events', (p) => p['type'] === 'solicited-pull', 1000, { since: mark });
  const reg = await rig.waitFor('registration', (p) => p['state'] === 'registered', 1000, { since: mark });
  // The news LTKM of the same re-registration is verified before the sport one (pushed in that order); let the
  // sport verification datagram go out before the next run.
  await rig.waitFor('events', (p) => p['type'] === 'key-stored' && p['mskId'] === mskId, 1000, { since: mark });
  return { t0, keyAt: key.at, pullAt: pull.at, registrationAt: reg.at, keyNumber };
}

/** Per-hop p50 of the purchase runs, from the simulated network's event log and MQTT arrival times. */
function hops(runs: PurchaseRun[], events: SimEvent[], via: 'sms' | 'udp'): Record<string, number> {
  const per: Record<string, number[]> = {};
  const add = (k: string, v: number) => (per[k] ??= []).push(v);
  const purchases = events.filter((e) => e.type === 'purchase' && e['serviceId'] === SPORT);
  for (const run of runs) {
    const p = purchases.find((e) => at(e) >= run.t0 - 1 && at(e) <= run.keyAt);
    if (!p) continue;
    const after = events.filter((e) => e.seq > p.seq);
    const pullOut = via === 'sms' ? after.find((e) => e.type === 'sms-pull') : after.find((e) => e.type === 'ltkm-push' && e['solicitedPull'] === true);
    const register = after.find((e) => e.type === 'register');
    const push = after.find((e) => e.type === 'ltkm-push' && e['keyGroup'] === KEY_GROUP.sport && e['keyNumber'] === run.keyNumber);
    const verification = push && after.find((e) => e.type === 'verification' && e['counter'] === push['counter']);
    if (!pullOut || !register || !push) continue;
    add('portal POST → purchase (sim)', at(p) - run.t0);
    add(`purchase → pull sent (${via})`, at(pullOut) - at(p));
    add('pull sent → solicited-pull event on MQTT (decode + MIKEY verify on card)', run.pullAt - at(pullOut));
    add('solicited-pull event → BSM register (200)', at(register) - run.pullAt);
    add('BSM register → registration on MQTT', run.registrationAt - at(register));
    add('BSM register → sport LTKM pushed (after the news LTKM)', at(push) - at(register));
    add('sport LTKM pushed → key on MQTT (card stores MSK, publish)', run.keyAt - at(push));
    if (verification) add('sport LTKM pushed → verification at BSM', at(verification) - at(push));
  }
  return Object.fromEntries(Object.entries(per).map(([k, v]) => [k, percentile(v, 50)]));
}

// ---- CPU per trigger ----

/** N solicited pulls by UDP for `keyGroup`, one after the other, each until its outcome shows on MQTT. */
async function pulls(rig: SystemRig, keyGroup: number, n: number, done: (p: Record<string, unknown>) => boolean): Promise<{ cpu: { daemon: number; world: number; pcscd: number }; daemonSplit: { user: number; sys: number }; wallMs: number; ltkms: number; mskRequests: number }> {
  const seq0 = (await rig.simEvents()).length;
  const before = cpuAll(rig);
  const split0 = cpuSplitMs(pid(rig));
  const t0 = Date.now();
  for (let i = 0; i < n; i++) {
    await paceUdp(keyGroup === KEY_GROUP.movies ? 1 : 2); // the pull, and its LTKM unless refused
    const mark = rig.mark();
    const r = await rig.simControl('/pull', { terminal: TERMINAL, keyGroup, via: 'udp' });
    if (r.status !== 200) throw new Error(`/pull answered ${r.status}`);
    await rig.waitFor('events', done, 10_000, { since: mark });
  }
  const wallMs = Date.now() - t0;
  const after = cpuAll(rig);
  const split1 = cpuSplitMs(pid(rig));
  const evs = (await rig.simEvents()).filter((e) => e.seq > seq0);
  return {
    cpu: { daemon: after.daemon - before.daemon, world: after.world - before.world, pcscd: after.pcscd - before.pcscd },
    daemonSplit: { user: split1.user - split0.user, sys: split1.sys - split0.sys },
    wallMs,
    ltkms: evs.filter((e) => e.type === 'ltkm-push' && e['solicitedPull'] === false && e['dropped'] === false).length,
    mskRequests: evs.filter((e) => e.type === 'msk-request').length,
  };
}

// ---- main ----

emit(environment(BENCH));
const profDir = mkdtempSync(join(tmpdir(), 'bcastd-bench-prof-'));
// On every way out, the rig's teardown on a lost reader included (it ends with process.exit).
process.once('exit', () => rmSync(profDir, { recursive: true, force: true }));
const { rig, close } = await startBenchRig({ overrides: { ...OPEN_GATE, mqtt: { healthIntervalMs: 10_000 } } });
try {
  await rig.waitFor(`keys/${KEY_DOMAIN}/${KEY_GROUP.news}`, (p) => p['count'] === 1, 20_000);
  const faults = (await rig.simControl('/faults')).json as { delayMs: number };

  if (section('start')) {
    // Start → ready: the harness's first start warmed the OS caches; then 3 cold (empty state dir) and 3 warm.
    for (const cold of [true, false]) {
      const totals: number[] = [];
      let phases: Record<string, number> = {};
      for (let i = 0; i < 3; i++) {
        const s = await timedStart(rig, cold);
        totals.push(s.totalMs);
        phases = s.phases;
      }
      figure(`start-to-ready-${cold ? 'cold' : 'warm'}`, percentile(totals, 50), 'ms', 1000, {
        runs: totals,
        build: BUILD,
        node: DAEMON_NODE,
        launcherOptions: process.env['BCASTD_NODE_OPTIONS'] ?? 'default (bin/bcastd)',
        simulatedNetworkDelayMs: faults.delayMs,
        note: 'spawn → retained status ready on MQTT; the sim board injects no network or modem delay (faults.delayMs 0, modem responseDelayMs 0), so nothing is excluded',
        phasesOfLastRunMs: phases,
      });
    }
  }

  let rssIdle = 0;
  if (section('idle')) {
    // Idle: settle, then RSS and CPU over IDLE_S seconds; idle RSS is taken at the end, once V8 has given the
    // start-up garbage back (5 s after ready it still holds most of it).
    await pause(5000);
    const idlePid = pid(rig);
    const rssAt5s = rssKb(idlePid);
    const idle0 = cpuMs(idlePid);
    const switches0 = voluntarySwitches(idlePid);
    const idleT0 = Date.now();
    await pause(IDLE_S * 1000);
    const idleS = (Date.now() - idleT0) / 1000;
    const idleCpuPct = ((cpuMs(idlePid) - idle0) / (idleS * 1000)) * 100;
    const switches1 = voluntarySwitches(idlePid);
    rssIdle = rssKb(idlePid);
    figure('rss-idle', rssIdle / 1024, 'MB', 50, {
      note: `VmRSS of the daemon process ${IDLE_S + 5} s after ready (the simulated world runs in its own process)`,
      build: BUILD,
      node: DAEMON_NODE,
      launcherOptions: process.env['BCASTD_NODE_OPTIONS'] ?? 'default (bin/bcastd)',
      rssAt5sAfterReadyMB: r1(rssAt5s / 1024),
      ...smapsSplit(idlePid),
      simWorldRssMB: r1(worldRssKb(rig) / 1024),
    });
    figure('cpu-idle', idleCpuPct, '% of one core', 1, { windowS: IDLE_S, healthIntervalMs: 10_000, tickMs: 10 });
    const perThread = Object.fromEntries(
      Object.entries(switches1.byThread)
        .map(([name, n]) => [name, r1((n - (switches0.byThread[name] ?? 0)) / idleS)] as const)
        .filter(([, rate]) => rate > 0),
    );
    figure('wakeups-idle', (switches1.total - switches0.total) / idleS, 'wake-ups/s', 2, {
      windowS: IDLE_S,
      note: 'voluntary context switches of all daemon threads over the idle window (each is a wake-up followed by sleep)',
      perThread,
    });
  }

  // Load: purchases by SMS then UDP, then solicited pulls; RSS watched throughout.
  let rssMax = 0;
  const rssTimer = setInterval(() => {
    try {
      rssMax = Math.max(rssMax, rssKb(pid(rig)));
    } catch {
      // between restarts
    }
  }, 250);
  if (section('purchase')) {
    for (const via of ['sms', 'udp'] as const) {
      for (let i = 0; i < 5; i++) await purchase(rig, via); // warm-up
      const runs: PurchaseRun[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await purchase(rig, via));
      const e2e = runs.map((r) => r.keyAt - r.t0);
      const h = hops(runs, await rig.simEvents(), via);
      figure(`purchase-to-key-p50-${via}`, percentile(e2e, 50), 'ms', 50, { runs: RUNS, gate: GATE });
      figure(`purchase-to-key-p99-${via}`, percentile(e2e, 99), 'ms', 50, { runs: RUNS, gate: GATE, max: Math.max(...e2e) });
      figure(`purchase-hops-p50-${via}`, percentile(e2e, 50), 'ms', null, { hopsP50Ms: h, note: 'each re-registration (urn:allServices) pushes two LTKMs: news first, then the new sport MSK' });
    }
  }

  if (section('cpu')) {
    // CPU per trigger: pulls for a key group not bought (MSK request answered 403, no LTKM) and for news (one LTKM each).
    const noLtkm = await pulls(rig, KEY_GROUP.movies, TRIGGERS, (p) => p['type'] === 'msk-requested');
    const withLtkm = await pulls(rig, KEY_GROUP.news, TRIGGERS, (p) => p['type'] === 'key-stored');
    const perTrigger = noLtkm.cpu.daemon / TRIGGERS;
    figure('cpu-per-trigger', perTrigger, 'ms CPU', 1, {
      triggers: TRIGGERS,
      udpPaceMsPerDatagram: UDP_MS_PER_DATAGRAM,
      mskRequests: noLtkm.mskRequests,
      what: 'UDP solicited pull (key group 0x0303, not bought) → MIKEY verify on the card → MSK request → 403; the daemon process only',
    userMsPerTrigger: r1(noLtkm.daemonSplit.user / TRIGGERS),
    kernelMsPerTrigger: r1(noLtkm.daemonSplit.sys / TRIGGERS),
      pcscdMsPerTrigger: r1(noLtkm.cpu.pcscd / TRIGGERS),
      simWorldMsPerTrigger: r1(noLtkm.cpu.world / TRIGGERS),
      wallMsPerTrigger: r1(noLtkm.wallMs / TRIGGERS),
    });
    figure('cpu-per-trigger-with-ltkm', withLtkm.cpu.daemon / TRIGGERS, 'ms CPU', 1, {
      triggers: TRIGGERS,
      userMsPerTrigger: r1(withLtkm.daemonSplit.user / TRIGGERS),
      kernelMsPerTrigger: r1(withLtkm.daemonSplit.sys / TRIGGERS),
      ltkms: withLtkm.ltkms,
      pcscdMsPerTrigger: r1(withLtkm.cpu.pcscd / TRIGGERS),
      simWorldMsPerTrigger: r1(withLtkm.cpu.world / TRIGGERS),
      wallMsPerTrigger: r1(withLtkm.wallMs / TRIGGERS),
    });
    figure('cpu-per-ltkm', (withLtkm.cpu.daemon - noLtkm.cpu.daemon) / Math.max(withLtkm.ltkms, 1), 'ms CPU', 1, {
      ltkms: withLtkm.ltkms,
      what: '(CPU of pulls answered by an LTKM push − CPU of pulls answered 403) / LTKMs pushed',
    });
  }

  clearInterval(rssTimer);

  if (section('writes')) {
    // State writes under sustained load: WRITES_S seconds of back-to-back MSK rotations + pulls (each stores a key:
    // a state update) and purchases (each re-registers: another), counted as renames onto state.json.
    const sustained = watchStateWrites(rig.stateDir);
    const sustainedT0 = Date.now();
    let updates = 0;
    for (let i = 0; Date.now() - sustainedT0 < WRITES_S * 1000; i++) {
      if (i % 4 === 3) {
        await purchase(rig, 'udp');
      } else {
        await paceUdp(2);
        const mark = rig.mark();
        const { keyNumber } = (await rig.simControl('/rotate', { serviceId: SPORT })).json as { keyNumber: number };
        await rig.simControl('/pull', { terminal: TERMINAL, keyGroup: KEY_GROUP.sport, via: 'udp' });
        await rig.waitFor('events', (p) => p['type'] === 'key-stored' && p['mskId'] === mskIdOf(KEY_GROUP.sport, keyNumber), 10_000, { since: mark });
      }
      updates++;
    }
    const sustainedMin = (Date.now() - sustainedT0) / 60_000;
    figure('state-writes-per-minute', sustained.count() / sustainedMin, 'writes/min', 60, { writes: sustained.count(), stateUpdates: updates, loadMinutes: r1(sustainedMin) });
    sustained.close();

  }

  figure('rss-under-load', Math.max(rssMax, rssKb(pid(rig))) / 1024, 'MB', null, { what: 'max VmRSS sampled every 250 ms during the purchase and pull load', rssIdleMB: r1(rssIdle / 1024) });

  if (section('profile')) {
    // Where the time goes: restart under --cpu-prof, run pulls with LTKMs, stop, split the load window by area.
    // node refuses --cpu-prof in NODE_OPTIONS and the harness spawns bcastd itself: preload a profiler instead.
    const profiledPid = await restartWithPreload('./lib/cpu-prof-preload.js', { BENCH_CPU_PROF_DIR: profDir });
    await pause(1000);
    const profT0 = Date.now();
    await pulls(rig, KEY_GROUP.news, 100, (p) => p['type'] === 'key-stored');
    await rig.signal('SIGTERM');
    const windowMs = Date.now() - profT0;
    // The world's process inherits the preload too; the daemon's profile is the one named with its PID.
    const prof = readdirSync(profDir).find((f) => f === `bcastd-${profiledPid}.cpuprofile`);
    if (prof) {
      const { busyMs, areas } = cpuByArea(join(profDir, prof), windowMs);
      figure('cpu-profile-pull-load', busyMs / 100, 'ms CPU per pull', null, {
        pulls: 100,
        byAreaMsPerPull: Object.fromEntries(areas.slice(0, 12).map((a) => [a.area, r1(a.ms / 100)])),
        shares: Object.fromEntries(areas.slice(0, 12).map((a) => [a.area, Math.round(a.share * 1000) / 10])),
        topFunctionsMsPerPull: Object.fromEntries(cpuByFunction(join(profDir, prof), windowMs, 20).map((f) => [f.fn, Math.round(f.ms * 100) / 10000])),
      });
      const keep = process.env['BENCH_DAEMON_PROFILE_OUT'];
      if (keep) copyFileSync(join(profDir, prof), keep);
    }
  }

  if (section('floor')) await rssFloor(rssIdle);

  if (section('slow')) await slowBoard();
} finally {
  await close();
}

/**
 * Restarts the daemon with `preload` (relative to this file) imported first — through NODE_OPTIONS, since the
 * harness spawns bcastd itself — and `env` set for it; NODE_OPTIONS and `env` are as they were once it runs.
 */
async function restartWithPreload(preload: string, env: Record<string, string>): Promise<number> {
  if (rig.pid !== undefined) await rig.signal('SIGTERM');
  const saved = Object.fromEntries(['NODE_OPTIONS', ...Object.keys(env)].map((k) => [k, process.env[k]]));
  process.env['NODE_OPTIONS'] = `${saved['NODE_OPTIONS'] ?? ''} --import ${new URL(preload, import.meta.url).href}`.trim();
  Object.assign(process.env, env);
  try {
    await rig.startDaemon();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return pid(rig);
}

/**
 * The RSS floor: the daemon restarted with a preload that reports its node executable, options and the built-ins
 * it loaded once idle (IDLE_S + 5 s after ready, as rss-idle); then a bare node like it, alone and loading those
 * built-ins, measured after the same full GCs. A target below the second figure cannot be met by bcastd's code.
 */
async function rssFloor(rssIdleKb: number): Promise<void> {
  const daemonPid = await restartWithPreload('./lib/builtins-preload.js', { BENCH_BUILTINS_DIR: profDir });
  await pause((IDLE_S + 5) * 1000);
  const rt = await daemonRuntime(daemonPid, profDir);
  const daemonRss = rssIdleKb > 0 ? rssIdleKb : rssKb(daemonPid);
  await rig.signal('SIGTERM');
  const publicBuiltins = rt.builtins.filter((b) => !b.startsWith('internal/'));
  const settleMs = 5000;
  const bare = await floorRssKb(rt, [], settleMs, smapsSplit);
  const withBuiltins = await floorRssKb(rt, publicBuiltins, settleMs, smapsSplit);
  const context = { node: DAEMON_NODE, options: rt.execArgv.join(' '), settleS: settleMs / 1000, note: 'a bare node of the daemon\'s executable and options (OpenSSL started when crypto is among the built-ins, as bcastd\'s first hash does), full GCs run, asleep on one timer' };
  figure('rss-floor-node', bare.rssKb / 1024, 'MB', null, { ...context, ...bare.sample });
  figure('rss-floor-node-with-builtins', withBuiltins.rssKb / 1024, 'MB', null, {
    ...context,
    ...withBuiltins.sample,
    builtinsLoadedByDaemon: rt.builtins.length,
    publicBuiltinsRequired: publicBuiltins,
    daemonRssIdleMB: r1(daemonRss / 1024),
    bcastdShareMB: r1((daemonRss - withBuiltins.rssKb) / 1024),
    rssIdleTargetMB: 50,
    rssIdleTargetReachable: withBuiltins.rssKb / 1024 < 50,
  });
}

/**
 * The slow-board profile: the same daemon under a CPU quota of 1/SLOWDOWN of one core (bench/lib/cpu-quota.ts),
 * the simulated world and pcscd left at full speed. Start → ready, purchase → key and CPU per trigger again.
 */
async function slowBoard(): Promise<void> {
  const quota = cpuQuota({ name: 'bcastd-slow-board', slowdown: SLOWDOWN, shimDir: profDir });
  if (!quota) {
    figure('slow-board', 0, 'not measured', null, { why: 'the cgroup v1 cpu controller (/sys/fs/cgroup/cpu) is not there or not writable' });
    return;
  }
  const restart = async (): Promise<number> => {
    if (rig.pid !== undefined) await rig.signal('SIGTERM');
    await rig.reapOrphans();
    // Cold, like start-to-ready-cold: the simulated world restarts with the daemon and numbers its MSKs from 1 again,
    // so keys the daemon kept from the previous world (higher key numbers) would outrank every new one.
    for (const f of readdirSync(rig.stateDir)) rmSync(join(rig.stateDir, f), { recursive: true, force: true });
    Object.assign(process.env, quota.env);
    const t0 = Date.now();
    await rig.startDaemon();
    quota.release(pid(rig));
    await rig.waitFor('status', (p) => p['state'] === 'ready', 30_000, { since: t0 });
    return Date.now() - t0;
  };
  const profile = { slowdown: SLOWDOWN, how: quota.description };
  try {
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) starts.push(await restart());
    figure('slow-board-start-to-ready', percentile(starts, 50), 'ms', null, { runs: starts, ...profile });
    for (const via of ['sms', 'udp'] as const) {
      for (let i = 0; i < 3; i++) await purchase(rig, via);
      const runs: PurchaseRun[] = [];
      for (let i = 0; i < SLOW_RUNS; i++) runs.push(await purchase(rig, via));
      const e2e = runs.map((r) => r.keyAt - r.t0);
      figure(`slow-board-purchase-to-key-p50-${via}`, percentile(e2e, 50), 'ms', null, { runs: SLOW_RUNS, ...profile });
      figure(`slow-board-purchase-to-key-p99-${via}`, percentile(e2e, 99), 'ms', null, { runs: SLOW_RUNS, max: Math.max(...e2e), ...profile });
    }
    const slow = await pulls(rig, KEY_GROUP.movies, SLOW_TRIGGERS, (p) => p['type'] === 'msk-requested');
    figure('slow-board-cpu-per-trigger', slow.cpu.daemon / SLOW_TRIGGERS, 'ms CPU', null, {
      triggers: SLOW_TRIGGERS,
      wallMsPerTrigger: r1(slow.wallMs / SLOW_TRIGGERS),
      note: 'CPU time is the same work as on the full-speed run; the quota shows in wall time',
      ...profile,
    });
  } finally {
    for (const k of Object.keys(quota.env)) delete process.env[k];
    if (rig.pid !== undefined) await rig.signal('SIGTERM');
    quota.close();
  }
}
