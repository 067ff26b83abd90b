// `bcastctl watch` options: which mode and whether colour, from the terminal and the environment; bad values are
// usage errors before anything connects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { chooseMode, registerWatch, type WatchHost } from '../../../src/cli/watch/command.js';
import { UsageError } from '../../../src/cli/io.js';

test('mode and colour: full screen only on a terminal that can address its cursor; NO_COLOR, --no-color, TERM=dumb', () => {
  const cases: Array<[string, { json?: boolean; color?: boolean }, boolean, Record<string, string | undefined>, string, boolean]> = [
    ['terminal', {}, true, { TERM: 'xterm-256color' }, 'screen', true],
    ['--no-color', { color: false }, true, { TERM: 'xterm' }, 'screen', false],
    ['NO_COLOR set', {}, true, { TERM: 'xterm', NO_COLOR: '1' }, 'screen', false],
    ['NO_COLOR empty counts as unset', {}, true, { TERM: 'xterm', NO_COLOR: '' }, 'screen', true],
    ['TERM=dumb', {}, true, { TERM: 'dumb' }, 'lines', false],
    ['pipe', {}, false, { TERM: 'xterm' }, 'lines', false],
    ['--json on a terminal', { json: true }, true, { TERM: 'xterm' }, 'json', false],
    ['--json into a pipe', { json: true }, false, {}, 'json', false],
  ];
  for (const [name, o, tty, env, mode, color] of cases) assert.deepEqual(chooseMode(o, tty, env), { mode, color }, name);
});

test('bad --for, --stale and --device values are usage errors', async () => {
  const host = (): WatchHost => {
    throw new Error('must not get this far');
  };
  for (const args of [['--for', '0'], ['--for', 'soon'], ['--stale', '-5'], ['--device', 'a*b', '--broker', 'mqtt://127.0.0.1:1']]) {
    const program = new Command().exitOverride();
    registerWatch(program, { out: () => undefined, err: () => undefined }, host);
    await assert.rejects(program.parseAsync(['watch', ...args], { from: 'user' }), UsageError, args.join(' '));
  }
});
