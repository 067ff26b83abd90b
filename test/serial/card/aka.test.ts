// Acceptance (issue 4): AKA through real pcscd + vpcd with the Milenage test sets gives the published
// RES/CK/IK; a stale SQN yields AUTS that the crypto module resolves to the card's SQN.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toHex } from '../../../src/codec/hex.js';
import { resolveAuts, sqnToNumber } from '../../../src/crypto/index.js';
import { testSubscriber } from '../../../src/sim/subscriber.js';
import { hex, loadVector, type MilenageSet } from '../../unit/crypto/vectors.js';
import { akaVector } from '../../unit/sim-usim/fixtures.js';
import { pcscRig, type PcscRig } from './rig.js';

const sets = loadVector<{ sets: MilenageSet[] }>('milenage.json').sets;
let rig: PcscRig;
before(async () => {
  rig = await pcscRig();
});
after(() => rig?.close());

describe('PC/SC: 3G AKA on the virtual USIM', { timeout: 60_000 }, () => {
  for (const s of sets) {
    it(`Milenage test set ${s.testSet}: the card answers the published RES, CK, IK`, async () => {
      const sqn = sqnToNumber(hex(s.SQN));
      await rig.swapCard(testSubscriber({ k: hex(s.K), opc: hex(s.OPc), amf: hex(s.AMF), sqn: sqn - 32 }));
      assert.equal(rig.card.info!.reader, 'Virtual PCD 00 00');
      const r = await rig.card.authenticate3g(hex(s.RAND), akaVector(rig.sub, sqn, hex(s.RAND)).AUTN);
      assert.equal(r.kind, 'success');
      if (r.kind !== 'success') return;
      assert.equal(toHex(r.res.reveal()), s.f2_RES);
      assert.equal(toHex(r.ck.reveal()), s.f3_CK);
      assert.equal(toHex(r.ik.reveal()), s.f4_IK);
    });
  }

  it('a stale SQN gets AUTS, which resolveAuts turns into the card SQN', async () => {
    const rand = Buffer.alloc(16, 0x21);
    const cardSqn = rig.usim.sqnMs;
    const r = await rig.card.authenticate3g(rand, akaVector(rig.sub, cardSqn, rand).AUTN);
    assert.equal(r.kind, 'sync-failure');
    if (r.kind !== 'sync-failure') return;
    const back = resolveAuts({ K: rig.sub.k, OPc: rig.sub.opc, RAND: rand, AUTS: r.auts });
    assert.ok(back.macOk, 'MAC-S verifies');
    assert.equal(sqnToNumber(back.sqnMs), cardSqn);
  });
});
