// Acceptance (issue 4): PC/SC unavailable is a typed error; a card removed mid-operation gives a typed
// error and the adapter recovers when it is reinserted; pcscd killed and restarted → the adapter
// reconnects on its own.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { CardRemovedError, PcscTransport, PcscUnavailableError } from '../../../src/card/index.js';
import { akaVector } from '../../unit/sim-usim/fixtures.js';
import { runningPcscd } from '../../helpers/pcscd.js';
import { pcscRig, type PcscRig } from './rig.js';

let rig: PcscRig | undefined;
after(() => rig?.close());

describe('PC/SC: failures and recovery', { timeout: 60_000 }, () => {
  it('without pcscd, opening PC/SC throws PcscUnavailableError naming the reason', async () => {
    assert.deepEqual(runningPcscd(), []);
    await assert.rejects(PcscTransport.open({ readerPattern: '.' }), (e: unknown) => e instanceof PcscUnavailableError && e.reason === 'service-unavailable' && /pcscd is not running/.test(e.message));
  });

  it('a card removed mid-operation gives CardRemovedError; reinserted, it works again', async () => {
    rig = await pcscRig();
    const rand = Buffer.alloc(16, 0x51);
    rig.usim.faults.settings.latencyMs = 400;
    const op = rig.card.authenticate3g(rand, akaVector(rig.sub, 64, rand).AUTN);
    setTimeout(() => rig!.usim.remove(), 150);
    await assert.rejects(op, CardRemovedError);
    await rig.card.waitFor('absent', 5000);
    await assert.rejects(rig.card.authenticate3g(rand, akaVector(rig.sub, 96, rand).AUTN), CardRemovedError);
    rig.usim.faults.settings.latencyMs = 0;
    rig.usim.insert();
    await rig.card.waitFor('ready', 15_000);
    const r = await rig.card.authenticate3g(rand, akaVector(rig.sub, 96, rand).AUTN);
    assert.equal(r.kind, 'success');
  });

  it('pcscd killed and restarted: the adapter reconnects and the card is ready again', async () => {
    const r = rig!;
    const warned = new Promise<string>((resolve) => r.card.once('warning', resolve));
    await r.pcscd.kill('SIGKILL');
    await r.card.waitFor('absent', 5000);
    assert.match(await warned, /PC\/SC context lost/);
    await r.pcscd.restart();
    await r.card.waitFor('ready', 20_000);
    const rand = Buffer.alloc(16, 0x52);
    const out = await r.card.authenticate3g(rand, akaVector(r.sub, 128, rand).AUTN);
    assert.equal(out.kind, 'success');
  });
});
