// The diagnostics masker, table-driven from lines the daemon really writes (pino JSON lines of the card, modem
// AT trace, GBA/BSM, MQTT), pino-pretty lines, HTTP headers and pretty-printed JSON, plus lines that must pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskLine, maskPlain, maskText, maskValue, MASK_RULES } from '../../../src/daemon/diagnostics/masker.js';

const IMSI = '310150123456789';
const KEY = '465b5ce8b199b49faa5f0a2ee238a6bc';
const BTID = 'kYnSkGlhCMbc7KNRQkz7qQ==@bsf.mnc015.mcc310.pub.3gppnetwork.org';
const RESPONSE = '6629fae49393a05397450978507c4ef1';

interface Row {
  what: string;
  line: string;
  masked: string;
  /** Substrings that must not survive. */
  gone: string[];
}

const ROWS: Row[] = [
  {
    what: 'card: IMSI and ICCID inside the message of a JSON line',
    line: `{"level":"info","time":"2025-03-01T10:00:00.000Z","pid":4242,"component":"card","reader":"Virtual PCD 00 00","msg":"USIM ${IMSI} ready (ICCID 8901260123456789012F)"}`,
    masked: '{"level":"info","time":"2025-03-01T10:00:00.000Z","pid":4242,"component":"card","reader":"Virtual PCD 00 00","msg":"USIM 3101…6789 ready (ICCID 8901…012F)"}',
    gone: [IMSI, '8901260123456789012F'],
  },
  {
    what: 'modem AT trace: the PIN of AT+CPIN',
    line: '{"level":"trace","time":"2025-03-01T10:00:01.000Z","pid":4242,"component":"modem","part":"at","tx":"AT+CPIN=\\"1234\\"","msg":"AT >"}',
    masked: '{"level":"trace","time":"2025-03-01T10:00:01.000Z","pid":4242,"component":"modem","part":"at","tx":"AT+CPIN=\\"****\\"","msg":"AT >"}',
    gone: ['1234'],
  },
  {
    what: 'modem AT trace: the PIN of AT+CLCK (facility "SC" stays)',
    line: '{"level":"trace","component":"modem","part":"at","tx":"AT+CLCK=\\"SC\\",1,\\"0000\\"","msg":"AT >"}',
    masked: '{"level":"trace","component":"modem","part":"at","tx":"AT+CLCK=\\"SC\\",1,\\"****\\"","msg":"AT >"}',
    gone: ['"0000'],
  },
  {
    what: 'gba: a B-TID in the message keeps 4 characters and the BSF host',
    line: `{"level":"debug","component":"gba","msg":"bootstrapped: B-TID ${BTID}, lifetime 2025-03-02T10:00:03Z"}`,
    masked: '{"level":"debug","component":"gba","msg":"bootstrapped: B-TID kYnS…@bsf.mnc015.mcc310.pub.3gppnetwork.org, lifetime 2025-03-02T10:00:03Z"}',
    gone: ['kYnSkGlhCMbc7KNRQkz7qQ=='],
  },
  {
    what: 'bsm: an authorization header nested in the log object (by field name)',
    line: `{"level":"debug","component":"bsm","headers":{"authorization":"Digest username=\\"${BTID}\\", response=\\"${RESPONSE}\\""},"msg":"POST /bsm/register"}`,
    masked: '{"level":"debug","component":"bsm","headers":{"authorization":"[masked]"},"msg":"POST /bsm/register"}',
    gone: [RESPONSE, 'kYnSkGlh'],
  },
  {
    what: 'bsm: a Digest header quoted in a message (by text)',
    line: `{"level":"debug","component":"bsm","msg":"sending Authorization: Digest username=\\"${BTID}\\", response=\\"${RESPONSE}\\""}`,
    masked: '{"level":"debug","component":"bsm","msg":"sending Authorization: Digest …"}',
    gone: [RESPONSE, 'kYnSkGlh'],
  },
  {
    what: 'a 32-hex key under an innocent field name',
    line: `{"level":"warn","component":"card","material":"${KEY}","msg":"oops"}`,
    masked: '{"level":"warn","component":"card","material":"465b…[32 hex]","msg":"oops"}',
    gone: [KEY],
  },
  {
    what: 'mqtt: user and password in a broker URL',
    line: '{"level":"info","component":"mqtt","url":"mqtts://bcastd:Sup3rS3cret@broker.example.net:8883","msg":"mqtt connected"}',
    masked: '{"level":"info","component":"mqtt","url":"mqtts://***@broker.example.net:8883","msg":"mqtt connected"}',
    gone: ['Sup3rS3cret', 'bcastd:'],
  },
  {
    what: 'identity fields, a nested pin and an IMSI kept as a number',
    line: `{"level":"info","component":"terminal","imsi":"${IMSI}","subscriber":{"msisdn":"15551234567","pin":"0000"},"n":${IMSI},"msg":"x"}`,
    masked: '{"level":"info","component":"terminal","imsi":"3101…6789","subscriber":{"msisdn":"1555…4567","pin":"[masked]"},"n":"3101…6789","msg":"x"}',
    gone: [IMSI, '15551234567', '0000'],
  },
  {
    what: 'pino-pretty line',
    line: `[10:00:00.000] INFO (card): IMSI ${IMSI} read, K ${KEY}`,
    masked: '[10:00:00.000] INFO (card): IMSI 3101…6789 read, K 465b…[32 hex]',
    gone: [IMSI, KEY],
  },
  {
    what: 'raw HTTP Digest header',
    line: `Authorization: Digest username="${BTID}", realm="3GPP-bootstrapping@bsf.mnc015.mcc310.pub.3gppnetwork.org", nonce="CjPk9mRqNuT/KpKc3q8D1w==", uri="/", response="${RESPONSE}"`,
    masked: 'Authorization: Digest …',
    gone: [RESPONSE, 'CjPk9mRq', 'kYnSkGlh'],
  },
  {
    what: 'raw Bearer header',
    line: 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc',
    masked: 'Authorization: Bearer …',
    gone: ['eyJhbGci'],
  },
  {
    what: 'password= in prose',
    line: 'login password=hunter2 retries=3',
    masked: 'login password=*** retries=3',
    gone: ['hunter2'],
  },
  {
    what: 'a line of pretty-printed JSON with "pin":',
    line: '    "pin": "0000",',
    masked: '    "pin": "***",',
    gone: ['0000'],
  },
];

