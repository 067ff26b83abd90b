// Command names (the keys of timeouts and faults), response prefixes and masked traces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandName, maskCommand, responsePrefix } from '../../../src/modem/index.js';
import { failOnUnhandled } from './harness.js';

failOnUnhandled();

const CASES: ReadonlyArray<readonly [line: string, name: string, prefix: string | null]> = [
  ['AT', 'AT', null],
  ['at', 'AT', null],
  ['ATE0', 'E', null],
  ['ATI', 'I', null],
  ['ATD+4912345;', 'D', null],
  ['AT&F', '&F', '&F'],
  ['AT+CGACT=1,1', '+CGACT', '+CGACT'],
  ['AT+CEREG?', '+CEREG', '+CEREG'],
  ['AT+CNMI=?', '+CNMI', '+CNMI'],
  ['at+cmgr=3', '+CMGR', '+CMGR'],
  ['AT$QCRMCALL=1,1', '$QCRMCALL', '$QCRMCALL'],
  ['AT^SYSCFG?', '^SYSCFG', '^SYSCFG'],
  ['AT#SGACT=1,1', '#SGACT', '#SGACT'],
  ['AT+QCFG="usbnet"', '+QCFG', '+QCFG'],
  ['AT+QNETDEVCTL=1,1,1', '+QNETDEVCTL', '+QNETDEVCTL'],
];

test('command names and response prefixes', () => {
  for (const [line, name, prefix] of CASES) {
    assert.equal(commandName(line), name, line);
    assert.equal(responsePrefix(line), prefix, line);
  }
});

test('PINs and passwords never reach a trace', () => {
  assert.equal(maskCommand('AT+CPIN="1234"'), 'AT+CPIN=***');
  assert.equal(maskCommand('AT+CPIN="12345678","4321"'), 'AT+CPIN=***');
  assert.equal(maskCommand('at+clck="SC",0,"1234"'), 'at+clck=***');
  assert.equal(maskCommand('AT+CPWD="SC","1111","2222"'), 'AT+CPWD=***');
  assert.equal(maskCommand('AT+CPIN?'), 'AT+CPIN?');
  assert.equal(maskCommand('AT+CMGR=1'), 'AT+CMGR=1');
});
