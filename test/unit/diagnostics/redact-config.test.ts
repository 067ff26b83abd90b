// redactConfig on the shipped board configs and on a config with credentials in every place they could hide.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBoardConfig, parseBoardConfig } from '../../../src/daemon/config/index.js';
import { redactConfig, REDACTED } from '../../../src/daemon/diagnostics/redact-config.js';

const KEY = '465b5ce8b199b49faa5f0a2ee238a6bc';

test('the Raspberry Pi board: paths stay, the broker account is masked, nothing else changes', () => {
  const config = loadBoardConfig('rpi4-quectel-ec25', { env: {} });
  const r = redactConfig(config) as typeof config;
  assert.equal(r.mqtt.passwordFile, '/etc/bcastd/credentials/mqtt-password', 'where the password lives is useful and not secret');
  assert.equal(r.mqtt.username, '******', 'the broker account (an identity) is masked');
  const { mqtt: _a, ...rest } = r;
  const { mqtt: _b, ...original } = config;
  assert.deepEqual(rest, original, 'no other field changed');
  assert.notEqual(r, config, 'a copy');
  assert.equal(config.mqtt.username, 'bcastd', 'the loaded config is untouched');
});

test('the sim board has nothing to redact', () => {
  const config = loadBoardConfig('sim', { env: {} });
  assert.deepEqual(redactConfig(config), config);
});

test('credentials in URLs, secret-named fields at any depth, keys and identities in values', () => {
  const yaml = [
    'board: { name: lab }',
    'modem: { profile: sim }',
    'card: { pinFile: /run/credentials/bcastd/pin }',
    'network: { bsmFqdn: bsm.example.org, bsmUrl: "https://naf:s3cr3t@bsm.example.org/bsm" }',
    'mqtt:',
    '  url: mqtts://broker.example.net:8883',
    '  username: field-tester-7',
    '  passwordFile: /etc/bcastd/mqtt-password',
    '  tls: { ca: /etc/ssl/ca.pem, cert: /etc/ssl/me.pem, key: /etc/ssl/me.key }',
    'terminal: { services: [{ globalPurchaseItemId: "urn:svc:", purchaseDataReference: "1" }] }',
    'stateDir: /var/lib/bcastd',
    'sim: { subscriberFile: /etc/bcastd/subscriber.json }',
  ].join('\n');
  const config = parseBoardConfig(yaml, 'lab.yaml', { env: {} }) as unknown as Record<string, Record<string, unknown>>;
  // What a hand-edited or future config could carry (the schema refuses these today; the redactor must not rely on it).
  config['sim']!['subscriber'] = { imsi: '001010123456789', k: KEY, opc: KEY, ki: KEY, sqn: '000000000021', amf: '8000', nested: [{ pin: '1234', PIN2: '4321', apiKey: 'abc', token: 'xyz' }] };
  config['mqtt']!['password'] = 'plain';
  config['mqtt']!['url'] = 'mqtts://bcastd:Sup3rS3cret@broker.example.net:8883';
  config['network']!['note'] = `K is ${KEY} for 001010123456789`;
  const r = redactConfig(config) as Record<string, Record<string, unknown>>;

  assert.equal(r['mqtt']!['url'], 'mqtts://***@broker.example.net:8883');
  assert.equal(r['network']!['bsmUrl'], 'https://***@bsm.example.org/bsm');
  assert.equal(r['mqtt']!['username'], 'fiel…er-7');
  assert.equal(r['mqtt']!['password'], REDACTED);
  assert.equal(r['mqtt']!['passwordFile'], '/etc/bcastd/mqtt-password');
  assert.deepEqual(r['mqtt']!['tls'], { ca: '/etc/ssl/ca.pem', cert: '/etc/ssl/me.pem', key: '/etc/ssl/me.key', rejectUnauthorized: true });
  assert.equal(r['card']!['pinFile'], '/run/credentials/bcastd/pin');
  assert.equal(r['sim']!['subscriberFile'], '/etc/bcastd/subscriber.json');
  assert.deepEqual(r['sim']!['subscriber'], {
    imsi: '0010…6789',
    k: REDACTED,
    opc: REDACTED,
    ki: REDACTED,
    sqn: REDACTED,
    amf: '8000',
    nested: [{ pin: REDACTED, PIN2: REDACTED, apiKey: REDACTED, token: REDACTED }],
  });
  assert.equal(r['network']!['note'], 'K is 465b…[32 hex] for 0010…6789');
  const text = JSON.stringify(r);
  for (const s of ['Sup3rS3cret', 's3cr3t', 'plain', KEY, '001010123456789', '1234', '4321', 'xyz', 'field-tester-7']) assert.ok(!text.includes(s), `${s} survived`);
});
