// The broker roles on both local brokers bcastd starts (mosquitto with the generated passwd + ACL, the embedded
// aedes with its hooks): anonymous clients get nothing, the player cannot command or read others' replies, the
// tester cannot read player/#, nobody but bcastd overwrites retained state. The shipped board ACL is the same table.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import mqtt, { type MqttClient } from 'mqtt';
import { startLocalBroker } from '../../../src/mqtt/broker.js';
import { createBrokerAccounts } from '../../../src/mqtt/broker-accounts.js';
import { mosquittoAcl } from '../../../src/mqtt/roles.js';
import { repoRoot } from '../../helpers/repo.js';
import { failOnUnhandledRejection } from './helpers.js';

failOnUnhandledRejection();

const accounts = await createBrokerAccounts();
after(() => accounts.remove());
const BASE = 'bcastd/v1/rl';
const roles = { logins: accounts.logins, topicPrefix: 'bcastd/v1', deviceId: 'rl' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function client(url: string, v: 4 | 5, login?: { username: string; password: string }): Promise<{ c: MqttClient; got: Array<[string, string]> }> {
  const c = await mqtt.connectAsync(url, { protocolVersion: v, reconnectPeriod: 0, connectTimeout: 3000, ...(login ?? {}) });
  const got: Array<[string, string]> = [];
  c.on('message', (t, p) => got.push([t, p.toString()]));
  return { c, got };
}

for (const kind of ['mosquitto', 'aedes'] as const) {
  test(`${kind}: roles enforced, anonymous refused`, async () => {
    const b = await startLocalBroker({ roles, ...(kind === 'aedes' ? { candidates: ['/nonexistent/mosquitto'], pathEnv: '' } : {}) });
    const v = b.protocolVersion;
    const open: MqttClient[] = [];
    try {
      assert.equal(kind === 'aedes' ? b.bin : 'mosquitto', kind === 'aedes' ? 'aedes (embedded)' : 'mosquitto');
      await assert.rejects(mqtt.connectAsync(b.url, { protocolVersion: v, reconnectPeriod: 0, connectTimeout: 2000 }), 'anonymous connect refused');
      await assert.rejects(mqtt.connectAsync(b.url, { protocolVersion: v, reconnectPeriod: 0, connectTimeout: 2000, username: 'tester', password: 'wrong' }), 'wrong password refused');

      const daemon = await client(b.url, v, accounts.logins.bcastd);
      const tester = await client(b.url, v, accounts.logins.tester);
      const player = await client(b.url, v, accounts.logins.player);
      open.push(daemon.c, tester.c, player.c);
      await daemon.c.subscribeAsync([`${BASE}/cmd/+`, `${BASE}/player/stkm`], { qos: 1 });
      await tester.c.subscribeAsync(`${BASE}/#`, { qos: 1 });
      await player.c.subscribeAsync([`${BASE}/status`, `${BASE}/player/tek/#`], { qos: 1 });
      // Others' replies: not granted to the player (refused subscription, or nothing delivered).
      await player.c.subscribeAsync(`${BASE}/cmd/+/response/#`, { qos: 1 }).catch(() => undefined);

      await daemon.c.publishAsync(`${BASE}/status`, '{"state":"ready"}', { qos: 1, retain: true });
      await daemon.c.publishAsync(`${BASE}/player/tek`, '{"tek":"x"}', { qos: 1 });
      await daemon.c.publishAsync(`${BASE}/cmd/register/response/abc`, '{"ok":true}', { qos: 1 });
      // Not allowed: the player commands; the tester overwrites retained state or feeds STKMs. Each from a client
      // of its own: aedes drops the connection of a refused publisher, mosquitto answers 0x87 (v5) or drops it.
      for (const [login, topic] of [[accounts.logins.player, `${BASE}/cmd/deregister`], [accounts.logins.tester, `${BASE}/status`], [accounts.logins.tester, `${BASE}/player/stkm`], [accounts.logins.player, `${BASE}/keys/00f110/1`]] as const) {
        const bad = await client(b.url, v, login);
        await Promise.race([bad.c.publishAsync(topic, '{"evil":1}', { qos: 1, retain: topic.endsWith('status') }).catch(() => undefined), sleep(500)]);
        await bad.c.endAsync(true);
      }
      // Allowed: the tester commands, the player hands in an STKM.
      await tester.c.publishAsync(`${BASE}/cmd/register`, '{}', { qos: 1 });
      await player.c.publishAsync(`${BASE}/player/stkm`, '{"stkm":"00"}', { qos: 1 });
      await sleep(400);

      assert.deepEqual(daemon.got.map(([t]) => t).sort(), [`${BASE}/cmd/register`, `${BASE}/player/stkm`], 'bcastd got the tester command and the player STKM only');
      assert.ok(tester.got.some(([t]) => t === `${BASE}/status`), 'the tester reads status');
      assert.ok(tester.got.some(([t]) => t === `${BASE}/cmd/register/response/abc`), 'and command replies');
      assert.deepEqual(tester.got.filter(([t]) => t.includes('/player/')), [], 'the tester never sees player/#');
      assert.ok(player.got.some(([t]) => t === `${BASE}/player/tek`), 'the player reads its TEK replies');
      assert.deepEqual(player.got.filter(([t]) => t.includes('/cmd/')), [], "the player never sees others' replies");

      const fresh = await client(b.url, v, accounts.logins.tester);
      open.push(fresh.c);
      await fresh.c.subscribeAsync(`${BASE}/status`, { qos: 1 });
      await sleep(200);
      assert.deepEqual(fresh.got, [[`${BASE}/status`, '{"state":"ready"}']], 'the retained status is still bcastd\'s');
    } finally {
      for (const c of open) await c.endAsync(true);
      await b.close();
    }
  });
}

test('private files: tester/player logins are 0600 in a 0700 dir of ours; the shipped board ACL is the role table', async () => {
  assert.equal((await stat(accounts.dir)).mode & 0o777, 0o700);
  for (const f of Object.values(accounts.credentialFiles)) {
    const st = await stat(f);
    assert.equal(st.mode & 0o777, 0o600);
    assert.equal(st.uid, process.getuid!());
  }
  assert.deepEqual(Object.keys(JSON.parse(await readFile(accounts.credentialFiles.tester, 'utf8'))).sort(), ['password', 'username']);
  assert.equal(await readFile(`${repoRoot}/packaging/mosquitto/bcastd.acl`, 'utf8'), mosquittoAcl('bcastd/v1', '+'));
});
