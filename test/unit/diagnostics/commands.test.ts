// The log-level and diagnostics command handlers, called as the CommandRouter calls them.
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBoardConfig } from '../../../src/daemon/config/index.js';
import { createDaemonLogger } from '../../../src/daemon/diagnostics/daemon-logger.js';
import { LogLevels } from '../../../src/daemon/diagnostics/log-levels.js';
import { diagnosticsHandler, logLevelHandler, registerDiagnosticsCommands, type DiagnosticsAnswer, type DiagnosticsDeps } from '../../../src/daemon/diagnostics/commands.js';
import { redactConfig } from '../../../src/daemon/diagnostics/redact-config.js';
import { addonStatus, versionInfo } from '../../../src/daemon/diagnostics/versions.js';
import type { CommandHandler } from '../../../src/mqtt/commands.js';
import { CommandError } from '../../../src/mqtt/errors.js';

function daemonLike(ringLines = 2000) {
  const { logger, ring } = createDaemonLogger({ level: 'info', destination: new PassThrough(), ring: { maxLines: ringLines } });
  const levels = new LogLevels(logger, { level: 'info' });
  const modem = levels.logger('modem');
  const card = levels.logger('card');
  return { logger, ring, levels, modem, card };
}

const tick = () => new Promise((r) => setImmediate(r));

async function rejectsWith(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof CommandError, String(e));
    assert.equal(e.code, code);
    if (message) assert.match(e.message, message);
    return true;
  });
}

test('log-level: without a level answers every level; with one sets it and says it is not persisted', async () => {
  const d = daemonLike();
  const h = logLevelHandler(d.levels);
  assert.deepEqual(await h('log-level', {}), { levels: { card: { level: 'info', configured: 'info' }, modem: { level: 'info', configured: 'info' } } });
  const set = (await h('log-level', { component: 'modem', level: 'trace', durationS: 300 })) as { changed: Array<Record<string, unknown>>; levels: Record<string, { level: string }>; persisted: boolean };
  assert.equal(set.persisted, false);
  assert.deepEqual(set.changed.map((c) => [c['component'], c['from'], c['to'], typeof c['revertsAt']]), [['modem', 'info', 'trace', 'string']]);
  assert.equal(set.levels['modem']!.level, 'trace');
  assert.equal(set.levels['card']!.level, 'info');
  const all = (await h('log-level', { level: 'warn' })) as { changed: unknown[] };
  assert.equal(all.changed.length, 2, 'no component: all of them');
  d.levels.stop();
});

test('log-level: bad arguments are CommandErrors with the registry codes', async () => {
  const h = logLevelHandler(daemonLike().levels);
  await rejectsWith(h('log-level', { component: 'modme' }), 'unknown_component', /known: card, modem/);
  await rejectsWith(h('log-level', { component: 'modem', level: 'loud' }), 'invalid_level');
  await rejectsWith(h('log-level', { component: 'modem', level: 'debug', durationS: -1 }), 'invalid_duration');
  await rejectsWith(h('log-level', { component: 'modem', durationS: 5 }), 'invalid_argument', /needs a level/);
  await rejectsWith(h('log-level', { component: 7 }), 'invalid_argument');
  await rejectsWith(h('log-level', { level: 3 }), 'invalid_argument');
  await rejectsWith(h('log-level', { level: 'debug', durationS: '5' }), 'invalid_argument');
});

function deps(d: ReturnType<typeof daemonLike>, over: Partial<DiagnosticsDeps> = {}): DiagnosticsDeps {
  return {
    ring: d.ring,
    levels: d.levels,
    config: loadBoardConfig('rpi4-quectel-ec25', { env: {} }),
    counters: () => ({ uptimeS: 12, counters: { mqtt: { published: 3, dropped: 0, reconnects: 0, sanitized: 0 }, terminal: { registrations: 1 } } }),
    runtime: () => ({ pid: 99, deviceId: 'rpi', mqttUrl: 'mqtt://127.0.0.1:1883' }),
    versions: () => versionInfo(() => ({ built: false, error: 'not built in this test' })),
    now: () => Date.parse('2025-03-01T10:00:00Z'),
    ...over,
  };
}

