import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ApduChannel,
  CardAuthError,
  CardProtocolError,
  CardStatusError,
  ContextNotSupportedError,
  FileNotFoundError,
  InProcessTransport,
  KeyFreshnessError,
  KeyNotFoundError,
  NoMemoryError,
  PinError,
  SecurityStatusError,
  UsimApplication,
  errorForStatus,
} from '../../../src/card/index.js';
import { fromHex } from '../../../src/codec/hex.js';
import { selectAid } from '../../../src/codec/usim/index.js';
import { USIM_AID, VirtualUsim } from '../../../src/sim/usim/index.js';
import { testSubscriber } from '../../../src/sim/subscriber.js';
import { ScriptedTransport } from './fake-transport.js';

describe('card errors: one class per status word', () => {
  const table: [number, new (...a: never[]) => CardStatusError, string][] = [
    [0x9862, CardAuthError, 'auth-mac'],
    [0x9864, ContextNotSupportedError, 'context-not-supported'],
    [0x9865, KeyFreshnessError, 'key-freshness'],
    [0x9866, NoMemoryError, 'no-memory'],
    [0x9867, NoMemoryError, 'no-memory'],
    [0x6a82, FileNotFoundError, 'file-not-found'],
    [0x6982, SecurityStatusError, 'security-status'],
    [0x6a88, KeyNotFoundError, 'key-not-found'],
    [0x63c1, PinError, 'pin-rejected'],
    [0x6983, PinError, 'pin-blocked'],
    [0x6d00, CardStatusError, 'not-supported'],
  ];
  for (const [sw, cls, code] of table) {
    it(`${sw.toString(16)} → ${cls.name} (${code})`, () => {
      const e = errorForStatus(sw, 'OP');
      assert.ok(e instanceof cls);
      assert.equal(e.code, code);
      assert.equal(e.sw, sw);
      assert.match(e.message, new RegExp(`^OP: .*SW ${sw.toString(16).toUpperCase()}`));
    });
  }
});

describe('card errors: malformed card answers', () => {
  it('an AUTHENTICATE answer that does not decode is a CardProtocolError', async () => {
    const t = new ScriptedTransport([[`0088008122` + `10${'00'.repeat(16)}10${'00'.repeat(16)}00`, 'db0102049000']]);
    const app = new UsimApplication(new ApduChannel(t));
    await assert.rejects(app.authenticate3g(new Uint8Array(16), new Uint8Array(16)), CardProtocolError);
  });

  it('a card that never stops answering 61xx is a CardProtocolError', async () => {
    const script: [string, string][] = [['00a4000c023f00', '6101']];
    for (let i = 0; i < 20; i++) script.push(['00c0000001', '006101']);
    await assert.rejects(new ApduChannel(new ScriptedTransport(script)).exchange({ cla: 0, ins: 0xa4, p1: 0, p2: 0x0c, data: fromHex('3f00') }, { op: 'X' }), CardProtocolError);
  });

  it('the GBA context on an AKA-only card is ContextNotSupportedError', async () => {
    const usim = new VirtualUsim({ subscriber: testSubscriber(), profile: 'aka-only' });
    const ch = new ApduChannel(new InProcessTransport(usim));
    await ch.command(selectAid(USIM_AID, false), { op: 'SELECT' });
    await assert.rejects(new UsimApplication(ch).gbaBootstrap(new Uint8Array(16), new Uint8Array(16)), ContextNotSupportedError);
  });

  it('a warm reset through the transport forgets the selected application', async () => {
    const usim = new VirtualUsim({ subscriber: testSubscriber() });
    const t = new InProcessTransport(usim);
    const ch = new ApduChannel(t);
    await ch.command(selectAid(USIM_AID, false), { op: 'SELECT' });
    await t.reset();
    await assert.rejects(new UsimApplication(ch).gbaBootstrap(new Uint8Array(16), new Uint8Array(16)), (e: unknown) => e instanceof CardStatusError && e.sw === 0x6985);
  });
});
