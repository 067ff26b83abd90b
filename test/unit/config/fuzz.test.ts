/**
 * Whatever text arrives as a board config, the loader answers with a config or a ConfigError whose
 * message is one line — never a TypeError, RangeError or a parser's own exception.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { ConfigError, parseBoardConfig } from '../../../src/daemon/config/index.js';
import { BOARD_DIR } from './helpers.js';

function onlyConfigError(text: string): void {
  try {
    parseBoardConfig(text, 'fuzz.yaml', { env: { HOME: '/home/x' } });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    assert.ok(e.issues.length > 0);
    assert.ok(!e.message.includes('\n'), `multi-line message: ${e.message}`);
    const lineCount = text.split(/\r\n|\r|\n/).length;
    for (const i of e.issues) if (i.line !== undefined) assert.ok(i.line >= 1 && i.line <= lineCount + 1, `line ${i.line} outside the text`);
  }
}

const YAML_CHARS = ['a', 'b', 'k', '1', '0', '.', '-', ':', ' ', '  ', '\n', '\t', '#', '"', "'", '[', ']', '{', '}', ',', '&', '*', '!', '!!', '|', '>', '?', '%', '@', '`', '$', '${', '}', '---', '...', '<<', '~', 'null', 'true', '0x', '1e999', '\\', '\u0000', '\uFEFF', 'é'];

test('random text never throws anything but ConfigError', () => {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), onlyConfigError), { numRuns: 500 });
});

test('random YAML-flavoured text never throws anything but ConfigError', () => {
  const yamlish = fc.array(fc.constantFrom(...YAML_CHARS), { maxLength: 80 }).map((parts) => parts.join(''));
  fc.assert(fc.property(yamlish, onlyConfigError), { numRuns: 1000 });
});

test('random JSON values never throw anything but ConfigError', () => {
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => onlyConfigError(JSON.stringify(v))), { numRuns: 500 });
});

const shipped = ['sim', 'rpi4-quectel-ec25', 'generic-usb-modem'].map((b) => parse(readFileSync(join(BOARD_DIR, `${b}.yaml`), 'utf8')) as unknown);

type Target = { pick: number } | { name: string };

/** Replace an existing field (or add one) at a random path of a shipped config. */
function mutate(base: unknown, steps: number[], target: Target, value: unknown): unknown {
  const root = structuredClone(base) as Record<string, unknown>;
  let node: Record<string, unknown> = root;
  for (const step of steps) {
    const keys = Object.keys(node);
    const child = keys.length > 0 ? node[keys[step % keys.length]!] : undefined;
    if (child === null || typeof child !== 'object') break;
    node = child as Record<string, unknown>;
  }
  const keys = Object.keys(node);
  const key = 'pick' in target ? (keys[target.pick % Math.max(1, keys.length)] ?? 'x') : target.name;
  // defineProperty: `__proto__` must become a key of the file, not the object's prototype.
  Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
  return root;
}

test('shipped configs with a random field replaced never throw anything but ConfigError', () => {
  const target: fc.Arbitrary<Target> = fc.oneof(
    { weight: 4, arbitrary: fc.nat(30).map((pick) => ({ pick })) },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'sim', 'gpio', 'url', 'deviceId'), fc.string({ maxLength: 8 })).map((name) => ({ name })) },
  );
  const plausible = fc.oneof(
    fc.constantFrom('sim', 'generic', 'pdp', 'loopback', '::1', 'in-process', '/dev/ttyUSB0', 'mqtt://10.0.0.1', 'mqtt://[::1]:1883', '${HOME}', '${NOPE}', '$${x}', '', 'auto', true, false, 0, -1, 4359, 65536, null),
    fc.integer(),
    fc.double(),
    fc.string({ maxLength: 12 }),
    fc.jsonValue({ maxDepth: 2 }),
  );
  fc.assert(
    fc.property(fc.nat(2), fc.array(fc.nat(20), { maxLength: 4 }), target, plausible, (which, steps, t, value) => {
      onlyConfigError(stringify(mutate(shipped[which], steps, t, value)));
    }),
    { numRuns: 2000 },
  );
});

test('the untouched shipped configs pass the same round trip', () => {
  for (const c of shipped) assert.doesNotThrow(() => parseBoardConfig(stringify(c), 'x.yaml', { env: {} }));
});