test('diagnostics: versions, uptime, runtime, redacted config, counters, levels and the masked log lines', async () => {
  const d = daemonLike();
  d.modem.info('modem ready');
  d.card.info('USIM 001010123456789 ready, K 000102030405060708090a0b0c0d0e0f');
  await tick();
  const a = (await diagnosticsHandler(deps(d))('diagnostics', {})) as unknown as DiagnosticsAnswer;
  assert.equal(a.generatedAt, '2025-03-01T10:00:00.000Z');
  assert.equal(a.version.node, process.version);
  assert.deepEqual(a.version.addon, { built: false, error: 'not built in this test' });
  assert.equal(typeof a.version.bcastd, 'string');
  assert.ok(a.uptimeS >= 0);
  assert.deepEqual(a.runtime, { pid: 99, deviceId: 'rpi', mqttUrl: 'mqtt://127.0.0.1:1883' });
  assert.deepEqual(JSON.parse(a.configJson), redactConfig(loadBoardConfig('rpi4-quectel-ec25', { env: {} })));
  assert.deepEqual(a.counters, { uptimeS: 12, counters: { mqtt: { published: 3, dropped: 0, reconnects: 0, sanitized: 0 }, terminal: { registrations: 1 } } });
  assert.deepEqual(Object.keys(a.logLevels), ['card', 'modem']);
  const msgs = a.logs.lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
  assert.deepEqual(msgs, ['modem ready', 'USIM 0010…6789 ready, K 0001…[32 hex]']);
  assert.deepEqual([a.logs.returned, a.logs.requested, a.logs.cut], [2, 2, 0]);
  assert.equal(a.logs.ring?.lines, 2);

  const one = (await diagnosticsHandler(deps(d))('diagnostics', { logLines: 1 })) as unknown as DiagnosticsAnswer;
  assert.deepEqual(one.logs.lines.map((l) => (JSON.parse(l) as { msg: string }).msg), ['USIM 0010…6789 ready, K 0001…[32 hex]']);
  await rejectsWith(diagnosticsHandler(deps(d))('diagnostics', { logLines: -1 }), 'invalid_argument');
  await rejectsWith(diagnosticsHandler(deps(d))('diagnostics', { logLines: 'all' }), 'invalid_argument');
});

test('diagnostics: the answer stays under maxAnswerBytes by cutting the oldest lines, and says how many', async () => {
  const d = daemonLike();
  for (let i = 0; i < 1500; i++) d.modem.info({ i, pad: 'x'.repeat(150) }, `line ${i}`);
  await tick();
  const max = 64 * 1024;
  const a = (await diagnosticsHandler(deps(d, { maxAnswerBytes: max }))('diagnostics', {})) as unknown as DiagnosticsAnswer;
  assert.ok(Buffer.byteLength(JSON.stringify(a)) <= max - 1024, `${Buffer.byteLength(JSON.stringify(a))} bytes`);
  assert.equal(a.logs.requested, 1500);
  assert.ok(a.logs.cut > 1000 && a.logs.returned > 100, JSON.stringify({ cut: a.logs.cut, returned: a.logs.returned }));
  assert.equal(a.logs.cut + a.logs.returned, 1500);
  assert.match(a.logs.lines.at(-1)!, /"line 1499"/, 'the newest lines are the ones kept');
  const full = (await diagnosticsHandler(deps(d))('diagnostics', {})) as unknown as DiagnosticsAnswer;
  assert.equal(full.logs.cut, 0, 'the default 512 KiB holds the whole ring here');
});

test('diagnostics without a ring: everything else, no log lines, ring null', async () => {
  const d = daemonLike();
  const { ring: _ring, ...noRing } = deps(d);
  const a = (await diagnosticsHandler(noRing)('diagnostics', { logLines: 10 })) as unknown as DiagnosticsAnswer;
  assert.deepEqual(a.logs, { lines: [], returned: 0, requested: 0, cut: 0, ring: null });
  assert.deepEqual(Object.keys(a.logLevels), ['card', 'modem']);
});

test('diagnostics: a failing counters callback is reported inside the answer, not as a failed command', async () => {
  const d = daemonLike();
  const a = (await diagnosticsHandler(deps(d, { counters: () => { throw new Error('health not started'); } }))('diagnostics', {})) as unknown as DiagnosticsAnswer;
  assert.deepEqual(a.counters, { error: 'counters unavailable: health not started' });
});

test('registerDiagnosticsCommands registers log-level and diagnostics; the addon status is reported either way', async () => {
  const d = daemonLike();
  const got = new Map<string, CommandHandler>();
  registerDiagnosticsCommands({ register: (name, h) => void got.set(name, h) }, deps(d));
  assert.deepEqual([...got.keys()], ['log-level', 'diagnostics']);
  assert.ok('levels' in ((await got.get('log-level')!('log-level', {})) as object));
  assert.deepEqual(addonStatus(() => { throw new Error('ERR_BCASTD_NATIVE_MISSING'); }), { built: false, error: 'ERR_BCASTD_NATIVE_MISSING' });
  assert.deepEqual(addonStatus(() => ({})), { built: true });
  const real = addonStatus();
  assert.equal(typeof real.built, 'boolean');
});