const UNTOUCHED = [
  '{"level":"warn","component":"bsm","msg":"BSM 401 without a usable Digest challenge","status":401}',
  '{"level":"info","component":"store","mskId":"0x0000000100000002","pinFile":"/run/credentials/bcastd/pin","time":1740823200000,"msg":"saved"}',
  'epoch 1740823200000 uuid 123e4567-e89b-12d3-a456-426614174000 port 4359 spin=3',
  '{"level":"info","component":"card","imsi":"31015*******89","msg":"the MQTT sanitizer masked this one already"}',
];

for (const row of ROWS) {
  test(`masks: ${row.what}`, () => {
    const out = maskLine(row.line);
    assert.equal(out, row.masked);
    for (const s of row.gone) assert.ok(!out.includes(s), `${s} survived in ${out}`);
  });
}

test('lines without secrets pass unchanged', () => {
  for (const line of UNTOUCHED) assert.equal(maskLine(line), line);
});

test('masking is idempotent (bcastctl masks the bundle a second time)', () => {
  for (const { line } of ROWS) {
    const once = maskLine(line);
    assert.equal(maskLine(once), once, once);
  }
});

test('masked JSON lines are still JSON', () => {
  for (const { line } of ROWS.filter((r) => r.line.startsWith('{'))) assert.doesNotThrow(() => JSON.parse(maskLine(line)), line);
});

test('maskText masks every line of a text; maskValue masks a parsed JSON document', () => {
  const text = ROWS.map((r) => r.line).join('\n');
  assert.deepEqual(maskText(text).split('\n'), ROWS.map((r) => r.masked));
  const doc = { config: { mqtt: { url: 'mqtt://u:p4ss@h:1883' } }, lines: [`IMSI ${IMSI}`], card: { k: KEY, opc: KEY, iccid: '8901260123456789012' } };
  assert.deepEqual(maskValue(doc), { config: { mqtt: { url: 'mqtt://***@h:1883' } }, lines: ['IMSI 3101…6789'], card: { k: '[masked]', opc: '[masked]', iccid: '8901…9012' } });
});

test('every rule of the table is exercised by a row', () => {
  for (const rule of MASK_RULES) {
    const hit = ROWS.some((r) => new RegExp(rule.pattern.source, rule.pattern.flags.replace('g', '')).test(r.line));
    assert.ok(hit, `rule ${rule.name} has no row`);
  }
});

test("maskPlain's quick pre-check never lets a rule's match through: each match alone is still masked", () => {
  for (const rule of MASK_RULES) {
    const matches = ROWS.flatMap((r) => [...r.line.matchAll(new RegExp(rule.pattern.source, rule.pattern.flags.includes('g') ? rule.pattern.flags : `${rule.pattern.flags}g`))].map((m) => m[0]));
    assert.ok(matches.length > 0, `rule ${rule.name} has no row`);
    for (const m of matches) assert.notEqual(maskPlain(m), m, `rule ${rule.name}: ${m}`);
  }
  // And text the pre-check skips (no '=', ':', '@', no 14-hex run) is left alone, as every rule would leave it.
  for (const s of ['solicited pull', 'MSK stored', 'udp', 'ltkm', '0123456789abc', 'a b c d e f 1 2 3']) assert.equal(maskPlain(s), s);
});
