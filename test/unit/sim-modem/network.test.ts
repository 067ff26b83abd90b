// The network side of the simulated modem: registration reports and every +CGEV release form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCgev } from '../../../src/codec/at/index.js';
import { PDP_RELEASE_VARIANTS, releaseLines } from '../../../src/sim/modem/index.js';
import { failOnUnhandled } from '../modem/harness.js';
import { SimClient } from './client.js';
import { withSim } from './with-sim.js';

failOnUnhandled();

const CONTEXT = [{ cid: 1, type: 'IP', address: '10.64.0.2' }];

test('release forms: the exact lines, each understood by the +CGEV parser as a deactivation', () => {
  const want: Record<string, string[]> = {
    'nw-pdn-deact': ['+CGEV: NW PDN DEACT 1'],
    'me-pdn-deact': ['+CGEV: ME PDN DEACT 1'],
    'nw-deact': ['+CGEV: NW DEACT "IP","10.64.0.2",1'],
    'nw-deact-bearer': ['+CGEV: NW DEACT 1,1,0'],
    'nw-deact-no-cid': ['+CGEV: NW DEACT "IP","10.64.0.2"'],
    'pdn-deact': ['+CGEV: PDN DEACT 1'],
    'eps-pdn-deact': ['+CGEV: EPS PDN DEACT 1'],
    'nw-detach': ['+CGEV: NW DETACH'],
    cid0: ['+CGEV: NW PDN DEACT 0'],
    silent: [],
  };
  assert.deepEqual(Object.keys(want).sort(), [...PDP_RELEASE_VARIANTS].sort());
  for (const v of PDP_RELEASE_VARIANTS) {
    const lines = releaseLines(v, CONTEXT);
    assert.deepEqual(lines, want[v], v);
    for (const l of lines) assert.ok(['deactivated', 'detached'].includes(parseCgev(l).effect), l);
  }
});

test('registration reports follow coverage and each +CxREG mode', { timeout: 15000 }, () =>
  withSim({ echo: false }, async (sim, client) => {
    for (const c of ['AT+CEREG=2', 'AT+CREG=1']) await client.command(c);
    sim.network.setCoverage(false);
    sim.network.setCoverage(true);
    sim.network.setCoverage(false, { silent: true });
    await client.until(() => client.lines.filter((l) => l.kind === 'urc').length === 4, 'four reports');
    assert.deepEqual(SimClient.texts(client.lines.filter((l) => l.kind === 'urc')), ['+CREG: 2', '+CEREG: 2', '+CREG: 1', '+CEREG: 1,"1A2B","01A2B3C4",7']);
    assert.deepEqual(SimClient.texts((await client.command('AT+CEREG?')).lines), ['+CEREG: 2,2']);
    assert.equal((await client.command('AT+CSQ')).lines.length, 1);
    assert.equal(sim.network.coverage, false);
  }));

test('PDP: activation needs coverage, can be made to fail, gets the configured address; releases only with +CGEREP', { timeout: 15000 }, () =>
  withSim({ echo: false, pdpAddress: '10.1.2.3' }, async (sim, client) => {
    await client.command('AT+CMEE=1');
    await client.command('AT+CGDCONT=1,"IP","apn"');
    sim.network.setCoverage(false);
    assert.equal((await client.command('AT+CGACT=1,1')).final, 'CME ERROR 30');
    sim.network.setCoverage(true);
    sim.network.failActivations(1, 131);
    assert.equal((await client.command('AT+CGACT=1,1')).final, 'CME ERROR 131');
    assert.equal((await client.command('AT+CGACT=1,1')).final, 'OK');
    assert.deepEqual(SimClient.texts((await client.command('AT+CGPADDR=1')).lines), ['+CGPADDR: 1,"10.1.2.3"']);
    // Without AT+CGEREP the release is silent.
    assert.equal(sim.network.releasePdp('nw-pdn-deact'), 1);
    assert.deepEqual(SimClient.texts((await client.command('AT+CGACT?')).lines), ['+CGACT: 1,0']);
    await client.command('AT+CGEREP=2,1');
    await client.command('AT+CGACT=1,1');
    assert.equal(sim.network.releasePdp('eps-pdn-deact'), 1);
    await client.until(() => client.lines.some((l) => l.kind === 'urc' && l.name === '+CGEV'), 'the +CGEV');
    assert.deepEqual(SimClient.texts(client.lines.filter((l) => l.kind === 'urc')), ['+CGEV: EPS PDN DEACT 1']);
    assert.equal(sim.network.releasePdp('nw-pdn-deact'), 0, 'nothing left to release');
    assert.deepEqual(sim.contexts(), [{ cid: 1, type: 'IP', apn: 'apn', active: false, address: null }]);
  }));
