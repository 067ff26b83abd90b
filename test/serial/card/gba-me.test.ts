// Acceptance (issue 4), GBA_ME variant through real pcscd + vpcd: an AKA-only USIM; the terminal
// derives Ks_NAF (= MUK) and does the MIKEY MSK / MTK processing itself (me-mikey).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CardAuthError, KeyFreshnessError } from '../../../src/card/index.js';
import { toHex } from '../../../src/codec/hex.js';
import { BTID, IMPI, NAF_ID, gbaKeys, mskMessage, mtkMessage } from '../../unit/sim-usim/fixtures.js';
import { pcscRig, type PcscRig } from './rig.js';

const MSK = Buffer.alloc(16, 0x24);
const MTK = Buffer.alloc(16, 0x77);
let rig: PcscRig;
before(async () => {
  rig = await pcscRig({ profile: 'aka-only' });
});
after(() => rig?.close());

describe('PC/SC: GBA_ME on an AKA-only USIM', { timeout: 60_000 }, () => {
  it('bootstraps with 3G AKA and processes MSK / MTK messages in the terminal', async () => {
    assert.deepEqual(rig.card.capabilities, { gbaService: false, mbmsService: false, bcastScpService: false, gbaMode: 'gba-me', mikeyOn: 'me' });
    const rand = Buffer.alloc(16, 0x41);
    const g = gbaKeys(rig.sub, 64, rand);
    const boot = await rig.card.bootstrap(rand, g.av.AUTN);
    assert.ok(boot.kind === 'success' && toHex(boot.res.reveal()) === toHex(g.av.XRES));
    await rig.card.setBootstrapInfo(BTID, '2030-01-01T00:00:00Z');
    const ksNaf = await rig.card.deriveNafKey(NAF_ID, IMPI);
    assert.equal(toHex(ksNaf.reveal()), toHex(g.ksExtNaf));
    const before = rig.exchanges.length;
    const up = await rig.card.mskUpdate(mskMessage({ muk: g.ksExtNaf, counter: 3, msk: MSK, v: true }));
    assert.ok(up.stored && up.verification !== null);
    const gen = await rig.card.mtkGenerate(mtkMessage({ msk: MSK, counter: 1, mtkId: 2, mtk: MTK }));
    assert.equal(toHex(gen.mtk.reveal()), toHex(MTK));
    assert.equal(rig.exchanges.length, before, 'no APDU for ME-side MIKEY');
    await assert.rejects(rig.card.mskUpdate(mskMessage({ muk: g.ksExtNaf, counter: 3, msk: MSK })), KeyFreshnessError);
    await assert.rejects(rig.card.mskUpdate(mskMessage({ muk: g.ksExtNaf, counter: 4, msk: MSK, badMac: true })), CardAuthError);
    const pull = await rig.card.mskUpdate(mskMessage({ muk: g.ksExtNaf, counter: 5 }));
    assert.deepEqual([pull.stored, pull.solicitedPull], [false, true]);
  });
});
