// Other tools import the pure layers by the package's public entry points, not by file paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as codec from 'bcastd/codec';
import * as crypto from 'bcastd/crypto';
import { vectorsDir } from '../helpers/repo.js';

test('bcastd/codec decodes the solicited pull vector', () => {
  const v = JSON.parse(readFileSync(join(vectorsDir, 'solicited-pull.json'), 'utf8')) as { mikey: string };
  const info = codec.describeMbms(codec.decodeMikey(codec.fromHex(v.mikey)));
  assert.equal(info.solicitedPull, true);
  assert.equal(typeof codec.at.AtFramer, 'function');
});

test('bcastd/crypto computes Milenage test set 1', () => {
  const m = JSON.parse(readFileSync(join(vectorsDir, 'milenage.json'), 'utf8')) as { sets: Array<Record<string, string>> };
  const s = m.sets[0]!;
  const out = crypto.f2345(Buffer.from(s['K']!, 'hex'), Buffer.from(s['OPc']!, 'hex'), Buffer.from(s['RAND']!, 'hex'));
  assert.equal(Buffer.from(out.res).toString('hex'), s['f2_RES']);
});
