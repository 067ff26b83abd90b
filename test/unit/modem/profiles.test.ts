// Modem profiles: their commands, their hooks, and each real profile driving the simulated modem
// (which refuses the vendor commands, as a module in another configuration would).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSmsDeliver } from '../../../src/codec/index.js';
import { MODEM_PROFILES } from '../../../src/daemon/config/index.js';
import { MODEM_PROFILE_SPECS, commandName, type ModemProfileSpec } from '../../../src/modem/index.js';
import { commands, failOnUnhandled, startRig, waitFor } from './harness.js';

failOnUnhandled();

const ctx = { port: '/dev/serial/by-id/usb-Quectel_EC25-if02-port0', cid: 3 };

test('one profile per board-config name, with well-formed commands', () => {
  assert.deepEqual(Object.keys(MODEM_PROFILE_SPECS).sort(), [...MODEM_PROFILES].sort());
  for (const [name, p] of Object.entries(MODEM_PROFILE_SPECS) as [string, ModemProfileSpec][]) {
    assert.equal(p.name, name);
    for (const c of [...p.init(ctx), ...p.dataUp(ctx), ...p.dataDown(ctx)]) {
      assert.match(c.command, /^AT[+$^%#&]/, `${name}: ${c.command}`);
      assert.notEqual(commandName(c.command), 'AT');
      assert.ok(c.why.length > 0);
    }
    assert.match(p.sms.cnma, /^AT\+CNMA(=0)?$/);
    assert.ok(p.registration.includes('+CEREG'));
  }
});

test('vendor data-interface commands carry the configured cid', () => {
  assert.deepEqual(MODEM_PROFILE_SPECS['quectel-ec25'].dataUp(ctx).map((c) => c.command), ['AT+QNETDEVCTL=1,3,1']);
  assert.deepEqual(MODEM_PROFILE_SPECS['simcom-sim7600'].dataUp(ctx).map((c) => c.command), ['AT$QCRMCALL=1,3']);
  assert.deepEqual(MODEM_PROFILE_SPECS['simcom-sim7600'].dataDown(ctx).map((c) => c.command), ['AT$QCRMCALL=0,3']);
});

test('Quectel URC routing follows the port the engine reads', () => {
  const init = (port: string) => MODEM_PROFILE_SPECS['quectel-ec25'].init({ port, cid: 1 }).map((c) => c.command);
  assert.deepEqual(init('/dev/ttyUSB2'), ['AT+QURCCFG="urcport","usbat"']);
  assert.deepEqual(init('/dev/serial/by-id/usb-Quectel_EC25-if02-port0'), ['AT+QURCCFG="urcport","usbat"']);
  assert.deepEqual(init('/dev/ttyS1'), ['AT+QURCCFG="urcport","uart1"']);
  assert.deepEqual(init('/dev/ttyAMA0'), ['AT+QURCCFG="urcport","uart1"']);
});

const VENDOR: Record<string, { init: string[]; up: string[]; cnma: string; storage: string }> = {
  generic: { init: [], up: [], cnma: 'AT+CNMA=0', storage: 'SM' },
  'quectel-ec25': { init: ['AT+QURCCFG="urcport","usbat"'], up: ['AT+QNETDEVCTL=1,1,1'], cnma: 'AT+CNMA', storage: 'ME' },
  'simcom-sim7600': { init: [], up: ['AT$QCRMCALL=1,1'], cnma: 'AT+CNMA=0', storage: 'SM' },
  'ublox-toby-l2': { init: ['AT+UBMCONF?'], up: [], cnma: 'AT+CNMA', storage: 'SM' },
};

for (const [profile, want] of Object.entries(VENDOR)) {
  test(`profile ${profile} on the simulated modem: vendor commands refused, modem ready, SMS acknowledged its way`, { timeout: 15000 }, async () => {
    const rig = await startRig({ settings: { profile: profile as ModemProfileSpec['name'], smsMode: 'cmt' } });
    try {
      const sent = commands(rig.sim);
      for (const c of [...want.init, ...want.up]) assert.ok(sent.includes(c), `${profile} sent ${c}`);
      assert.ok(sent.includes(`AT+CPMS="${want.storage}","${want.storage}","${want.storage}"`));
      for (const reg of MODEM_PROFILE_SPECS[profile as ModemProfileSpec['name']].registration) assert.ok(sent.includes(`AT${reg}=2`), reg);
      assert.equal(rig.modem.pdpState, 'active', 'an optional bring-up command refused is not fatal');
      rig.sim.smsc.deliver(encodeSmsDeliver({ originator: '+4917012345678', text: profile, timestamp: '2024-05-01T12:00:00Z' }));
      await waitFor(() => rig.modem.stats().sms.acks === 1, 'the acknowledgement');
      assert.ok(commands(rig.sim).includes(want.cnma));
      assert.equal(rig.eventsNamed('sms')[0]!.datagram.text, profile);
    } finally {
      await rig.stop();
    }
  });
}
