/** +CREG/+CGREG/+CEREG and +CPIN from captured lines; malformed input must give DecodeError only. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DecodeError } from '../../../../src/codec/errors.js';
import { parseCpin, parseCreg, type Registration } from '../../../../src/codec/at/index.js';

function throwsDecode(fn: () => unknown, reason?: string): void {
  assert.throws(fn, (e: unknown) => e instanceof DecodeError && e.codec === 'at' && (reason === undefined || e.reason === reason));
}

type Want = Partial<Registration>;

const CASES: ReadonlyArray<{ line: string; form: 'urc' | 'read'; want: Want; src: string }> = [
  { line: '+CREG: 0,2', form: 'read', want: { command: '+CREG', n: 0, stat: 2, registered: false, area: null }, src: 'EG25-G, PinePhone transcript' },
  { line: '+CREG: 0,1', form: 'read', want: { n: 0, stat: 1, registered: true, roaming: false }, src: 'EG25-G, PinePhone second run' },
  {
    line: '+CREG: 0,1,"5E25","605F",2',
    form: 'read',
    want: { n: 0, stat: 1, area: '5E25', ci: '605F', act: 2 },
    src: 'Telit, gammu tests/at-creg/telit.dump',
  },
  { line: '+CREG: 2,1,4CA,81DE445', form: 'read', want: { n: 2, stat: 1, area: '4CA', ci: '81DE445', act: null }, src: 'Huawei, gammu tests/at-creg/huawei.dump' },
  {
    line: '+CREG: 2,5,"2AF5","0B88E350",2',
    form: 'read',
    want: { n: 2, stat: 5, statName: 'registered, roaming', registered: true, roaming: true, area: '2AF5', ci: '0B88E350', act: 2 },
    src: 'Sierra 312U, gammu tests/at-creg/sierra312u.dump',
  },
  { line: '+CREG: 2,1,"","605F"', form: 'read', want: { stat: 1, area: null, ci: '605F' }, src: 'gammu tests/at-creg-corner/empty-lac.dump' },
  { line: '+CREG: 1, E006B, ABE0016', form: 'urc', want: { n: null, stat: 1, area: 'E006B', ci: 'ABE0016' }, src: 'Huawei E1752 URC, gammu issue #126' },
  { line: '+CREG: 2', form: 'urc', want: { stat: 2, statName: 'searching' }, src: 'SARA-R422, ubxlib issue #202' },
  { line: '+CEREG: 2,,,,,,,,', form: 'urc', want: { command: '+CEREG', stat: 2, area: null, ci: null, act: null, causeType: null }, src: 'SARA-R422, ubxlib issue #202' },
  { line: '+CEREG: 4,2', form: 'read', want: { n: 4, stat: 2 }, src: 'SARA-R422, ubxlib issue #202' },
  { line: '+CGREG: 2,4', form: 'read', want: { command: '+CGREG', n: 2, stat: 4, statName: 'unknown' }, src: 'SARA-R422, ubxlib issue #202' },
  { line: '+CEREG: 2,0', form: 'read', want: { n: 2, stat: 0 }, src: 'SARA-R500S, mbed-os issue #14510' },
  { line: '+CEREG: 0,1', form: 'read', want: { n: 0, stat: 1, registered: true }, src: 'A7670SA, Electrodragon wiki' },
  {
    line: '+CEREG: 1,"774b","0770ac34",7',
    form: 'urc',
    want: { n: null, stat: 1, area: '774B', ci: '0770AC34', act: 7 },
    src: 'SIM7020G boot URC, Electrodragon wiki',
  },
  {
    line: '+CEREG: 5,"00C3","0A1B2C3D",7,0,13',
    form: 'urc',
    want: { stat: 5, roaming: true, act: 7, causeType: 0, rejectCause: 13 },
    src: '27.007 §10.1.22 URC with cause',
  },
  {
    line: '+CGREG: 2,1,"1F40","00AB12CD",7,"05"',
    form: 'read',
    want: { command: '+CGREG', stat: 1, area: '1F40', act: 7, rac: '05' },
    src: '27.007 §10.1.20 read form with <rac>',
  },
  {
    line: '+C5GREG: 1,"000001","0000000A1",11,,,0,7',
    form: 'urc',
    want: { command: '+C5GREG', stat: 1, area: '000001', act: 11, causeType: 0, rejectCause: 7 },
    src: '27.007 §10.1.56 URC',
  },
];

describe('parseCreg', () => {
  for (const c of CASES) {
    it(`${c.line} as ${c.form} (${c.src})`, () => {
      const got = parseCreg(c.line, c.form);
      const picked = Object.fromEntries(Object.keys(c.want).map((k) => [k, got[k as keyof Registration]]));
      assert.deepEqual(picked, c.want);
    });
  }

  it('reads "+CEREG: 1,5" differently by form: the caller knows', () => {
    assert.deepEqual([parseCreg('+CEREG: 1,5', 'read').stat, parseCreg('+CEREG: 1,5', 'read').n], [5, 1]);
    assert.deepEqual([parseCreg('+CEREG: 1,5', 'urc').stat, parseCreg('+CEREG: 1,5', 'urc').area], [1, '5']);
  });

  const bad: ReadonlyArray<{ line: string; form: 'urc' | 'read'; reason: string }> = [
    { line: '+CREG: 1', form: 'read', reason: 'missing-param' },
    { line: '+CEREG: 12', form: 'urc', reason: 'bad-value' },
    { line: '+CEREG: 1,"77G4"', form: 'urc', reason: 'bad-value' },
    { line: '+CEREG: x', form: 'urc', reason: 'bad-value' },
    { line: '+COPS: 0,0,"SGP-M1",2', form: 'read', reason: 'wrong-prefix' },
    { line: '+CREG:', form: 'urc', reason: 'missing-param' },
  ];
  for (const b of bad) it(`refuses ${b.line} as ${b.form}`, () => throwsDecode(() => parseCreg(b.line, b.form), b.reason));
});

describe('parseCpin', () => {
  const cases = [
    { line: '+CPIN: READY', want: { code: 'READY', ready: true, absent: false, waitingFor: null, extra: null } },
    { line: '+CPIN: SIM PIN', want: { code: 'SIM PIN', ready: false, absent: false, waitingFor: 'SIM PIN', extra: null } },
    { line: '+CPIN: SIM PIN2', want: { code: 'SIM PIN2', ready: false, absent: false, waitingFor: 'SIM PIN2', extra: null } },
    { line: '+CPIN: PH-NET PIN', want: { code: 'PH-NET PIN', ready: false, absent: false, waitingFor: 'PH-NET PIN', extra: null } },
    // Quectel prints these unsolicited at boot / on SIM loss.
    { line: '+CPIN: NOT INSERTED', want: { code: 'NOT INSERTED', ready: false, absent: true, waitingFor: null, extra: null } },
    { line: '+CPIN: NOT READY', want: { code: 'NOT READY', ready: false, absent: false, waitingFor: null, extra: null } },
    // Air780E appends the SIM slot (transcript air780e-sim-hotplug.txt).
    { line: '+CPIN: SIM REMOVED 0', want: { code: 'SIM REMOVED', ready: false, absent: true, waitingFor: null, extra: '0' } },
    { line: '+CPIN: READY 0', want: { code: 'READY', ready: true, absent: false, waitingFor: null, extra: '0' } },
    { line: '+CPIN:READY', want: { code: 'READY', ready: true, absent: false, waitingFor: null, extra: null } },
  ];
  for (const c of cases) it(c.line, () => assert.deepEqual(parseCpin(c.line), c.want));

  it('refuses unknown codes and broken lines', () => {
    throwsDecode(() => parseCpin('+CPIN: MAYBE'), 'bad-value');
    throwsDecode(() => parseCpin('+CPIN: READY,1'), 'bad-syntax');
    throwsDecode(() => parseCpin('+CPIN:'), 'bad-syntax');
    throwsDecode(() => parseCpin('+CPIN: "SIM PIN'), 'bad-syntax');
    throwsDecode(() => parseCpin('+QUSIM: 1'), 'wrong-prefix');
  });
});
