// Acceptance (issue 4), GBA_U through real pcscd + vpcd: Ks_ext_NAF equals the crypto module's KDF and
// Ks_int_NAF never appears in an APDU response; MSK update with a codec-built MIKEY MSK message stores
// the MSK; replay → KeyFreshnessError; wrong MAC → CardAuthError; a key-less solicited pull passes the
// MAC check without storing a key; MTK generation returns the MTK the network put in.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CardAuthError, KeyFreshnessError, KeyNotFoundError } from '../../../src/card/index.js';
import { toHex } from '../../../src/codec/hex.js';
import { decodeMikey } from '../../../src/codec/mikey/index.js';
import { BTID, IMPI, NAF_ID, gbaKeys, mskMessage, mtkMessage } from '../../unit/sim-usim/fixtures.js';
import { pcscRig, type PcscRig } from './rig.js';

const MSK = Buffer.alloc(16, 0x42);
const MTK = Buffer.alloc(16, 0x55);
const SALT = Buffer.alloc(14, 0x66);
let rig: PcscRig;
let ksIntNaf: Buffer;
before(async () => {
  rig = await pcscRig({ profile: 'full' });
});
after(() => rig?.close());

const responses = () => rig.exchanges.map((e) => toHex(e.response)).join('|');

describe('PC/SC: GBA_U and the MBMS context on the virtual USIM', { timeout: 60_000 }, () => {
  it('Ks_ext_NAF from the card equals deriveKsNaf; Ks_int_NAF (and Ks) never appear in a response', async () => {
    assert.equal(rig.card.capabilities!.gbaMode, 'gba-u');
    const rand = Buffer.alloc(16, 0x31);
    const g = gbaKeys(rig.sub, 64, rand);
    ksIntNaf = g.ksIntNaf;
    const boot = await rig.card.bootstrap(rand, g.av.AUTN);
    assert.ok(boot.kind === 'success' && toHex(boot.res.reveal()) === toHex(g.av.XRES));
    await rig.card.setBootstrapInfo(BTID, '2030-01-01T00:00:00Z');
    const ks = await rig.card.deriveNafKey(NAF_ID, IMPI);
    assert.equal(toHex(ks.reveal()), toHex(g.ksExtNaf));
    const trace = responses();
    assert.ok(trace.includes(toHex(g.ksExtNaf)), 'the trace does hold what the card returned');
    for (const secret of [g.ksIntNaf, g.av.CK, g.av.IK]) assert.ok(!trace.includes(toHex(secret)));
  });

  it('MSK update stores the MSK and answers the verification message; MTK generation returns the MTK', async () => {
    const up = await rig.card.mskUpdate(mskMessage({ muk: ksIntNaf, counter: 10, msk: MSK, v: true }));
    assert.equal(up.stored, true);
    assert.equal(decodeMikey(up.verification!).hdr.dataType, 1);
    const gen = await rig.card.mtkGenerate(mtkMessage({ msk: MSK, counter: 1, mtkId: 7, mtk: MTK, salt: SALT }));
    assert.equal(toHex(gen.mtk.reveal()), toHex(MTK));
    assert.equal(toHex(gen.salt!.reveal()), toHex(SALT));
    assert.ok(!responses().includes(toHex(ksIntNaf)));
  });

  it('a replayed counter gets KeyFreshnessError, a wrong MAC CardAuthError', async () => {
    await assert.rejects(rig.card.mskUpdate(mskMessage({ muk: ksIntNaf, counter: 10, msk: MSK })), (e: unknown) => e instanceof KeyFreshnessError && e.sw === 0x9865);
    await assert.rejects(rig.card.mskUpdate(mskMessage({ muk: ksIntNaf, counter: 11, msk: MSK, badMac: true })), (e: unknown) => e instanceof CardAuthError && e.sw === 0x9862);
  });

  it('a key-less solicited pull passes the MAC check and stores no key', async () => {
    await assert.rejects(rig.card.mskUpdate(mskMessage({ muk: ksIntNaf, counter: 12, badMac: true })), CardAuthError);
    const r = await rig.card.mskUpdate(mskMessage({ muk: ksIntNaf, counter: 12 }));
    assert.deepEqual([r.stored, r.solicitedPull], [false, true]);
    const noKey = { keyGroup: 0, keyNumber: 0 };
    await assert.rejects(rig.card.mtkGenerate(mtkMessage({ msk: Buffer.alloc(16), counter: 1, mtkId: 1, mtk: MTK, mskId: noKey })), KeyNotFoundError);
  });
});
