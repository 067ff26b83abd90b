/** +CGEV (every 27.007 §10.1.19 form and the vendor spellings), +CGPADDR, +CGACT; DecodeError on bad input. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DecodeError } from '../../../../src/codec/errors.js';
import { parseCgactRead, parseCgev, parseCgpaddr, type CgevEvent } from '../../../../src/codec/at/index.js';

function throwsDecode(fn: () => unknown, reason?: string): void {
  assert.throws(fn, (e: unknown) => e instanceof DecodeError && e.codec === 'at' && (reason === undefined || e.reason === reason));
}

const NONE = {
  cid: null,
  pCid: null,
  eventType: null,
  reason: null,
  cidOther: null,
  changeReason: null,
  pdpType: null,
  pdpAddr: null,
  mobileClass: null,
} as const;

function ev(event: string, origin: CgevEvent['origin'], effect: CgevEvent['effect'], rest: Partial<CgevEvent> = {}): CgevEvent {
  return { event, origin, effect, ...NONE, ...rest };
}

const CASES: ReadonlyArray<{ line: string; want: CgevEvent; src: string }> = [
  // Captured (transcripts/ and issues).
  { line: '+CGEV: ME PDN DEACT 1', want: ev('ME PDN DEACT', 'ME', 'deactivated', { cid: 1 }), src: 'T-SIM7600X issue #111' },
  { line: '+CGEV: NW PDN DEACT 1', want: ev('NW PDN DEACT', 'NW', 'deactivated', { cid: 1 }), src: 'Air780E, A76xx boot' },
  { line: '+CGEV: ME DETACH', want: ev('ME DETACH', 'ME', 'detached'), src: 'Air780E' },
  { line: '+CGEV: ME PDN ACT 1,0', want: ev('ME PDN ACT', 'ME', 'activated', { cid: 1, reason: 0 }), src: 'Air780E (IPv4 only allowed)' },
  { line: '+CGEV: ME PDN ACT 8,1', want: ev('ME PDN ACT', 'ME', 'activated', { cid: 8, reason: 1 }), src: 'A76xx boot' },
  { line: '+CGEV: ME PDN DEACT 8', want: ev('ME PDN DEACT', 'ME', 'deactivated', { cid: 8 }), src: 'A7670SA' },
  { line: '+CGEV: EPS PDN ACT 1', want: ev('EPS PDN ACT', null, 'activated', { cid: 1 }), src: 'SIMCom A76xx / SIM7020G' },
  // Fibocom / Nordic use cid 0 for the default bearer: 0 is a cid, not "no cid".
  { line: '+CGEV: NW PDN DEACT 0', want: ev('NW PDN DEACT', 'NW', 'deactivated', { cid: 0 }), src: 'Fibocom L860, mrhaav/openwrt-packages #13' },
  { line: '+CGEV: ME PDN DEACT 0', want: ev('ME PDN DEACT', 'ME', 'deactivated', { cid: 0 }), src: 'Fibocom L860' },
  { line: '+CGEV: NW DETACH', want: ev('NW DETACH', 'NW', 'detached'), src: '27.007' },
  // Vendor spellings.
  { line: '+CGEV: PDN DEACT 1', want: ev('PDN DEACT', null, 'deactivated', { cid: 1 }), src: 'vendor / older 27.007 spelling' },
  { line: '+CGEV: EPS PDN DEACT 1', want: ev('EPS PDN DEACT', null, 'deactivated', { cid: 1 }), src: 'SIMCom' },
  { line: '+CGEV: PDN ACT 1', want: ev('PDN ACT', null, 'activated', { cid: 1 }), src: 'older 27.007 spelling' },
  { line: '+CGEV: IPV6 0', want: ev('IPV6', null, 'ipv6-up', { cid: 0 }), src: 'Nordic nRF91' },
  { line: '+CGEV: IPV6 FAIL 0', want: ev('IPV6 FAIL', null, 'ipv6-failed', { cid: 0 }), src: 'Nordic nRF91' },
  { line: '+CGEV: ME BATTERY LOW', want: ev('ME BATTERY LOW', 'ME', 'warning'), src: 'Nordic nRF91' },
  { line: '+CGEV: ME OVERHEATED', want: ev('ME OVERHEATED', 'ME', 'warning'), src: 'Nordic nRF91' },
  // 27.007 §10.1.19, current forms.
  { line: '+CGEV: NW PDN ACT 2', want: ev('NW PDN ACT', 'NW', 'activated', { cid: 2 }), src: '27.007' },
  { line: '+CGEV: ME PDN ACT 3,2,4', want: ev('ME PDN ACT', 'ME', 'activated', { cid: 3, reason: 2, cidOther: 4 }), src: '27.007' },
  { line: '+CGEV: NW ACT 1, 2, 0', want: ev('NW ACT', 'NW', 'activated', { pCid: 1, cid: 2, eventType: 0 }), src: '27.007 dedicated bearer' },
  { line: '+CGEV: ME ACT 1,3,1', want: ev('ME ACT', 'ME', 'activated', { pCid: 1, cid: 3, eventType: 1 }), src: '27.007' },
  { line: '+CGEV: NW DEACT 1, 2, 0', want: ev('NW DEACT', 'NW', 'deactivated', { pCid: 1, cid: 2, eventType: 0 }), src: '27.007' },
  { line: '+CGEV: ME DEACT 1,2,1', want: ev('ME DEACT', 'ME', 'deactivated', { pCid: 1, cid: 2, eventType: 1 }), src: '27.007' },
  { line: '+CGEV: NW MODIFY 1, 3, 0', want: ev('NW MODIFY', 'NW', 'modified', { cid: 1, changeReason: 3, eventType: 0 }), src: '27.007' },
  { line: '+CGEV: ME MODIFY 2,1,1', want: ev('ME MODIFY', 'ME', 'modified', { cid: 2, changeReason: 1, eventType: 1 }), src: '27.007' },
  // Pre-Rel-8 forms with PDP type and address.
  {
    line: '+CGEV: NW DEACT "IP","10.120.51.2",1',
    want: ev('NW DEACT', 'NW', 'deactivated', { pdpType: 'IP', pdpAddr: '10.120.51.2', cid: 1 }),
    src: '27.007 old form',
  },
  {
    line: '+CGEV: ME DEACT "IPV6","32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.1"',
    want: ev('ME DEACT', 'ME', 'deactivated', { pdpType: 'IPV6', pdpAddr: '32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.1' }),
    src: '27.007 old form, no cid',
  },
  { line: '+CGEV: NW DEACT IP, 10.0.0.7,', want: ev('NW DEACT', 'NW', 'deactivated', { pdpType: 'IP', pdpAddr: '10.0.0.7' }), src: 'unquoted old form' },
  { line: '+CGEV: REJECT "IP","10.1.1.1"', want: ev('REJECT', null, 'rejected', { pdpType: 'IP', pdpAddr: '10.1.1.1' }), src: '27.007' },
  { line: '+CGEV: NW REACT "IP","10.1.1.1",1', want: ev('NW REACT', 'NW', 'reactivated', { pdpType: 'IP', pdpAddr: '10.1.1.1', cid: 1 }), src: '27.007' },
  { line: '+CGEV: NW CLASS "B"', want: ev('NW CLASS', 'NW', 'class-changed', { mobileClass: 'B' }), src: '27.007' },
  { line: '+CGEV: ME CLASS CG', want: ev('ME CLASS', 'ME', 'class-changed', { mobileClass: 'CG' }), src: '27.007' },
  { line: '+CGEV:ME  PDN  DEACT 1', want: ev('ME PDN DEACT', 'ME', 'deactivated', { cid: 1 }), src: 'squeezed/odd spacing' },
];

describe('parseCgev', () => {
  for (const c of CASES) it(`${c.line} (${c.src})`, () => assert.deepEqual(parseCgev(c.line), c.want));

  const bad: ReadonlyArray<{ line: string; reason: string }> = [
    { line: '+CGEV: NW SOMETHING 1', reason: 'unknown-event' },
    { line: '+CGEV: ', reason: 'unknown-event' },
    { line: '+CGEV: ME PDN DEACT', reason: 'missing-param' },
    { line: '+CGEV: ME PDN DEACT x', reason: 'bad-value' },
    { line: '+CGEV: ME PDN DEACT 256', reason: 'bad-value' },
    { line: '+CGEV: NW MODIFY 1', reason: 'missing-param' },
    { line: '+CGEV: REJECT 1.2.3.4', reason: 'bad-value' },
    { line: '+CGEV: NW CLASS', reason: 'missing-param' },
    { line: '+CGEREP: 2,1', reason: 'wrong-prefix' },
    { line: '+CGEV: NW DEACT "IP', reason: 'bad-syntax' },
  ];
  for (const b of bad) it(`refuses "${b.line}"`, () => throwsDecode(() => parseCgev(b.line), b.reason));
});

describe('parseCgpaddr', () => {
  const cases = [
    { line: '+CGPADDR: 1,"10.170.31.112"', want: { cid: 1, ipv4: '10.170.31.112', ipv6: null } },
    { line: '+CGPADDR: 1,10.170.31.112', want: { cid: 1, ipv4: '10.170.31.112', ipv6: null } },
    { line: '+CGPADDR: 1', want: { cid: 1, ipv4: null, ipv6: null } },
    { line: '+CGPADDR: 2,"0.0.0.0"', want: { cid: 2, ipv4: null, ipv6: null } },
    {
      line: '+CGPADDR: 1,"10.1.2.3","32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.1"',
      want: { cid: 1, ipv4: '10.1.2.3', ipv6: '2001:db8::1' },
    },
    { line: '+CGPADDR: 1,"2A01:0598:A8C1:1000::0001"', want: { cid: 1, ipv4: null, ipv6: '2a01:598:a8c1:1000::1' } },
    // Both in one string, as SARA-R5 prints IPV4V6 addresses (mbed-os issue #14510, +CGDCONT).
    { line: '+CGPADDR: 0,"100.67.16.107 0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"', want: { cid: 0, ipv4: '100.67.16.107', ipv6: null } },
    { line: '+CGPADDR: 3,"0.0.0.0","0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"', want: { cid: 3, ipv4: null, ipv6: null } },
    { line: '+CGPADDR: 1,"1:2:3:4:5:6:7:8"', want: { cid: 1, ipv4: null, ipv6: '1:2:3:4:5:6:7:8' } },
    { line: '+CGPADDR: 1,"fe80::"', want: { cid: 1, ipv4: null, ipv6: 'fe80::' } },
  ];
  for (const c of cases) it(c.line, () => assert.deepEqual(parseCgpaddr(c.line), c.want));

  it('refuses addresses that are neither IPv4 nor IPv6, and a bad cid', () => {
    throwsDecode(() => parseCgpaddr('+CGPADDR: 1,"10.1.2.300"'), 'bad-value');
    throwsDecode(() => parseCgpaddr('+CGPADDR: 1,"1:2:3"'), 'bad-value');
    throwsDecode(() => parseCgpaddr('+CGPADDR: 1,"1::2::3"'), 'bad-value');
    throwsDecode(() => parseCgpaddr('+CGPADDR: 1,"hello"'), 'bad-value');
    throwsDecode(() => parseCgpaddr('+CGPADDR: ,"10.1.2.3"'), 'bad-value');
  });
});

describe('parseCgactRead', () => {
  it('reads one line per context', () => {
    assert.deepEqual(parseCgactRead(['+CGACT: 1,1', '+CGACT: 2,0', '', '+CGACT: 0,1']), [
      { cid: 1, active: true },
      { cid: 2, active: false },
      { cid: 0, active: true },
    ]);
    assert.deepEqual(parseCgactRead('+CGACT: 8,1'), [{ cid: 8, active: true }]);
    assert.deepEqual(parseCgactRead([]), []);
  });
  it('refuses other lines and states', () => {
    throwsDecode(() => parseCgactRead(['+CGACT: 1,2']), 'bad-value');
    throwsDecode(() => parseCgactRead(['+CGACT: 1']), 'bad-syntax');
    throwsDecode(() => parseCgactRead(['+CGACT: 1,1', 'OK']), 'wrong-prefix');
  });
});
