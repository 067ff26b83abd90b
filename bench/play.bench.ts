/**
 * The headline figure (issue 17): out-of-band purchase → first decrypted frame in the reference player, end to
 * end on the sim board (real daemon, PC/SC, mosquitto; the simulated SRTP broadcast; examples/player/player.py).
 * Each run: the sport MSK is rotated and the broadcast restarted under it (so the terminal cannot decrypt and
 * the player's frames stop), then the portal sells sport and the clock runs until the player's `first-frame`.
 * p50/p99 over RUNS purchases by SMS and by UDP, with the split: purchase → MSK ready on `traffic/…` (daemon),
 * ready → STKM asked (waiting for the broadcast's STKM carousel: simulated, every STKM_INTERVAL_MS), asked →
 * TEK (player exchange + card), TEK → first frame (srtpdec + decoder, next key frame). JSON lines with
 * `target`/`met` (p99 ≤ 10 s). Env: BENCH_PLAY_RUNS (default 20).
 */
import { emit, environment } from './lib/report.js';
import { OPEN_GATE, startBenchRig } from './lib/daemon-rig.js';
import { percentile } from './lib/proc.js';
import { ReferencePlayer } from '../test/helpers/reference-player.js';
import { KEY_GROUP, TERMINAL, pause, type SystemRig } from '../test/serial/system/harness.js';

const BENCH = 'play';
const RUNS = Number(process.env['BENCH_PLAY_RUNS'] ?? 20);
const SPORT = 'urn:bcastd:sim:sport';
const ROTATE_SEC = 10;
const STKM_INTERVAL_MS = 500;
const TARGET_MS = 10_000;

interface Run {
  total: number;
  toTraffic: number;
  toAsk: number;
  toTek: number;
  toFrame: number;
}

async function broadcastOn(rig: SystemRig): Promise<{ rtpPort: number; stkmPort: number }> {
  await rig.simControl('/broadcast', { serviceId: SPORT, on: false });
  const r = await rig.simControl('/broadcast', { serviceId: SPORT, on: true, rotateSec: ROTATE_SEC, stkmIntervalMs: STKM_INTERVAL_MS });
  if (r.status !== 200) throw new Error(`broadcast: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

/** Until the player has decoded nothing for 1.5 s (the terminal lost the key). */
async function silent(player: ReferencePlayer): Promise<void> {
  const deadline = Date.now() + 20_000;
  let n = -1;
  let since = Date.now();
  while (Date.now() < deadline) {
    const now = player.last?.decrypted ?? 0;
    if (now !== n) [n, since] = [now, Date.now()];
    else if (Date.now() - since >= 1500) return;
    await pause(100);
  }
  throw new Error('the player kept decoding after the MSK rotation');
}

async function once(rig: SystemRig, player: ReferencePlayer, via: 'sms' | 'udp'): Promise<Run> {
  const rotated = await rig.simControl('/rotate', { serviceId: SPORT });
  const mskId = ((KEY_GROUP.sport << 16) + (rotated.json.keyNumber as number)).toString(16).padStart(8, '0');
  await broadcastOn(rig);
  await silent(player);
  const mark = rig.mark();
  const from = player.lines.length;
  const t0 = Date.now();
  const bought = await rig.portal({ serviceId: SPORT, terminal: TERMINAL, via });
  if (bought.status !== 200) throw new Error(`purchase answered ${bought.status}: ${JSON.stringify(bought.json)}`);
  const frame = await player.waitFor((l) => l.event === 'first-frame', 20_000, from);
  const traffic = await rig.waitFor(new RegExp(`^traffic/[0-9a-f]+/${mskId}$`), (p) => p['ready'] === true, 1000, { since: mark });
  const ask = player.lines.slice(from).find((l) => l.event === 'stkm' && String(l['mki']).startsWith(mskId));
  const tek = player.lines.slice(from).find((l) => l.event === 'tek' && String(l['mki']).startsWith(mskId));
  if (!ask || !tek) throw new Error('no stkm/tek event before the first frame');
  const ms = (l: { ts: number }) => l.ts * 1000;
  return { total: ms(frame) - t0, toTraffic: traffic.at - t0, toAsk: ms(ask) - traffic.at, toTek: ms(tek) - ms(ask), toFrame: ms(frame) - ms(tek) };
}

async function main(): Promise<void> {
  emit(environment(BENCH));
  const { rig, close } = await startBenchRig({ overrides: OPEN_GATE });
  let player: ReferencePlayer | undefined;
  try {
    const on = await broadcastOn(rig);
    player = new ReferencePlayer({ brokerUrl: rig.brokerUrl, login: rig.login('player'), prefix: rig.runtime.topicPrefix, device: rig.runtime.deviceId, service: SPORT, rtpPort: on.rtpPort, stkmPort: on.stkmPort });
    for (const via of ['sms', 'udp'] as const) {
      await once(rig, player, via); // warm-up
      const runs: Run[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await once(rig, player, via));
      const total = runs.map((r) => r.total);
      const p50 = (k: keyof Run) => Math.round(percentile(runs.map((r) => r[k]), 50));
      const split = {
        'purchase → MSK ready on traffic/… (pull, re-registration, LTKM, card)': p50('toTraffic'),
        'ready → STKM asked (waiting for the broadcast STKM carousel: simulated)': p50('toAsk'),
        'STKM asked → TEK (player exchange, card MTK generation)': p50('toTek'),
        'TEK → first frame (srtpdec, JPEG decode)': p50('toFrame'),
      };
      const note = `simulated network delay: the STKM carousel (one STKM every ${STKM_INTERVAL_MS} ms per key) and the loopback SMSC/BSM (no added delay); the rest is bcastd, the card over PC/SC and the player`;
      emit({ bench: BENCH, metric: `purchase-to-first-frame-p50-${via}`, value: percentile(total, 50), unit: 'ms', target: TARGET_MS, met: percentile(total, 50) <= TARGET_MS, runs: RUNS, splitP50Ms: split, note });
      emit({ bench: BENCH, metric: `purchase-to-first-frame-p99-${via}`, value: percentile(total, 99), unit: 'ms', target: TARGET_MS, met: percentile(total, 99) <= TARGET_MS, runs: RUNS, max: Math.max(...total) });
    }
  } finally {
    await player?.close();
    await rig.simControl('/broadcast', { serviceId: SPORT, on: false }).catch(() => {});
    await close();
  }
}

await main();
