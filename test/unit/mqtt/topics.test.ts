import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_TOPIC_PREFIX, DeviceTopics, LWT_PAYLOAD, TOPIC_TABLE } from '../../../src/mqtt/topics.js';
import { MqttError } from '../../../src/mqtt/errors.js';

const t = new DeviceTopics(DEFAULT_TOPIC_PREFIX, 'stb-1');

test('the contract topics of DESIGN.md, with their retain flags', () => {
  const cases: Array<[string, string, boolean]> = [
    ['status', t.state('status').full, true],
    ['info', t.state('info').full, true],
    ['health', t.state('health').full, true],
    ['modem', t.state('modem').full, true],
    ['pdp', t.state('pdp').full, true],
    ['card', t.state('card').full, true],
    ['gba', t.state('gba').full, true],
    ['registration', t.state('registration').full, true],
    ['keys/0F1234/7', t.keys('0F1234', 7).full, true],
    ['traffic/0F1234/00000102', t.traffic('0F1234', '00000102').full, true],
    ['events', t.topic('events').full, false],
    ['cmd/register/response', t.cmdResponse('register').full, false],
  ];
  for (const [path, full, retained] of cases) {
    assert.equal(full, `bcastd/v1/stb-1/${path}`);
    const name = path.split('/')[0] === 'cmd' ? 'cmdResponse' : (path.split('/')[0] as keyof typeof TOPIC_TABLE);
    assert.equal(TOPIC_TABLE[name].retained, retained, path);
  }
  assert.equal(t.cmdFilter, 'bcastd/v1/stb-1/cmd/+');
  assert.deepEqual(JSON.parse(LWT_PAYLOAD), { state: 'lost' });
});

test('command names are read back from request topics only', () => {
  assert.equal(t.commandOf('bcastd/v1/stb-1/cmd/pull'), 'pull');
  assert.equal(t.commandOf('bcastd/v1/stb-1/cmd/pull/response'), undefined);
  assert.equal(t.commandOf('bcastd/v1/other/cmd/pull'), undefined);
  assert.equal(t.commandOf('bcastd/v1/stb-1/status'), undefined);
});

test('levels with separators or wildcards are refused with a typed error', () => {
  for (const bad of ['a/b', '+', '#', '', 'x\u0000']) {
    assert.throws(() => t.keys(bad, 1), (e: unknown) => e instanceof MqttError && e.code === 'topic_invalid', JSON.stringify(bad));
  }
  assert.throws(() => new DeviceTopics('bcastd/v1', 'a/b'), MqttError);
  assert.throws(() => new DeviceTopics('bcastd//v1', 'a'), MqttError);
  assert.throws(() => t.topic('keys', { keyDomainId: '0F1234' }), /needs keyGroup/);
});
