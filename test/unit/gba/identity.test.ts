import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bsfHost, impiFromImsi, keyDomainIdFromPlmn, plmnFromImsi } from '../../../src/gba/index.js';
import { maskId } from '../../../src/util/mask.js';

const cases = [
  { imsi: '001010123456789', mncLength: 2, bsf: 'bsf.mnc001.mcc001.pub.3gppnetwork.org', impi: '001010123456789@ims.mnc001.mcc001.3gppnetwork.org', kd: '00f110' },
  { imsi: '310150123456789', mncLength: 3, bsf: 'bsf.mnc150.mcc310.pub.3gppnetwork.org', impi: '310150123456789@ims.mnc150.mcc310.3gppnetwork.org', kd: '130051' },
  { imsi: '262011234567890', mncLength: 2, bsf: 'bsf.mnc001.mcc262.pub.3gppnetwork.org', impi: '262011234567890@ims.mnc001.mcc262.3gppnetwork.org', kd: '62f210' },
];

for (const c of cases) {
  test(`BSF host, IMPI and Key Domain ID for ${c.imsi} (MNC length ${c.mncLength})`, () => {
    const p = plmnFromImsi(c.imsi, c.mncLength);
    assert.equal(bsfHost(p), c.bsf);
    assert.equal(impiFromImsi(c.imsi, p), c.impi);
    assert.equal(Buffer.from(keyDomainIdFromPlmn(p)).toString('hex'), c.kd);
  });
}

test('bad IMSI or MNC length is refused', () => {
  assert.throws(() => plmnFromImsi('12ab', 2), RangeError);
  assert.throws(() => plmnFromImsi('001010123456789', 4), RangeError);
});

test('maskId keeps only a short prefix and suffix', () => {
  const m = maskId('001010123456789');
  assert.equal(m, '0010…6789');
  assert.ok(!m.includes('0123456'));
});
