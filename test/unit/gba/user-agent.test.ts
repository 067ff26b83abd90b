import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GBA_PRODUCT_TOKEN, gbaProductToken, gbaUserAgent } from '../../../src/gba/index.js';

test('the User-Agent names bcastd and its version, then the GBA product token of the flavour (SPEC §5)', () => {
  assert.deepEqual(GBA_PRODUCT_TOKEN, { 'gba-me': '3gpp-gba', 'gba-u': '3gpp-gba-uicc' });
  assert.equal(gbaUserAgent('gba-u', '0.4.1'), 'bcastd/0.4.1 3gpp-gba-uicc');
  assert.equal(gbaUserAgent('gba-me', '0.4.1'), 'bcastd/0.4.1 3gpp-gba');
  assert.equal(gbaUserAgent('gba-me', null), 'bcastd 3gpp-gba');
});

const READ: Array<[string | undefined, 'gba-u' | 'gba-me' | null]> = [
  ['bcastd/0.4.1 3gpp-gba-uicc', 'gba-u'],
  ['bcastd/0.4.1 3gpp-gba', 'gba-me'],
  ['3gpp-gba', 'gba-me'],
  ['Vendor/2 (Linux; 3gpp-gba) 3GPP-GBA-UICC/1.0', 'gba-u'],
  ['Vendor/2 (comment 3gpp-gba)', null],
  ['Vendor/2 3gpp-gbax', null],
  ['my3gpp-gba', null],
  ['', null],
  [undefined, null],
];

for (const [ua, mode] of READ) {
  test(`reads the GBA product token of ${JSON.stringify(ua)}: ${mode}`, () => {
    assert.equal(gbaProductToken(ua), mode);
  });
}
