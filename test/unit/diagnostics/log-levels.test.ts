// LogLevels: component loggers at their board levels, runtime changes that reach the loggers adapters derive
// from them, the root following the most verbose level, validation errors, and timed changes reverting.
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { createLogger } from '../../../src/daemon/logger.js';
import { LogLevelError, LogLevels } from '../../../src/daemon/diagnostics/log-levels.js';
import { FakeClock } from '../../helpers/fake-clock.js';

function setup(clock = new FakeClock()) {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const opts = { level: 'info' as const, components: { sim: 'debug' as const } };
  const root = createLogger({ ...opts, destination: stream });
  const levels = new LogLevels(root, { ...opts, clock });
  const lines = () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { root, levels, clock, lines };
}

const levelOf = (levels: LogLevels, c: string) => levels.get()[c]!.level;

test('component loggers start at the board levels; get() lists them with what the board config says', () => {
  const { levels, root } = setup();
  levels.logger('modem', false);
  levels.logger('sim', false);
  levels.logger('daemon');
  assert.deepEqual(levels.components, ['daemon', 'modem', 'sim']);
  assert.deepEqual(levels.get(), {
    daemon: { level: 'info', configured: 'info' },
    modem: { level: 'info', configured: 'info' },
    sim: { level: 'debug', configured: 'debug' },
  });
  assert.equal(root.level, 'debug', 'createLogger started the root at the most verbose level');
});

test('set reaches every logger of the component and the loggers adapters derived from them; others keep theirs', () => {
  const { levels, root, lines } = setup();
  // As the daemon does: Modem and the GPIO resetter each get a modem logger; Modem derives {part:'at'} from its own.
  const at = levels.logger('modem', false).child({ component: 'modem' }).child({ part: 'at' });
  const gpio = levels.logger('modem', false);
  const card = levels.logger('card');
  at.trace('AT > before');
  const changes = levels.set('modem', 'trace');
  assert.deepEqual(changes, [{ component: 'modem', from: 'info', to: 'trace' }]);
  at.trace('AT > after');
  gpio.trace('gpio after');
  card.debug('card debug');
  card.info('card info');
  const msgs = lines().filter((l) => l['component'] !== 'daemon').map((l) => l['msg']);
  assert.deepEqual(msgs, ['AT > after', 'gpio after', 'card info']);
  assert.equal(root.level, 'trace', 'the root follows the most verbose component');
  assert.equal(levelOf(levels, 'card'), 'info');
  const audit = lines().find((l) => l['msg'] === 'log level changed at runtime');
  assert.deepEqual([audit?.['logComponent'], audit?.['from'], audit?.['to']], ['modem', 'info', 'trace']);
});

test('the root goes back down when the verbose component does, never below the board level', () => {
  const { levels, root } = setup();
  levels.logger('modem');
  levels.logger('sim');
  levels.set('modem', 'trace');
  levels.set('modem', 'warn');
  assert.equal(root.level, 'debug', 'sim is still at debug');
  levels.set('sim', 'error');
  assert.equal(root.level, 'info', 'the board level stays the floor');
});

test('* sets every component', () => {
  const { levels } = setup();
  for (const c of ['daemon', 'modem', 'sim']) levels.logger(c);
  const changes = levels.set('*', 'warn');
  assert.deepEqual(changes.map((c) => [c.component, c.from, c.to]), [['daemon', 'info', 'warn'], ['modem', 'info', 'warn'], ['sim', 'debug', 'warn']]);
  assert.deepEqual(Object.values(levels.get()).map((l) => l.level), ['warn', 'warn', 'warn']);
});

test('bad input: a typed error naming the known components or levels, nothing changed', () => {
  const { levels } = setup();
  levels.logger('modem');
  levels.logger('card');
  const err = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof LogLevelError);
      return e;
    }
    assert.fail('no error');
  };
  const unknown = err(() => levels.set('modme', 'trace'));
  assert.equal(unknown.code, 'unknown_component');
  assert.match(unknown.message, /"modme".*known: card, modem/);
  const level = err(() => levels.set('modem', 'verbose'));
  assert.equal(level.code, 'invalid_level');
  assert.match(level.message, /trace, debug, info, warn, error, fatal, silent/);
  for (const d of [0, -5, Number.NaN, 8 * 24 * 3600]) assert.equal(err(() => levels.set('modem', 'trace', { durationS: d })).code, 'invalid_duration');
  assert.equal(levelOf(levels, 'modem'), 'info');
  assert.doesNotThrow(() => levels.set('modem', 'silent'));
});

test('a timed change reverts after durationS (fake clock) and the root follows back', () => {
  const { levels, clock, root, lines } = setup();
  levels.logger('modem');
  const [change] = levels.set('modem', 'trace', { durationS: 300 });
  assert.equal(change!.revertsAt, new Date(300_000).toISOString());
  assert.deepEqual(levels.get()['modem'], { level: 'trace', configured: 'info', revert: { to: 'info', at: new Date(300_000).toISOString() } });
  clock.advance(299_999);
  assert.equal(levelOf(levels, 'modem'), 'trace');
  clock.advance(1);
  assert.equal(levelOf(levels, 'modem'), 'info');
  assert.equal(levels.get()['modem']!.revert, undefined);
  assert.equal(root.level, 'info', 'back to the board level (no sim logger here, so its debug does not count)');
  assert.equal(clock.pendingTimers, 0);
  assert.ok(lines().some((l) => l['msg'] === 'temporary log level expired' && l['to'] === 'info'));
});

test('timed on top of timed reverts to the level before the first; a permanent set cancels the revert', () => {
  const { levels, clock } = setup();
  levels.logger('modem');
  levels.set('modem', 'trace', { durationS: 60 });
  clock.advance(10_000);
  levels.set('modem', 'debug', { durationS: 60 });
  assert.equal(clock.pendingTimers, 1, 'the first timer was cleared');
  clock.advance(60_000);
  assert.equal(levelOf(levels, 'modem'), 'info');

  levels.set('modem', 'trace', { durationS: 60 });
  levels.set('modem', 'warn');
  assert.equal(clock.pendingTimers, 0);
  clock.advance(120_000);
  assert.equal(levelOf(levels, 'modem'), 'warn');
});

test('stop() clears pending reverts; with the real clock the revert timer does not hold the process', async () => {
  const fake = setup();
  fake.levels.logger('modem');
  fake.levels.set('modem', 'trace', { durationS: 5 });
  fake.levels.stop();
  assert.equal(fake.clock.pendingTimers, 0);

  const root = pino({ level: 'info' }, new PassThrough());
  const levels = new LogLevels(root, { level: 'info' });
  levels.logger('modem');
  levels.set('modem', 'trace', { durationS: 0.05 });
  assert.equal(levelOf(levels, 'modem'), 'trace');
  await new Promise((r) => setTimeout(r, 120));
  assert.equal(levelOf(levels, 'modem'), 'info');
  assert.equal(root.level, 'info');
});
