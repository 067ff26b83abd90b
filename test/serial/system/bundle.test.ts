// Issue 7 through the real executables: `bcastctl log-level modem trace --for …` turns on raw AT traffic in the
// running daemon's log (and only for the modem), `bcastctl log-level` shows it, and `bcastctl bundle` writes an
// archive with the masked log (the AT lines included), the redacted config, the retained topics, counters and
// versions — holding none of the test subscriber's secrets or whole identities.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { extract } from 'tar';
import { bcastctlBin } from '../../helpers/repo.js';
import { SUBSCRIBER, SystemRig, TERMINAL } from './harness.js';

const run = promisify(execFile);

test('log-level at runtime and a support bundle from the running daemon, with no secret inside', { timeout: 60_000 }, async (t) => {
  const rig = await SystemRig.start(t);
  await rig.waitFor('registration', (p) => p['state'] === 'registered', 20_000);
  const ctl = async (...args: string[]) => (await run(process.execPath, [bcastctlBin, ...args, '--board', rig.boardFile], { timeout: 30_000 })).stdout;

  // Before: no trace-level modem line (the board config logs at info).
  const traceLines = () => rig.logLines().filter((l) => l['component'] === 'modem' && SystemRig.levelOf(l) === 10);
  assert.equal(traceLines().length, 0);
  const set = await ctl('log-level', 'modem', 'trace', '--for', '120');
  assert.match(set, /modem/);
  assert.match(set, /trace/);
  assert.match(await ctl('log-level'), /modem\s+trace/);
  // Traffic the modem sees: a solicited pull by SMS (its +CMT and AT+CNMA), then the watchdog's polls.
  assert.equal((await rig.simControl('/pull', { terminal: TERMINAL, keyGroup: 0, via: 'sms' })).status, 200);
  await rig.waitFor('events', (p) => p['type'] === 'solicited-pull', 10_000);
  for (let i = 0; i < 50 && traceLines().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(traceLines().length > 0, 'modem trace lines appear after log-level modem trace');
  assert.equal(rig.logLines().filter((l) => l['component'] === 'card' && SystemRig.levelOf(l) < 30).length, 0, 'other components stay at their level');

  const dir = join(rig.stateDir, '..', 'bundle');
  mkdirSync(dir);
  const file = join(dir, 'b.tar.gz');
  const out = await ctl('bundle', '-o', file);
  assert.match(out, /b\.tar\.gz/);
  await extract({ file, cwd: dir });
  const [folder] = readdirSync(dir).filter((f) => f !== 'b.tar.gz');
  const files = readdirSync(join(dir, folder!)).sort();
  for (const f of ['README.txt', 'config.redacted.json', 'counters.json', 'diagnostics.json', 'logs.txt', 'topics.json', 'versions.json']) assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
  const logs = readFileSync(join(dir, folder!, 'logs.txt'), 'utf8');
  assert.match(logs, /"component":"modem"/);
  assert.match(logs, /"level":"trace"/, 'the trace lines are in the bundle');
  const topics = JSON.parse(readFileSync(join(dir, folder!, 'topics.json'), 'utf8')) as unknown;
  assert.match(JSON.stringify(topics), /registration/);
  const versions = readFileSync(join(dir, folder!, 'versions.json'), 'utf8');
  assert.match(versions, /"node"/);

  // Secrets audit of the whole archive.
  const everything = files.map((f) => readFileSync(join(dir, folder!, f), 'utf8')).join('\n').toLowerCase();
  for (const [what, secret] of Object.entries({ k: SUBSCRIBER.k, opc: SUBSCRIBER.opc, imsi: SUBSCRIBER.imsi })) {
    assert.ok(!everything.includes(secret.toLowerCase()), `the subscriber's ${what} is not in the bundle`);
  }
});
