// bcastctl bundle and bcastctl log-level against a real mosquitto and an in-test daemon made of the real parts:
// MqttPublisher + CommandRouter + HealthReporter, the diagnostics handlers, a daemon logger feeding its LogRing.
// The commands run in-process through a commander program built with registerBundle/registerLogLevel.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Command, CommanderError } from 'commander';
import { extract } from 'tar';
import { registerBundle, registerLogLevel } from '../../../src/cli/bundle/index.js';
import { UsageError, type CliIo } from '../../../src/cli/io.js';
import { loadBoardConfig } from '../../../src/daemon/config/index.js';
import { createDaemonLogger, LogLevels, registerDiagnosticsCommands } from '../../../src/daemon/diagnostics/index.js';
import { CommandRouter, HealthReporter, MqttPublisher } from '../../../src/mqtt/index.js';
import { freePort, startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';
import { failOnUnhandledRejection, mqttConfig, waitFor } from '../mqtt/helpers.js';

failOnUnhandledRejection();

const IMSI = '001010123456789';
const KEY = '000102030405060708090a0b0c0d0e0f';
const DEVICE = 'bundle-dev';

// The sim board's state dir (runtime file) is redirected here, so a real sim daemon on this machine cannot interfere.
const stateDir = await mkdtemp(join(tmpdir(), 'bcastd-bundle-state-'));
process.env['BCASTD_STATE_DIR'] = stateDir;
const work = await mkdtemp(join(tmpdir(), 'bcastd-bundle-out-'));

let broker: Mosquitto;
let daemon: Awaited<ReturnType<typeof startDaemonLike>>;

async function startDaemonLike(url: string) {
  const config = loadBoardConfig('sim');
  const { logger, ring } = createDaemonLogger({ level: 'info', destination: new PassThrough(), ring: { maxLines: 500 } });
  const levels = new LogLevels(logger, { level: 'info' });
  // As daemon.ts: modem and card bind {component} themselves, mqtt gets it bound.
  const modem = levels.logger('modem', false).child({ component: 'modem' }).child({ part: 'at' });
  const card = levels.logger('card', false).child({ component: 'card' });
  const mqttLog = levels.logger('mqtt');
  const publisher = new MqttPublisher({ config: mqttConfig(url), deviceId: DEVICE, logger: mqttLog, backoff: { minMs: 50, maxMs: 200 } });
  const router = new CommandRouter({ publisher, logger: mqttLog });
  const health = new HealthReporter({ publisher, logger: mqttLog, intervalMs: 60_000, counters: () => ({ terminal: { registrations: 1 } }) });
  registerDiagnosticsCommands(router, {
    ring,
    levels,
    config,
    counters: () => health.snapshot(),
    runtime: () => ({ pid: process.pid, deviceId: DEVICE, mqttUrl: url }),
  });
  router.start();
  await publisher.start();
  await publisher.waitConnected(5000);
  publisher.setStatus('online');
  publisher.publishState('info', { board: 'sim', deviceId: DEVICE, version: '0.1.0', node: process.version });
  publisher.publishState('card', { state: 'ready', imsi: IMSI });
  health.start();
  return { ring, levels, modem, card, publisher, health, close: async () => (health.stop(), levels.stop(), await publisher.close({ finalStatus: 'offline' })) };
}

before(async () => {
  broker = await startMosquitto();
  daemon = await startDaemonLike(broker.url);
});

after(async () => {
  await daemon?.close();
  await broker?.close();
  await rm(stateDir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

/** bcastctl with only the two commands under test, run as runBcastctl runs the real one. */
async function bcastctl(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const program = new Command('bcastctl').exitOverride().configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  registerBundle(program, io);
  registerLogLevel(program, io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return { code: 0, out, err };
  } catch (e) {
    if (e instanceof CommanderError) return { code: e.exitCode === 0 ? 0 : 2, out, err };
    err.push(`bcastctl: ${e instanceof Error ? e.message : String(e)}`);
    return { code: e instanceof UsageError ? 2 : 1, out, err };
  }
}

const at = () => ['--broker', broker.url, '--device', DEVICE];

async function unpack(file: string): Promise<Map<string, string>> {
  const dir = await mkdtemp(join(work, 'x-'));
  await extract({ file, cwd: dir });
  const [top, ...more] = await readdir(dir);
  assert.equal(more.length, 0, 'one folder at the top of the archive');
  assert.match(top!, /^bcastd-bundle-[A-Za-z0-9_-]+-\d{8}T\d{6}Z$/);
  const files = new Map<string, string>();
  for (const name of await readdir(join(dir, top!))) files.set(name, await readFile(join(dir, top!, name), 'utf8'));
  return files;
}

test('log-level: shows the levels, sets modem to trace (its AT child follows), the other components stay', async () => {
  daemon.modem.trace('AT > AT+CSQ (before)');
  const shown = await bcastctl('log-level', ...at());
  assert.equal(shown.code, 0, shown.err.join('\n'));
  assert.deepEqual(shown.out, ['card      info', 'modem     info', 'mqtt      info']);

  const set = await bcastctl('log-level', 'modem', 'trace', '--for', '600', ...at());
  assert.equal(set.code, 0, set.err.join('\n'));
  assert.match(set.out[0]!, /^modem: info -> trace until \d\d:\d\d:\d\dZ$/);
  assert.equal(set.out[1], 'not persisted: a restart returns to the board config');

  daemon.modem.trace('AT > AT+CSQ (after)');
  daemon.card.debug('card debug stays hidden');
  await waitFor('the trace line in the ring', () => daemon.ring.lines().some((l) => l.includes('AT > AT+CSQ (after)')));
  const ring = daemon.ring.lines().join('\n');
  assert.ok(!ring.includes('(before)'), 'trace was off before');
  assert.ok(!ring.includes('card debug stays hidden'), 'card stayed at info');
  const traced = daemon.ring.lines().map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'AT > AT+CSQ (after)');
  assert.deepEqual([traced?.['level'], traced?.['component'], traced?.['part']], ['trace', 'modem', 'at']);

  const one = await bcastctl('log-level', 'modem', ...at());
  assert.match(one.out.join('\n'), /^modem {5}trace {3}\(board config: info; back to info at \d\d:\d\d:\d\dZ\)$/);
  const json = await bcastctl('log-level', '--json', ...at());
  const levels = (JSON.parse(json.out[0]!) as { levels: Record<string, { level: string }> }).levels;
  assert.deepEqual(Object.fromEntries(Object.entries(levels).map(([c, l]) => [c, l.level])), { card: 'info', modem: 'trace', mqtt: 'info' });
});

test('log-level: unknown components and levels are usage errors naming what is known', async () => {
  const bad = await bcastctl('log-level', 'modme', 'trace', ...at());
  assert.equal(bad.code, 2);
  assert.match(bad.err.join('\n'), /unknown log component "modme"; known: card, modem, mqtt/);
  const level = await bcastctl('log-level', 'card', 'loud', ...at());
  assert.equal(level.code, 2);
  assert.match(level.err.join('\n'), /invalid log level "loud"/);
  const forOnly = await bcastctl('log-level', 'card', '--for', '5', ...at());
  assert.equal(forOnly.code, 2);
});

test('bundle: one tar.gz with every file, the logged lines masked, no IMSI or key anywhere', async () => {
  daemon.card.info(`USIM ${IMSI} ready`);
  daemon.card.warn({ material: KEY, pin: '1234' }, `unexpected key ${KEY} in a log line`);
  await waitFor('the lines in the ring', () => daemon.ring.lines().some((l) => l.includes('unexpected key')));
  const file = join(work, 'ok.tar.gz');
  const r = await bcastctl('bundle', '-o', file, ...at());
  assert.equal(r.code, 0, r.err.join('\n'));
  assert.match(r.out[0]!, new RegExp(`^bundle ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+(\\.\\d)? (B|KiB)\\)$`));
  assert.equal(r.out.length, 1 + 7, 'the path line and the 7 files');
  assert.equal((await stat(file)).mode & 0o777, 0o600);

  const files = await unpack(file);
  assert.deepEqual([...files.keys()].sort(), ['README.txt', 'config.redacted.json', 'counters.json', 'diagnostics.json', 'logs.txt', 'topics.json', 'versions.json']);
  for (const [name, text] of files) {
    for (const secret of [IMSI, KEY, '"1234"']) assert.ok(!text.includes(secret), `${secret} found in ${name}`);
  }

  const logs = files.get('logs.txt')!.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const msgs = logs.map((l) => l['msg']);
  assert.ok(msgs.includes('USIM 0010…6789 ready'), JSON.stringify(msgs));
  assert.ok(msgs.includes('unexpected key 0001…[32 hex] in a log line'));
  assert.ok(msgs.includes('AT > AT+CSQ (after)'), 'the modem trace line of the first test');
  const keyLine = logs.find((l) => l['msg'] === 'unexpected key 0001…[32 hex] in a log line')!;
  assert.equal(keyLine['material'], '0001…[32 hex]');
  assert.equal(keyLine['pin'], '[redacted]');

  const readme = files.get('README.txt')!;
  assert.match(readme, /^bcastd support bundle/);
  assert.match(readme, new RegExp(`Device: +${DEVICE} \\(board sim\\)`));
  assert.match(readme, /Daemon: +answered the diagnostics command/);

  const diagnostics = JSON.parse(files.get('diagnostics.json')!) as Record<string, any>;
  assert.equal(diagnostics['version']['node'], process.version);
  assert.equal(diagnostics['logs']['lines'], 'see logs.txt');
  assert.equal(diagnostics['logLevels']['modem']['level'], 'trace');
  assert.equal(diagnostics['logLevels']['card']['level'], 'info');
  assert.equal(diagnostics['configJson'], undefined);

  const config = JSON.parse(files.get('config.redacted.json')!) as { source: string; value: Record<string, any> };
  assert.match(config.source, /running daemon/);
  assert.equal(config.value['board']['name'], 'sim');
  assert.equal(config.value['stateDir'], stateDir);

  const topics = JSON.parse(files.get('topics.json')!) as { device: string; topics: Record<string, any> };
  assert.equal(topics.device, DEVICE);
  for (const t of ['status', 'info', 'card', 'health']) assert.ok(t in topics.topics, `topic ${t}`);
  assert.equal(topics.topics['status']['state'], 'online');

  const counters = JSON.parse(files.get('counters.json')!) as { source: string; value: Record<string, any> };
  assert.match(counters.source, /diagnostics/);
  assert.deepEqual(counters.value['counters']['terminal'], { registrations: 1 });
  assert.equal(typeof counters.value['counters']['mqtt']['published'], 'number');

  // The answer went out through the MQTT sanitizer without it having to drop anything.
  assert.ok(!daemon.ring.lines().some((l) => l.includes('secret fields removed before publishing')), 'the sanitizer removed fields from the answer');

  const versions = JSON.parse(files.get('versions.json')!) as Record<string, any>;
  assert.equal(typeof versions['bcastctl']['version'], 'string');
  assert.equal(versions['daemon']['node'], process.version);
  assert.equal(typeof versions['daemon']['addon']['built'], 'boolean');
});

test('bundle with a daemon that does not answer: still written with what could be read, exit 1', async () => {
  // A stopped daemon on this machine: its runtime file is still there (with a credential in the broker URL).
  const port = await freePort();
  await writeFile(join(stateDir, 'runtime.json'), JSON.stringify({ pid: 1, deviceId: 'sim', board: 'sim', mqttUrl: `mqtt://tester:pw-in-url@127.0.0.1:${port}`, topicPrefix: 'bcastd/v1', startedAt: '2025-03-01T10:00:00.000Z' }));
  try {
    const file = join(work, 'stopped.tar.gz');
    const r = await bcastctl('bundle', '-o', file, '--timeout', '1');
    assert.equal(r.code, 1);
    assert.match(r.err.join('\n'), /the daemon did not answer: .*broker not reached/);
    assert.match(r.out[0]!, /^bundle .*stopped\.tar\.gz/);
    const files = await unpack(file);
    assert.deepEqual([...files.keys()].sort(), ['README.txt', 'config.redacted.json', 'counters.json', 'diagnostics.json', 'logs.txt', 'runtime.json', 'topics.json', 'versions.json']);
    assert.match(files.get('README.txt')!, /DID NOT ANSWER/);
    assert.match(files.get('README.txt')!, /What could not be collected\n-+\n {2}- broker not reached/);
    assert.match(files.get('logs.txt')!, /^# no log lines: the daemon did not answer/);
    const config = JSON.parse(files.get('config.redacted.json')!) as { source: string; value: Record<string, any> };
    assert.match(config.source, /board config "sim" read by bcastctl/);
    assert.equal(config.value['board']['name'], 'sim');
    const runtime = JSON.parse(files.get('runtime.json')!) as Record<string, unknown>;
    assert.equal(runtime['mqttUrl'], `mqtt://***@127.0.0.1:${port}`);
    for (const [name, text] of files) assert.ok(!text.includes('pw-in-url'), `the URL password is in ${name}`);
  } finally {
    await rm(join(stateDir, 'runtime.json'), { force: true });
  }
});

test('bundle with a broker but no daemon for the device: retained state is still collected, exit 1', async () => {
  const file = join(work, 'silent.tar.gz');
  const r = await bcastctl('bundle', '-o', file, '--timeout', '1', '--broker', broker.url, '--device', 'nobody-here');
  assert.equal(r.code, 1);
  assert.match(r.err.join('\n'), /no answer to diagnostics within 1000 ms/);
  const files = await unpack(file);
  assert.match(files.get('README.txt')!, /no retained topics under bcastd\/v1\/nobody-here\//);
  assert.deepEqual(JSON.parse(files.get('diagnostics.json')!)['answered'], false);
});

test('bundle refuses a wildcard device and bad numbers as usage errors', async () => {
  assert.equal((await bcastctl('bundle', '--broker', broker.url, '--device', '+', '-o', join(work, 'x.tar.gz'))).code, 2);
  assert.equal((await bcastctl('bundle', '--log-lines', 'many', ...at())).code, 2);
});
