// Proof on arm64: the arm64 tarball, unpacked, under qemu-user-static with the arm64 Node 24 it was built for.
// Its addons load; `bcastd --version` and `--check-config --board sim` answer; and the whole sim board flow runs:
// start → registered → purchase (KG0 pull by SMS) → key ready → SIGTERM de-registers before AT+CGACT=0 and exits 0.
// The simulated world and the virtual USIM run inside the daemon (no pcscd/vpcd): an emulated process can
// exec no other emulated process here (no binfmt_misc), and `sim.process: child` forks the daemon's own node.
// MQTT is a real mosquitto (the tarball leaves the embedded aedes out, as a board's would).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers/repo.js';
import { KEY_DOMAIN, KEY_GROUP, SystemRig, TERMINAL, pause } from '../serial/system/harness.js';
import { LOAD_ADDONS, unpack } from './tarball.js';

const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

test('arm64 tarball under qemu: addons load, --version, --check-config, the sim board flow', { timeout: 600_000 }, async (t) => {
  const pkg = unpack(t, 'arm64');
  assert.equal(pkg.info.arch, 'arm64');
  assert.match(pkg.info.node, /^24\./);

  await t.test('every native addon loads on arm64 Node 24', () => {
    const r = pkg.evaluate(LOAD_ADDONS);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(out['arch'], 'arm64');
    assert.match(String(out['node']), /^v24\./);
    assert.ok((out['bcastdNative'] as string[]).includes('openpty'), r.stdout);
    assert.equal(out['pcsclite'], 'function');
    assert.ok((out['serialport'] as string[]).includes('open'), r.stdout);
  });

  await t.test('bcastd --version, bcastctl --version', () => {
    for (const name of ['bcastd', 'bcastctl'] as const) {
      const r = pkg.run(name, ['--version']);
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
      assert.equal(r.stdout.trim(), version);
    }
  });

  await t.test('bcastd --check-config --board sim', () => {
    const r = pkg.run('bcastd', ['--check-config', '--board', 'sim']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^sim: ok/);
  });

  await t.test('sim board: start → registered → purchase → key ready → SIGTERM in order', async (st) => {
    const started = Date.now();
    const rig = await SystemRig.start(st, {
      launcher: join(pkg.root, 'bin', 'bcastd'),
      node: pkg.node,
      startTimeoutMs: 180_000,
      overrides: { card: { transport: 'in-process' }, sim: { process: 'in-process', useVpcd: false }, log: { components: { sim: 'debug', modem: 'trace' } } },
    });
    const readyMs = Date.now() - started;
    await rig.waitFor('registration', (p) => p['state'] === 'registered', 60_000);
    await rig.waitFor(`keys/${KEY_DOMAIN}/${KEY_GROUP.news}`, (p) => p['count'] === 1, 60_000);
    // Past the rate gate's 2 s after the start-up registration, as in the native purchase test.
    await pause(2500);
    const mark = rig.mark();
    const t0 = Date.now();
    const bought = await rig.portal({ serviceId: 'urn:bcastd:sim:sport', terminal: TERMINAL, via: 'sms' });
    assert.equal(bought.status, 200, JSON.stringify(bought.json));
    const key = await rig.waitFor(`keys/${KEY_DOMAIN}/${KEY_GROUP.sport}`, (p) => (p['count'] as number) >= 1, 90_000, { since: mark });
    assert.equal((key.payload['msks'] as Array<Record<string, unknown>>)[0]!['mskId'], '02020001');
    await rig.waitFor(`traffic/${KEY_DOMAIN}/02020001`, (p) => p['ready'] === true, 30_000, { since: mark });
    const reg = await rig.waitFor('registration', (p) => p['state'] === 'registered', 30_000, { since: mark });
    assert.equal((reg.payload['lastTrigger'] as Record<string, unknown>)['kind'], 'solicited-pull');
    const purchaseMs = key.at - t0;

    const stopMark = rig.mark();
    const exit = await rig.signal('SIGTERM', 60_000);
    assert.deepEqual(exit, { code: 0, signal: null }, rig.logTail());
    const done = rig.events('deregistered', stopMark);
    assert.equal(done.length, 1, JSON.stringify(rig.events(undefined, stopMark)));
    const sent = rig.logLines().filter((l) => l['msg'] === 'AT >' && /^AT\+CGACT=0/i.test(String(l['tx'])));
    assert.equal(sent.length, 1, 'one AT+CGACT=0 in the daemon AT trace');
    assert.ok(Date.parse(String(done[0]!['ts'])) <= Date.parse(String(sent[0]!['time'])), 'de-registered before the PDP context was released');
    assert.equal(rig.on('status', stopMark).at(-1)?.payload['state'], 'offline');
    console.log(JSON.stringify({ metric: 'arm64-qemu-sim-flow', node: pkg.info.node, startToReadyMs: readyMs, purchaseToKeyMs: purchaseMs, totalMs: Date.now() - started }));
  });
});
