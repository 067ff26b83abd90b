/** Command builders: exact command lines, and EncodeError for anything that cannot be sent as is. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EncodeError } from '../../../../src/codec/errors.js';
import * as at from '../../../../src/codec/at/index.js';

const LINES: ReadonlyArray<[string, () => string]> = [
  ['AT+CMGF=0', () => at.cmgf(0)],
  ['AT+CSMS=1', () => at.csms(1)],
  ['AT+CNMI=2,2,0,0,0', () => at.cnmi(2, 2, 0, 0, 0)],
  ['AT+CNMI=2,1,0,2,1', () => at.cnmi(2, 1, 0, 2, 1)],
  ['AT+CNMA', () => at.cnma()],
  ['AT+CMGR=3', () => at.cmgr(3)],
  ['AT+CMGD=3', () => at.cmgd(3)],
  ['AT+CMGD=1,4', () => at.cmgd(1, 4)],
  ['AT+CMGL=4', () => at.cmgl()],
  ['AT+CMGL=0', () => at.cmgl(0)],
  ['AT+CPMS="SM","SM","SM"', () => at.cpms('SM')],
  ['AT+CPMS="ME","ME","SR"', () => at.cpms('ME', 'ME', 'SR')],
  ['AT+CGDCONT=1,"IPV4V6","internet"', () => at.cgdcont(1, 'IPV4V6', 'internet')],
  ['AT+CGDCONT=1,"IP","iot.t-mobile.nl.mnc040.mcc901.gprs"', () => at.cgdcont(1, 'IP', 'iot.t-mobile.nl.mnc040.mcc901.gprs')],
  ['AT+CGDCONT=2,"IP",""', () => at.cgdcont(2, 'IP', '')],
  ['AT+CGACT=1,1', () => at.cgact(1, 1)],
  ['AT+CGACT=0,8', () => at.cgact(0, 8)],
  ['AT+CGPADDR=1', () => at.cgpaddr(1)],
  ['AT+CGPADDR', () => at.cgpaddr()],
  ['AT+CGEREP=2,1', () => at.cgerep(2, 1)],
  ['AT+CGEREP=0', () => at.cgerep(0)],
  ['AT+CEREG=2', () => at.regUrcMode('+CEREG', 2)],
  ['AT+CREG=2', () => at.regUrcMode('+CREG', 2)],
  ['AT+CMEE=2', () => at.cmee(2)],
];

describe('AT command builders', () => {
  for (const [want, build] of LINES) it(want, () => assert.equal(build(), want));

  const refused: ReadonlyArray<[string, () => string]> = [
    ['a negative index', () => at.cmgr(-1)],
    ['a fractional index', () => at.cmgd(1.5)],
    ['an index past 65535', () => at.cmgr(65536)],
    ['an APN with a quote', () => at.cgdcont(1, 'IP', 'inter"net')],
    ['an APN with a space', () => at.cgdcont(1, 'IP', 'my apn')],
    ['an APN with an empty label', () => at.cgdcont(1, 'IP', 'a..b')],
    ['an APN longer than 100 octets', () => at.cgdcont(1, 'IP', 'a'.repeat(101))],
    ['an unknown PDP type', () => at.cgdcont(1, 'X25' as at.PdpType, 'internet')],
    ['a cid past 255', () => at.cgact(1, 256)],
    ['a storage name that is not two letters', () => at.cpms('SM"')],
    ['a CNMI mode out of range', () => at.cnmi(4, 1, 0, 0, 0)],
    ['a +CEREG mode out of range', () => at.regUrcMode('+CEREG', 6)],
  ];
  for (const [why, build] of refused) it(`refuses ${why}`, () => assert.throws(build, EncodeError));
});
