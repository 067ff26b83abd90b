import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { normaliseSubscriber } from '../../../src/sim/network/index.js';
import {
  DEFAULT_SUBSCRIBER,
  SubscriberFileError,
  loadSubscriber,
  saveSubscriber,
  subscriberFromJson,
  subscriberToJson,
  testSubscriber,
} from '../../../src/sim/subscriber.js';
import { loadVector, type MilenageSet } from '../crypto/vectors.js';

const [set1] = loadVector<{ sets: MilenageSet[] }>('milenage.json').sets;
const dir = await mkdtemp(join(tmpdir(), 'bcastd-sub-'));
after(() => rm(dir, { recursive: true, force: true }));

describe('subscriber file', () => {
  it('the default test subscriber is Milenage test set 1 on PLMN 001-01', () => {
    assert.equal(DEFAULT_SUBSCRIBER.k.toString('hex'), set1!.K);
    assert.equal(DEFAULT_SUBSCRIBER.opc.toString('hex'), set1!.OPc);
    assert.equal(DEFAULT_SUBSCRIBER.imsi, '001010000000001');
  });

  it('saves atomically (0600, no temp file left) and loads back the same subscriber', async () => {
    const path = join(dir, 'sub.json');
    const s = testSubscriber({ sqn: 0x123456789a, pin: '1234', mncLength: 3 });
    await saveSubscriber(path, s);
    assert.deepEqual(await loadSubscriber(path), s);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(dir), ['sub.json']);
    const json = JSON.parse(await readFile(path, 'utf8'));
    assert.equal(json.sqn, '00123456789a');
    await saveSubscriber(path, { ...s, sqn: 1 });
    assert.equal((await loadSubscriber(path)).sqn, 1);
  });

  it('is readable by the simulated network (same field names and encodings)', () => {
    const n = normaliseSubscriber(subscriberToJson(testSubscriber({ sqn: 96 })));
    assert.equal(n.sqn, 96);
    assert.equal(n.k.toString('hex'), set1!.K);
  });

  it('accepts OP instead of OPc and computes OPc (TS 35.206)', () => {
    const s = subscriberFromJson({ imsi: '001010000000001', k: set1!.K, op: set1!.OP, sqn: 0 });
    assert.equal(s.opc.toString('hex'), set1!.OPc);
  });

  it('names the bad field of a bad file', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ imsi: '12', k: set1!.K, opc: set1!.OPc, sqn: 0 }, 'imsi'],
      [{ imsi: '001010000000001', k: 'zz', opc: set1!.OPc, sqn: 0 }, 'k'],
      [{ imsi: '001010000000001', k: set1!.K, opc: set1!.OPc, sqn: '12' }, 'sqn'],
      [{ imsi: '001010000000001', k: set1!.K, opc: set1!.OPc, sqn: 0, mncLength: 4 }, 'mncLength'],
      [{ imsi: '001010000000001', k: set1!.K, opc: set1!.OPc, sqn: 0, pin: '12' }, 'pin'],
    ];
    for (const [obj, field] of bad) {
      assert.throws(() => subscriberFromJson(obj, 'x.json'), (e: unknown) => e instanceof SubscriberFileError && e.field === field && e.message.startsWith('x.json'));
    }
    const path = join(dir, 'broken.json');
    await writeFile(path, '{ nope', { mode: 0o600 });
    await assert.rejects(loadSubscriber(path), (e: unknown) => e instanceof SubscriberFileError && e.field === '(root)');
  });

  it('refuses a file group or others may read (it holds K); sqn may be left out (0)', async () => {
    const path = join(dir, 'open.json');
    await writeFile(path, JSON.stringify({ imsi: '001010000000009', k: set1!.K, opc: set1!.OPc }), { mode: 0o644 });
    await assert.rejects(loadSubscriber(path), (e: unknown) => e instanceof SubscriberFileError && e.field === '(file mode)' && /chmod 600/.test(e.message));
    await chmod(path, 0o600);
    assert.equal((await loadSubscriber(path)).sqn, 0);
  });
});
