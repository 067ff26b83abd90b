// Issue 13, item 4, through the real daemon: 10,000 replays of a captured solicited pull at 1,000/s on the LTKM
// port while a real purchase happens. The replays are refused before the card (replay cache), the purchase's
// pull gets through and registers (counted at the simulated BSM), and the flood costs a few log lines and
// events, not one each.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { test } from 'node:test';
import { SystemRig, TERMINAL, pause } from './harness.js';

const REPLAYS = 10_000;
const PER_MS = 1; // 1,000 a second

test('a genuine pull gets through a 1,000/s replay flood', { timeout: 120_000 }, async (t) => {
  const rig = await SystemRig.start(t);
  await rig.waitFor('registration', (p) => p['state'] === 'registered', 20_000);
  // Capture a pull off the air: one the BSM sends by UDP (the card accepts it, so its counter is spent).
  await pause(2500);
  assert.equal((await rig.simControl('/pull', { terminal: TERMINAL, keyGroup: 0, via: 'udp' })).status, 200);
  const captured = await rig.waitForSimEvent((e) => e.type === 'ltkm-push' && e['solicitedPull'] === true && typeof e['wire'] === 'string');
  const [host, port] = String(captured['to']).split(':') as [string, string];
  const wire = Buffer.from(String(captured['wire']), 'hex');
  await rig.waitFor('events', (p) => p['type'] === 'solicited-pull', 10_000);
  await pause(2500); // past the rate gate, so the purchase meets an idle terminal

  const registers = async () => (await rig.simEvents('register')).length;
  const before = await registers();
  const mark = rig.mark();
  const healthBefore = await rig.healthAfter(Date.now());

  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  t.after(() => sock.close());
  let sent = 0;
  const t0 = Date.now();
  const flood = (async () => {
    while (sent < REPLAYS) {
      const due = Math.min(REPLAYS, (Date.now() - t0) * PER_MS);
      while (sent < due) {
        sock.send(wire, Number(port), host);
        sent++;
      }
      await pause(5);
    }
  })();

  // Mid-flood, a service is bought out of band: the BSM's pull travels by UDP into the flood.
  await pause(3000);
  const bought = await rig.portal({ serviceId: 'urn:bcastd:sim:sport', terminal: TERMINAL, via: 'udp' });
  assert.equal(bought.status, 200, JSON.stringify(bought.json));
  await flood;
  const floodMs = Date.now() - t0;

  // The purchase's pull was acted on: a solicited-pull event, then a registration at the BSM.
  await rig.waitFor('events', (p) => p['type'] === 'solicited-pull', 20_000, { since: mark });
  const deadline = Date.now() + 20_000;
  while ((await registers()) <= before && Date.now() < deadline) await pause(200);
  const registrations = (await registers()) - before;
  await pause(1500);
  const h = await rig.healthAfter(Date.now());
  const ltkm = h['ltkm'];
  const replaysRefused = ltkm['dropped']['replay'] - healthBefore['ltkm']['dropped']['replay'];
  const overload = ltkm['dropped']['overload'] - healthBefore['ltkm']['dropped']['overload'];
  const rejectedEvents = rig.events('rejected', mark).length;
  t.diagnostic(JSON.stringify({ sent, floodMs, registrations, replaysRefused, overload, rejectedEvents, received: ltkm['received'] - healthBefore['ltkm']['received'] }));
  assert.ok(registrations >= 1, 'the purchase registered at the BSM');
  assert.ok(replaysRefused >= REPLAYS * 0.9, `replays refused: ${replaysRefused}`);
  assert.ok(rejectedEvents <= 5, `one rejection event per interval, not one per replay (${rejectedEvents})`);
  const lines = rig.logLines().filter((l) => typeof l['msg'] === 'string' && String(l['msg']).startsWith('LTKM dropped'));
  assert.ok(lines.length <= 10, `LTKM dropped lines: ${lines.length}`);
  assert.ok(rig.logLines().some((l) => /suppressed \d+ more like it/.test(String(l['msg']))), 'a "suppressed N" summary line');
  assert.ok(rig.pid !== undefined);
});
