// Issue 17: the service plays. The real daemon on the sim board (PC/SC: pcscd + vpcd) and the simulated broadcast
// (GStreamer srtpenc, libsrtp2) on one side, the reference player (examples/player/player.py: srtpdec fed with
// TEKs from the player exchange) on the other. Before the purchase news plays and sport decrypts nothing; the
// purchase by SMS makes sport decrypt within 10 s and across MTK rotations; the picture is the test pattern.
// A corrupted TEK from the card shows as SRTP authentication failures; a refused STKM as a refusal, logged.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { decodePng, diffFrames, renderPattern } from '../../helpers/frame-compare.js';
import { ReferencePlayer } from '../../helpers/reference-player.js';
import { bcastctlBin } from '../../helpers/repo.js';
import { KEY_DOMAIN, KEY_GROUP, SystemRig, pause } from './harness.js';

const run = promisify(execFile);
const NEWS = 'urn:bcastd:sim:news';
const SPORT = 'urn:bcastd:sim:sport';
const ROTATE_SEC = 3;
/** Masked: the parts of the picture that change: the clock overlay (top left), smpte's noise block (bottom right). */
const MOVING = [
  { x: 0, y: 0, w: 100, h: 40 },
  { x: 120, y: 90, w: 40, h: 30 },
];

