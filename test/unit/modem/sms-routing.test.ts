// AT+CNMI choices from real AT+CNMI=? answers, the SMS dispatch by port, duplicate memory, boot URCs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AtFramer, parseCnmiTest, type UrcLine } from '../../../src/codec/at/index.js';
import { encodeSmsDeliver, encodeWspPush, SmsReassembler, decodeSmsDeliver } from '../../../src/codec/index.js';
import { BOOT_URCS, LruSet, WAP_PUSH_PORT, classifyDatagram, cnmiChoices, findBootUrc, matchesBootUrc } from '../../../src/modem/index.js';
import { failOnUnhandled } from './harness.js';

failOnUnhandled();

/** AT+CNMI=? answers as modules print them (27.005 §3.4.1 and vendor manuals). */
const QUECTEL = '+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)';
const SIM800 = '+CNMI: (0-3),(0-3),(0,2),(0,1),(0,1)';
const NO_ROUTING = '+CNMI: (0,1),(0,1),(0),(0),(0,1)';
const ONLY_MODE_3 = '+CNMI: (3),(0-3),(0),(0),(0)';

test('cmt: <mt> 2, modes in preference 2, 1, 3 as supported', () => {
  assert.deepEqual(
    cnmiChoices('cmt', parseCnmiTest(QUECTEL)).map((c) => c.command),
    ['AT+CNMI=2,2,0,0,0', 'AT+CNMI=1,2,0,0,0'],
  );
  assert.deepEqual(
    cnmiChoices('cmt', parseCnmiTest(SIM800)).map((c) => c.command),
    ['AT+CNMI=2,2,0,0,0', 'AT+CNMI=1,2,0,0,0', 'AT+CNMI=3,2,0,0,0'],
  );
  assert.deepEqual(cnmiChoices('cmt', parseCnmiTest(ONLY_MODE_3)).map((c) => c.command), ['AT+CNMI=3,2,0,0,0']);
});

test('auto: +CMT first, +CMTI as the fallback; a modem without <mt> 2 only gets +CMTI', () => {
  const auto = cnmiChoices('auto', parseCnmiTest(QUECTEL));
  assert.deepEqual(
    auto.map((c) => [c.route, c.command]),
    [
      ['cmt', 'AT+CNMI=2,2,0,0,0'],
      ['cmt', 'AT+CNMI=1,2,0,0,0'],
      ['cmti', 'AT+CNMI=2,1,0,0,0'],
      ['cmti', 'AT+CNMI=1,1,0,0,0'],
    ],
  );
  assert.deepEqual(
    cnmiChoices('auto', parseCnmiTest(NO_ROUTING)).map((c) => [c.route, c.command]),
    [['cmti', 'AT+CNMI=1,1,0,0,0']],
  );
  assert.deepEqual(cnmiChoices('cmt', parseCnmiTest(NO_ROUTING)), []);
});

test('unknown support: the usual settings', () => {
  assert.deepEqual(
    cnmiChoices('cmti', null).map((c) => c.command),
    ['AT+CNMI=2,1,0,0,0', 'AT+CNMI=1,1,0,0,0', 'AT+CNMI=3,1,0,0,0'],
  );
});

const PDU_BASE = { originator: '+491701234567', timestamp: '2024-05-01T12:00:00+02:00' } as const;

function datagramOf(pdu: Uint8Array) {
  const r = new SmsReassembler().add(decodeSmsDeliver(pdu));
  assert.equal(r.kind, 'single');
  return r.kind === 'single' ? r.datagram : assert.fail();
}

test('dispatch by destination port: 2948 is a WAP push, other ports datagrams, no port a plain SMS', () => {
  const push = encodeWspPush({ tid: 7, contentType: 'application/mikey', applicationId: 'x-oma-application:bcast.ua', body: Uint8Array.of(1, 2, 3) });
  const wap = classifyDatagram(datagramOf(encodeSmsDeliver({ ...PDU_BASE, ports: { destination: WAP_PUSH_PORT, source: 9200 }, userData: push })));
  assert.equal(wap.kind, 'wap-push');
  assert.deepEqual(wap.kind === 'wap-push' && [...wap.push.body], [1, 2, 3]);

  const other = classifyDatagram(datagramOf(encodeSmsDeliver({ ...PDU_BASE, ports: { destination: 4359, source: 4359 }, userData: Uint8Array.of(9) })));
  assert.deepEqual(other, { kind: 'datagram', port: 4359 });

  assert.deepEqual(classifyDatagram(datagramOf(encodeSmsDeliver({ ...PDU_BASE, text: 'hello' }))), { kind: 'sms' });

  const bad = classifyDatagram(datagramOf(encodeSmsDeliver({ ...PDU_BASE, ports: { destination: WAP_PUSH_PORT, source: 9200 }, userData: Uint8Array.of(1, 0x42) })));
  assert.equal(bad.kind, 'undecodable');
  assert.equal(bad.kind === 'undecodable' && bad.error.stage, 'wsp');
  assert.equal(bad.kind === 'undecodable' && bad.error.raw, '0142');
});

test('the duplicate memory is bounded and forgets the oldest', () => {
  const s = new LruSet(3);
  for (const k of ['a', 'b', 'c']) s.add(k);
  s.add('a'); // refresh: b is now the oldest
  s.add('d');
  assert.equal(s.size, 3);
  assert.deepEqual(['a', 'b', 'c', 'd'].map((k) => s.has(k)), [true, false, true, true]);
  assert.throws(() => new LruSet(0), RangeError);
});

function urc(text: string): UrcLine {
  const [line] = new AtFramer().push(`\r\n${text}\r\n`);
  assert.equal(line?.kind, 'urc', text);
  return line as UrcLine;
}

test('boot indications, and look-alikes that are not', () => {
  for (const text of ['RDY', '+CPIN: READY', '+CPIN: READY 0', '+CFUN: 1', 'SMS DONE', '+QIND: SMS DONE', 'SMS Ready', 'Call Ready', '*ATREADY: 1', '^SYSSTART']) {
    assert.equal(matchesBootUrc(urc(text), BOOT_URCS), true, text);
  }
  for (const text of ['+CPIN: SIM PIN', '+CFUN: 0', '+QIND: PB DONE', '+CMTI: "SM",1', '+CEREG: 1', 'PB DONE']) {
    assert.equal(matchesBootUrc(urc(text), BOOT_URCS), false, text);
  }
  assert.equal(matchesBootUrc(urc('PB DONE'), [{ name: 'PB DONE', origin: 'test' }]), true);
  // Only a power-up makes the engine give up on the command in flight.
  assert.deepEqual(
    ['RDY', '*ATREADY: 1', '^SYSSTART', 'SMS DONE', '+CPIN: READY'].map((t) => findBootUrc(urc(t), BOOT_URCS)?.restart === true),
    [true, true, true, false, false],
  );
});
