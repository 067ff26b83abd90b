import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import { ApduChannel, CardAuthError, KeyFreshnessError, PinError, formatCommand, formatResponse } from '../../../src/card/index.js';
import { fromHex, toHex } from '../../../src/codec/hex.js';
import { auth3gCommand, readBinary, selectFid, verifyPin, encodePin } from '../../../src/codec/usim/index.js';
import { ScriptedTransport } from './fake-transport.js';

const RAND = '23553cbe9637a89d218ae64dae47bf35';
const AUTN = '55f328b43577b9b94a9ffac354dfafb3';
const RES = 'a54211d5e3ba50bf';
const CK = 'b40ba9a3c58b2a05bbf0d987b21bf8cb';
const IK = 'f769bcd751044604127672711c6d3441';
const AUTH = `0088008122` + `10${RAND}10${AUTN}00`;
const ANSWER = `db08${RES}10${CK}10${IK}`;

describe('APDU layer', () => {
  it('follows 61xx with GET RESPONSE and joins the parts', async () => {
    const t = new ScriptedTransport([
      [AUTH, '6124'],
      ['00c0000024', `${ANSWER.slice(0, 40)}6110`],
      ['00c0000010', `${ANSWER.slice(40)}9000`],
    ]);
    const ch = new ApduChannel(t);
    const r = await ch.exchange(auth3gCommand(fromHex(RAND), fromHex(AUTN)), { op: 'AKA' });
    assert.equal(toHex(r.data), ANSWER);
    assert.equal(r.sw, 0x9000);
    assert.equal(ch.count, 3);
  });

  it('resends with the exact Le after 6Cxx', async () => {
    const t = new ScriptedTransport([
      ['00b0000010', '6c09'],
      ['00b0000009', '0809101010325476989000'],
    ]);
    const data = await new ApduChannel(t).command(readBinary(0, 16), { op: 'READ' });
    assert.equal(toHex(data), '080910101032547698');
  });

  it('turns status words into typed errors', async () => {
    const t = new ScriptedTransport([
      [AUTH, '9862'],
      ['00a4000c026fd7', '9865'],
      ['002000010831323334ffffffff', '63c2'],
    ]);
    const ch = new ApduChannel(t);
    await assert.rejects(ch.command(auth3gCommand(fromHex(RAND), fromHex(AUTN)), { op: 'AKA' }), (e: unknown) => e instanceof CardAuthError && e.sw === 0x9862 && e.message.includes('AKA'));
    await assert.rejects(ch.command(selectFid(0x6fd7, false), { op: 'X' }), KeyFreshnessError);
    await assert.rejects(ch.command(verifyPin(encodePin('1234')), { op: 'PIN' }), (e: unknown) => e instanceof PinError && e.triesLeft === 2);
  });

  it('runs one logical command at a time (a GET RESPONSE is never interleaved)', async () => {
    const t = new ScriptedTransport([
      [AUTH, '6124'],
      ['00c0000024', `${ANSWER}9000`],
      ['00a4000c023f00', '9000'],
    ]);
    const ch = new ApduChannel(t);
    await Promise.all([ch.exchange(auth3gCommand(fromHex(RAND), fromHex(AUTN)), { op: 'AKA' }), ch.exchange(selectFid(0x3f00, false), { op: 'SELECT' })]);
    assert.deepEqual(t.sent, [AUTH, '00c0000024', '00a4000c023f00']);
  });

  it('traces exchanges at trace level with secrets hidden, and taps them raw', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) });
    const log = pino({ level: 'trace' }, sink);
    const raw: string[] = [];
    const t = new ScriptedTransport([
      [AUTH, '6124'],
      ['00c0000024', `${ANSWER}9000`],
      ['002000010831323334ffffffff', '9000'],
    ]);
    const ch = new ApduChannel(t, { logger: log, onExchange: (e) => raw.push(toHex(e.response)) });
    await ch.exchange(auth3gCommand(fromHex(RAND), fromHex(AUTN)), { op: 'AKA', mask: { response: true } });
    await ch.exchange(verifyPin(encodePin('1234')), { op: 'PIN', mask: { command: true } });
    const text = lines.join('');
    assert.equal(lines.length, 3);
    for (const secret of [RES, CK, IK, '31323334']) assert.ok(!text.includes(secret), `${secret} leaked into the trace`);
    assert.ok(text.includes('<44 bytes hidden> 9000'));
    assert.ok(text.includes('0088008122'), 'headers stay visible');
    assert.ok(raw[1]!.startsWith(ANSWER), 'the tap sees raw bytes');
  });

  it('formats commands and responses', () => {
    assert.equal(formatCommand(fromHex('00a40004026f0700'), {}), '00a4000402 6f0700');
    assert.equal(formatCommand(fromHex('00b0000009'), { command: true }), '00b0000009');
    assert.equal(formatResponse(fromHex('9000'), { response: true }), '9000');
    assert.equal(formatResponse(fromHex('01029000'), {}), '0102 9000');
  });
});