test('reference player: news plays, sport only after the purchase by SMS, across MTK rotations; faults show as failures', { timeout: 150_000 }, async (t) => {
  const rig = await SystemRig.start(t);
  await rig.waitFor(`keys/${KEY_DOMAIN}/${KEY_GROUP.news}`, (p) => Number(p['count']) >= 1, 20_000);
  await rig.waitForSimEvent((e) => e.type === 'verification' && e['ok'] === true, 10_000);

  const on: Record<string, { rtpPort: number; stkmPort: number }> = {};
  for (const serviceId of [NEWS, SPORT]) {
    const r = await rig.simControl('/broadcast', { serviceId, on: true, rotateSec: ROTATE_SEC });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    on[serviceId] = r.json;
  }
  const players: Record<string, ReferencePlayer> = {};
  t.after(async () => {
    for (const p of Object.values(players)) await p.close();
  });
  for (const serviceId of [NEWS, SPORT]) {
    players[serviceId] = new ReferencePlayer({
      brokerUrl: rig.brokerUrl, login: rig.login('player'),
      prefix: rig.runtime.topicPrefix,
      device: rig.runtime.deviceId,
      service: serviceId,
      rtpPort: on[serviceId]!.rtpPort,
      stkmPort: on[serviceId]!.stkmPort,
      snapshot: join(rig.dir, `${serviceId.split(':').at(-1)}.png`),
    });
  }
  const news = players[NEWS]!;
  const sport = players[SPORT]!;

  // Before the purchase: news decrypts, sport sees its packets and has no key for them.
  await news.waitFor((l) => (l.decrypted ?? 0) >= 20, 30_000);
  await sport.waitFor((l) => (l.droppedNoKey ?? 0) >= 20, 10_000);
  assert.equal(sport.last!.decrypted, 0, 'no sport frame decrypts before the purchase');
  assert.equal(sport.events('tek').length, 0, 'bcastd handed out no sport TEK');

  // The purchase, mid-stream, with the field tool.
  const since = sport.lines.length;
  const boughtAt = Date.now();
  const { stdout } = await run(process.execPath, [bcastctlBin, 'sim', 'purchase', SPORT, '--via', 'sms', '--board', rig.boardFile], { timeout: 20_000 });
  assert.match(stdout, /"via":"sms"/);
  const first = await sport.waitFor((l) => l.event === 'first-frame', 10_000, since);
  const firstFrameMs = first.ts * 1000 - boughtAt;
  assert.ok(firstFrameMs <= 10_000, `first sport frame ${firstFrameMs} ms after the purchase`);

  // bcastctl trace shows the player's steps: the daemon's STKM in / TEK out, and the player's own log merged.
  const playerLog = join(rig.dir, 'sport-player.jsonl');
  writeFileSync(playerLog, sport.lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const traced = await run(process.execPath, [bcastctlBin, 'trace', '--board', rig.boardFile, '--since', new Date(boughtAt).toISOString(), '--player', playerLog, '--json'], { timeout: 30_000 });
  const steps = (JSON.parse(traced.stdout) as { steps: Array<{ kind: string; atMs: number; from?: string; to?: string; on?: string; label?: string; text?: string }> }).steps;
  const seen = steps.map((x) => (x.kind === 'arrow' ? `${x.from}→${x.to} ${x.label}` : `${x.on}: ${x.text}`));
  // Each step after the one before it (the news player's exchanges interleave in the daemon's events). Two
  // processes' stamps have millisecond resolution: steps within the same millisecond as the one before count
  // as after it, whichever way the trace lists them.
  let at = -1;
  for (const step of [/^player: STKM from the broadcast/, /^player→terminal STKM/, /^terminal→player TEK/, /^player: TEK handed to srtpdec/, /^player: first frame decrypted/]) {
    const next = seen.findIndex((x, i) => i !== at && (i > at || steps[i]!.atMs === steps[at]!.atMs) && step.test(x));
    assert.ok(next >= 0, `${step} after step ${at} in the trace: ${JSON.stringify(seen.map((x, i) => `${steps[i]!.atMs} ${x}`))}`);
    at = next;
  }

  // Keeps decrypting across two MTK rotations: three different key ids carry decrypted frames.
  const afterFirst = sport.lines.length;
  const carried = new Set<string>();
  await sport.waitFor((l) => {
    if (l.event === undefined && l.keyId) carried.add(l.keyId);
    return carried.size >= 3;
  }, (3 * ROTATE_SEC + 6) * 1000, afterFirst);
  const decryptedThen = sport.last!.decrypted!;
  await sport.waitFor((l) => l.event === undefined && (l.decrypted ?? 0) >= decryptedThen + 10, 5000, sport.lines.length);

  // The picture: the snapshot matches the unencrypted test pattern (outside the clock), and not another one.
  const png = join(rig.dir, 'sport.png');
  assert.ok(existsSync(png), 'the player wrote its snapshot');
  const got = await decodePng(rig.dir, png, 160, 120);
  const diff = diffFrames(got, await renderPattern(rig.dir, 'smpte', 160, 120), MOVING, 48);
  assert.ok(diff.mean < 8 && diff.badShare < 0.05, `snapshot vs smpte: ${JSON.stringify(diff)}`);
  const other = diffFrames(got, await renderPattern(rig.dir, 'ball', 160, 120), MOVING, 48);
  assert.ok(other.mean > 30, `the comparison tells patterns apart: vs ball ${JSON.stringify(other)}`);

  // A corrupted TEK from the card: the next key fetched decrypts nothing, SRTP authentication fails.
  const failedBefore = news.last!.authFailed! + sport.last!.authFailed!;
  assert.equal(failedBefore, 0, 'no authentication failure with the right keys');
  assert.equal((await rig.simControl('/card-fault', { fault: 'wrongMtk' })).status, 200);
  const mark = Math.min(news.lines.length, sport.lines.length);
  await Promise.any([
    news.waitFor((l) => (l.authFailed ?? 0) > 0, (2 * ROTATE_SEC + 6) * 1000, mark),
    sport.waitFor((l) => (l.authFailed ?? 0) > 0, (2 * ROTATE_SEC + 6) * 1000, mark),
  ]);

  // A refused STKM (the card finds its MAC wrong): bcastd answers an error and logs the refusal.
  const refusedBefore = news.last!.tekRefused! + sport.last!.tekRefused!;
  assert.equal((await rig.simControl('/card-fault', { fault: 'wrongMac' })).status, 200);
  await Promise.any([news, sport].map((p) => p.waitFor((l) => (l.tekRefused ?? 0) > 0, (2 * ROTATE_SEC + 6) * 1000, p.lines.length)));
  assert.ok(news.last!.tekRefused! + sport.last!.tekRefused! > refusedBefore || [news, sport].some((p) => p.events('tek-refused').length > 0));
  const refusals = rig.logLines().filter((l) => typeof l['msg'] === 'string' && (l['msg'] as string).startsWith('STKM refused'));
  assert.ok(refusals.length >= 1, 'bcastd logs the refusal');
  assert.ok(refusals.every((l) => SystemRig.levelOf(l) === 40), 'a refusal is a warning, not an error');

  // Nothing crashed, and both services play again once the faults are spent.
  await pause(ROTATE_SEC * 1000);
  for (const p of [news, sport]) {
    const n = p.last!.decrypted!;
    await p.waitFor((l) => l.event === undefined && (l.decrypted ?? 0) >= n + 10, (2 * ROTATE_SEC + 6) * 1000, p.lines.length);
    assert.ok(p.alive, 'the player is still running');
  }
  assert.ok(rig.pid !== undefined, 'bcastd is still running');
  const off = await rig.simControl('/broadcast', { serviceId: SPORT, on: false });
  assert.equal(off.json.wasOn, true);
});
