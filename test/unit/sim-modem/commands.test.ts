// The simulated modem's AT subset, as a terminal sees it through the tty.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failOnUnhandled } from '../modem/harness.js';
import { SimClient } from './client.js';
import { withSim } from './with-sim.js';

failOnUnhandled();

/** command → information lines and final result, in order, on a fresh modem after ATE0. */
const SCRIPT: ReadonlyArray<readonly [string, readonly string[], string]> = [
  ['AT', [], 'OK'],
  ['ATI', ['bcastd', 'SIM-MODEM', 'Revision: SIM.1.0'], 'OK'],
  ['AT+CGMI', ['bcastd'], 'OK'],
  ['AT+CGMM', ['SIM-MODEM'], 'OK'],
  ['AT+CGMR', ['SIM.1.0'], 'OK'],
  ['AT+CGSN', ['356938035643809'], 'OK'],
  ['AT+CPIN?', ['+CPIN: READY'], 'OK'],
  ['AT+CFUN?', ['+CFUN: 1'], 'OK'],
  ['AT+CSQ', ['+CSQ: 20,99'], 'OK'],
  ['AT+CMEE?', ['+CMEE: 0'], 'OK'],
  ['AT+NOSUCH', [], 'ERROR'],
  ['AT+CGACT=1,9', [], 'ERROR'], // +CME ERROR hidden while AT+CMEE=0
  ['AT+CMEE=1', [], 'OK'],
  ['AT+CGACT=1,9', [], 'CME ERROR 143'],
  ['AT+CMEE=2', [], 'OK'],
  ['AT+CGACT=1,9', [], 'CME ERROR 143'], // verbose text, mapped back to the number by the framer
  ['AT+CMGF=?', ['+CMGF: (0,1)'], 'OK'],
  ['AT+CMGF=0', [], 'OK'],
  ['AT+CMGF?', ['+CMGF: 0'], 'OK'],
  ['AT+CSMS=1', ['+CSMS: 1,1,1'], 'OK'],
  ['AT+CSMS?', ['+CSMS: 1,1,1,1'], 'OK'],
  ['AT+CNMI=?', ['+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)'], 'OK'],
  ['AT+CNMI=2,2,0,0,0', [], 'OK'],
  ['AT+CNMI?', ['+CNMI: 2,2,0,0,0'], 'OK'],
  ['AT+CNMI=3,2,0,0,0', [], 'CMS ERROR 303'],
  ['AT+CNMA=?', ['+CNMA: (0-2)'], 'OK'],
  ['AT+CNMA', [], 'CMS ERROR 340'], // nothing to acknowledge
  ['AT+CPMS=?', ['+CPMS: ("SM","ME"),("SM","ME"),("SM","ME")'], 'OK'],
  ['AT+CPMS="ME","SM","SM"', ['+CPMS: 0,30,0,30,0,30'], 'OK'],
  ['AT+CPMS?', ['+CPMS: "ME",0,30,"SM",0,30,"SM",0,30'], 'OK'],
  ['AT+CPMS="XX"', [], 'CMS ERROR 302'],
  ['AT+CMGR=1', [], 'CMS ERROR 321'],
  ['AT+CMGL=4', [], 'OK'],
  ['AT+CMGD=1', [], 'OK'],
  ['AT+CEREG=2', [], 'OK'],
  ['AT+CEREG?', ['+CEREG: 2,1,"1A2B","01A2B3C4",7'], 'OK'],
  ['AT+CREG?', ['+CREG: 0,1'], 'OK'],
  ['AT+CGEREP=2,1', [], 'OK'],
  ['AT+CGEREP?', ['+CGEREP: 2,1'], 'OK'],
  ['AT+CGDCONT=1,"IP","sim.bcastd"', [], 'OK'],
  ['AT+CGDCONT?', ['+CGDCONT: 1,"IP","sim.bcastd","0.0.0.0",0,0'], 'OK'],
  ['AT+CGACT?', ['+CGACT: 1,0'], 'OK'],
  ['AT+CGPADDR=1', ['+CGPADDR: 1,"0.0.0.0"'], 'OK'],
  ['AT+CGACT=1,1', [], 'OK'],
  ['AT+CGACT?', ['+CGACT: 1,1'], 'OK'],
  ['AT+CGPADDR=1', ['+CGPADDR: 1,"10.64.0.2"'], 'OK'],
  ['AT+CGACT=0,1', [], 'OK'],
  ['AT+CGACT?', ['+CGACT: 1,0'], 'OK'],
];

test('the AT subset, answer by answer', { timeout: 15000 }, () =>
  withSim({}, async (sim, client) => {
    assert.equal((await client.command('ATE0')).final, 'OK');
    for (const [command, lines, final] of SCRIPT) {
      const r = await client.command(command);
      assert.deepEqual([SimClient.texts(r.lines), r.final], [lines, final], command);
    }
    assert.deepEqual(
      sim.atLog.map((e) => e.command),
      ['ATE0', ...SCRIPT.map(([c]) => c)],
    );
    // Timestamps and sequence numbers in order.
    for (let i = 1; i < sim.atLog.length; i++) {
      assert.equal(sim.atLog[i]!.seq, sim.atLog[i - 1]!.seq + 1);
      assert.ok(sim.atLog[i]!.ts >= sim.atLog[i - 1]!.ts);
    }
  }));

test('echo at power-on (ATE1 is the factory default), off after ATE0, on again by fault', { timeout: 15000 }, () =>
  withSim({}, async (sim, client) => {
    await client.command('AT+CGMI');
    assert.ok(client.raw.startsWith('AT+CGMI\r'), JSON.stringify(client.raw));
    await client.command('ATE0');
    const mark = client.raw.length;
    await client.command('AT+CGMM');
    assert.equal(client.raw.slice(mark), '\r\nSIM-MODEM\r\n\r\nOK\r\n');
    sim.faults.echo(true);
    const again = client.raw.length;
    await client.command('AT');
    assert.equal(client.raw.slice(again), 'AT\r\r\nOK\r\n');
  }));

test('verbose errors with AT+CMEE=2 print the text', { timeout: 15000 }, () =>
  withSim({ echo: false }, async (_sim, client) => {
    await client.command('AT+CMEE=2');
    const mark = client.raw.length;
    await client.command('AT+CGACT=1,9');
    assert.equal(client.raw.slice(mark), '\r\n+CME ERROR: unknown PDP context\r\n');
  }));
