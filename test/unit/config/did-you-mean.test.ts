import { test } from 'node:test';
import assert from 'node:assert/strict';
import { didYouMean } from '../../../src/daemon/config/did-you-mean.js';

const KEYS = ['profile', 'port', 'baudRate', 'urcPort', 'smsMode', 'apn', 'pdpType', 'cid', 'gpio', 'timeouts'];

test('did-you-mean: close typos are matched, far words are not', () => {
  const table: [string, string | undefined][] = [
    ['baudrate', 'baudRate'], // case only
    ['buadRate', 'baudRate'], // transposition
    ['profle', 'profile'], // deletion
    ['smsmodes', 'smsMode'], // insertion + case
    ['pdp_type', 'pdpType'],
    ['ap', 'apn'],
    ['x', undefined],
    ['colour', undefined],
    ['timeout', 'timeouts'],
  ];
  for (const [word, want] of table) assert.equal(didYouMean(word, KEYS), want, word);
  assert.equal(didYouMean('anything', []), undefined);
});
