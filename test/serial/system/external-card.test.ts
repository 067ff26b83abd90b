// Bring your own card: the sim world with `sim.card: external` starts no virtual USIM; the daemon uses whatever
// card sits in the reader card.readerPattern matches. Here that is a second virtual card the daemon did not start:
// its own process (src/sim/usim/serve-card.ts) on the vpcd reader of a pcscd this test runs, with a subscriber
// of its own (Milenage test set 2 keys, another IMSI) from a 0600 subscriber file that the simulated BSF/BSM read
// too. The whole `npm start` flow must work on it: bootstrap, register, purchase → keys.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Pcscd } from '../../helpers/pcscd.js';
import { repoRoot } from '../../helpers/repo.js';
import { KEY_DOMAIN, KEY_GROUP, SystemRig, pause } from './harness.js';

const OTHER = { imsi: '001010000000077', k: '0396eb317b6d1c36f19c1c84cd6ffd16', opc: '53c15671c60a4b731c55b4a441c0bde2' };

test('sim.card external: a card the daemon did not start, keys from sim.subscriberFile → bootstrap, register, purchase → keys', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bcastd-external-card-'));
  const subscriberFile = join(dir, 'subscriber.json');
  writeFileSync(subscriberFile, JSON.stringify({ ...OTHER, sqn: '000000000000', amf: '8000', mncLength: 2, iccid: '8900101000000000777', pin: null }), { mode: 0o600 });
  const pcscd = await Pcscd.start();
  const card = spawn(process.execPath, [join(repoRoot, 'dist/src/sim/usim/serve-card.js'), subscriberFile, '35963'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let cardOut = '';
  card.stdout!.on('data', (b: Buffer) => (cardOut += b.toString()));
  card.stderr!.on('data', (b: Buffer) => (cardOut += b.toString()));
  const cardExit = new Promise<void>((r) => card.once('exit', () => r()));
  let rig: SystemRig | undefined;
  try {
    for (let i = 0; i < 100 && !cardOut.includes('plugged into vpcd'); i++) await pause(50);
    assert.match(cardOut, /plugged into vpcd/, `the external card did not connect: ${cardOut}`);

    rig = await SystemRig.start(t, { overrides: { card: { transport: 'pcsc' }, sim: { card: 'external', subscriberFile } } });
    await t.test('bootstrap and registration with the external card', async () => {
      await rig!.waitFor('registration', (p) => p['state'] === 'registered', 20_000);
      // Bootstrapping succeeded: the card's K and OPc are the subscriber file's (the BSF knows no other subscriber).
      assert.ok((await rig!.simEvents('bootstrap')).length >= 1);
      assert.equal((await rig!.simEvents('resync')).length, 0, 'the card and the file agree on the SQN too');
      assert.equal(rig!.on('card').at(-1)!.payload['state'], 'ready');
      assert.equal(rig!.on('info').at(-1)!.payload['card'], 'pcsc');
      const said = rig!.logLines().filter((l) => String(l['msg']).startsWith('external card'));
      assert.equal(said.length, 1, 'the world says it serves the external card');
      assert.deepEqual((await rig!.simEvents('register')).at(-1)!['statuses'], [200]);
      await rig!.waitFor(`keys/${KEY_DOMAIN}/${KEY_GROUP.news}`, (p) => p['count'] === 1, 10_000);
    });
    await t.test('purchase → solicited pull → keys', async () => {
      await pause(2500);
      const mark = rig!.mark();
      const bought = await rig!.portal({ serviceId: 'urn:bcastd:sim:sport', terminal: OTHER.imsi, via: 'sms' });
      assert.equal(bought.status, 200, JSON.stringify(bought.json));
      const key = await rig!.waitFor(`keys/${KEY_DOMAIN}/${KEY_GROUP.sport}`, (p) => (p['count'] as number) >= 1, 20_000, { since: mark });
      assert.equal((key.payload['msks'] as Array<Record<string, unknown>>)[0]!['mskId'], '02020001');
      assert.equal(rig!.events('solicited-pull', mark).length, 1);
    });
    await t.test("the external card's K, OPc and whole IMSI reach neither the log nor MQTT", () => {
      const texts = [rig!.logText(), ...rig!.messages.map((m) => m.raw)].map((x) => x.toLowerCase());
      for (const [what, secret] of Object.entries(OTHER)) assert.ok(!texts.some((x) => x.includes(secret)), `${what} leaked`);
    });
    const exit = await rig.signal('SIGTERM', 20_000);
    assert.deepEqual(exit, { code: 0, signal: null });
  } finally {
    card.kill('SIGTERM');
    await Promise.race([cardExit, pause(3000)]);
    if (card.exitCode === null && card.signalCode === null) card.kill('SIGKILL');
    await pcscd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
