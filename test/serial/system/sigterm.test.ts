// Acceptance 6: SIGTERM. bcastd de-registers at the BSM first, only then releases the PDP context
// (AT+CGACT=0), publishes `offline` and exits 0.
//
// The simulated modem's AT log lives in the daemon's process and GET /at-log goes with it: the control API
// closes ~5 ms after AT+CGACT=0, too soon for polling to see it reliably. The sim world is asked to keep the
// log on disk as well (`<stateDir>/sim-at-log.jsonl`, one {seq, ts, command} per line, appended as each command
// arrives); the last subtest reads it. The others rely on what is observable today: the daemon's own AT trace
// (modem component at trace level), its MQTT events, its exit and the retained status.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import mqtt from 'mqtt';
import { SystemRig, type AtLogEntry } from './harness.js';

/** The persisted AT log of the simulated modem (requested from the sim world; see the file comment). */
const SIM_AT_LOG = 'sim-at-log.jsonl';

test('SIGTERM → de-registered before AT+CGACT=0, exit code 0, status offline', { timeout: 60_000 }, async (t) => {
  const rig = await SystemRig.start(t, { overrides: { log: { components: { sim: 'debug', modem: 'trace' } } } });
  await rig.waitFor('registration', (p) => p['state'] === 'registered', 20_000);
  await rig.waitForSimEvent((e) => e.type === 'verification', 10_000);
  const liveAtLog = await rig.atLog();
  assert.ok(liveAtLog.some((e) => /^AT\+CGACT=1/i.test(e.command)), 'the context was activated through the simulated modem');
  const mark = rig.mark();

  const exit = await rig.signal('SIGTERM', 20_000);
  assert.deepEqual(exit, { code: 0, signal: null }, `bcastd exit:\n${rig.logTail()}`);

  // The daemon had the BSM's answer to the de-registration (its `deregistered` event, every service 200).
  const done = rig.events('deregistered', mark);
  assert.equal(done.length, 1, JSON.stringify(rig.events(undefined, mark)));
  const results = done[0]!['results'] as Array<Record<string, unknown>>;
  assert.ok(results.length > 0 && results.every((r) => r['status'] === 200), JSON.stringify(results));
  const deregisteredAt = Date.parse(String(done[0]!['ts']));

  await t.test('daemon side: the AT trace sends AT+CGACT=0 after the de-registration completed', () => {
    const sent = rig.logLines().filter((l) => l['msg'] === 'AT >' && /^AT\+CGACT=0/i.test(String(l['tx'])));
    assert.equal(sent.length, 1, `one AT+CGACT=0 in the daemon's AT trace`);
    assert.ok(deregisteredAt <= Date.parse(String(sent[0]!['time'])), `deregistered ${String(done[0]!['ts'])} before AT+CGACT=0 sent at ${String(sent[0]!['time'])}`);
  });

  await t.test('MQTT: registration unregistered, status stopping → offline, retained offline', async () => {
    assert.equal(rig.on('registration', mark).at(-1)?.payload['state'], 'unregistered');
    const states = rig.on('status', mark).map((m) => m.payload['state']);
    assert.ok(states.indexOf('stopping') >= 0 && states.indexOf('stopping') < states.lastIndexOf('offline'), `status: ${states.join(' → ')}`);
    assert.equal(states.at(-1), 'offline');
    // What a client connecting now gets retained: offline (not the LWT's lost).
    const late = await mqtt.connectAsync(rig.brokerUrl, { protocolVersion: 5, clientId: `system-late-${process.pid}`, ...rig.login('tester') });
    try {
      const retained = new Promise<Record<string, unknown>>((resolve) => late.once('message', (_t, p) => resolve(JSON.parse(p.toString()) as Record<string, unknown>)));
      await late.subscribeAsync(`${rig.runtime.topicPrefix}/${rig.runtime.deviceId}/status`, { qos: 1 });
      assert.equal((await retained)['state'], 'offline');
    } finally {
      await late.endAsync(true);
    }
  });

  await t.test(`simulated modem: its AT log (${SIM_AT_LOG}) has AT+CGACT=0 after the de-registration`, () => {
    const file = join(rig.stateDir, SIM_AT_LOG);
    assert.ok(existsSync(file), `${file} missing: the sim world must persist the simulated modem's AT log (requested; GET /at-log dies with the daemon)`);
    const log = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AtLogEntry);
    assert.deepEqual(
      log.slice(0, liveAtLog.length).map((e) => e.command),
      liveAtLog.map((e) => e.command),
      'the file holds the same commands GET /at-log answered',
    );
    const release = log.filter((e) => /^AT\+CGACT=0/i.test(e.command));
    assert.equal(release.length, 1, `one AT+CGACT=0: ${log.slice(-5).map((e) => e.command).join(' | ')}`);
    assert.ok(deregisteredAt <= Date.parse(release[0]!.ts), `deregistered ${String(done[0]!['ts'])} before the modem got AT+CGACT=0 at ${release[0]!.ts}`);
    assert.ok(!log.some((e) => e.seq > release[0]!.seq && /^AT\+CGACT=1/i.test(e.command)), 'no re-activation after the release');
  });
});
