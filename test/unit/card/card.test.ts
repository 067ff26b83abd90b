import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  Card,
  CardRemovedError,
  CardStateError,
  InProcessTransport,
  KeyFreshnessError,
  KeyNotFoundError,
  PinError,
  type ApduExchange,
  type CardState,
  type GbaModeSetting,
} from '../../../src/card/index.js';
import { toHex } from '../../../src/codec/hex.js';
import { resolveAuts, sqnToNumber } from '../../../src/crypto/index.js';
import { VirtualUsim, type UsimProfile } from '../../../src/sim/usim/index.js';
import { testSubscriber, type Subscriber } from '../../../src/sim/subscriber.js';
import { BTID, IMPI, KDID, NAF_ID, akaVector, gbaKeys, mskMessage, mtkMessage } from '../sim-usim/fixtures.js';

const dir = await mkdtemp(join(tmpdir(), 'bcastd-card-'));
after(() => rm(dir, { recursive: true, force: true }));

const MSK = Buffer.alloc(16, 0x42);
const MTK = Buffer.alloc(16, 0x55);
const SALT = Buffer.alloc(14, 0x66);
const LIFETIME = '2030-01-01T00:00:00Z';

interface Setup {
  card: Card;
  usim: VirtualUsim;
  sub: Subscriber;
  states: CardState[];
  exchanges: ApduExchange[];
}

async function setup(o: { profile?: UsimProfile; gbaMode?: GbaModeSetting; pin?: string; pinFile?: string; ready?: boolean } = {}): Promise<Setup> {
  const sub = testSubscriber({ pin: o.pin ?? null });
  const usim = new VirtualUsim({ subscriber: sub, profile: o.profile ?? 'full' });
  const exchanges: ApduExchange[] = [];
  const card = new Card({
    transport: new InProcessTransport(usim),
    ...(o.gbaMode ? { gbaMode: o.gbaMode } : {}),
    ...(o.pinFile ? { pinFile: o.pinFile } : {}),
    onExchange: (e) => exchanges.push(e),
  });
  const states: CardState[] = [];
  card.on('state', (c) => states.push(c.state));
  await card.start();
  if (o.ready !== false) assert.equal(card.state, 'ready');
  return { card, usim, sub, states, exchanges };
}

/** Counts the raw APDUs an operation takes. */
async function apdus<T>(s: Setup, op: () => Promise<T>): Promise<{ result: T; count: number }> {
  const before = s.exchanges.length;
  const result = await op();
  return { result, count: s.exchanges.length - before };
}

describe('Card: bring-up', () => {
  it('goes present → selecting → ready and reports identity and capabilities', async () => {
    const s = await setup();
    assert.deepEqual(s.states, ['present', 'selecting', 'ready']);
    const info = s.card.info!;
    assert.equal(info.imsi, s.sub.imsi);
    assert.equal(info.imsiMasked, '00101********01');
    assert.deepEqual([info.mcc, info.mnc, info.keyDomainId, info.iccid], ['001', '01', toHex(KDID), s.sub.iccid]);
    assert.deepEqual(info.capabilities, { gbaService: true, mbmsService: true, bcastScpService: true, gbaMode: 'gba-u', mikeyOn: 'card' });
    assert.equal(info.aid.slice(0, 14), 'a0000000871002');
  });

  it('an AKA-only card means GBA_ME; the board config may force GBA_ME, and GBA_U on it is an error', async () => {
    assert.deepEqual((await setup({ profile: 'aka-only' })).card.capabilities, { gbaService: false, mbmsService: false, bcastScpService: false, gbaMode: 'gba-me', mikeyOn: 'me' });
    assert.equal((await setup({ gbaMode: 'gba-me' })).card.capabilities!.gbaMode, 'gba-me');
    const bad = await setup({ profile: 'aka-only', gbaMode: 'gba-u', ready: false });
    assert.equal(bad.card.state, 'error');
  });

  it('PIN1: pin-required without a PIN file, verifyPin() finishes; a PIN file is used directly', async () => {
    const s = await setup({ pin: '1234', ready: false });
    assert.equal(s.card.state, 'pin-required');
    await assert.rejects(s.card.authenticate3g(Buffer.alloc(16), Buffer.alloc(16)), CardStateError);
    await assert.rejects(s.card.verifyPin('0000'), (e: unknown) => e instanceof PinError && e.triesLeft === 2);
    await s.card.verifyPin('1234');
    assert.equal(s.card.state, 'ready');
    const file = join(dir, 'pin');
    await writeFile(file, '1234\n');
    await chmod(file, 0o600);
    assert.equal((await setup({ pin: '1234', pinFile: file })).card.state, 'ready');
    const garbage = join(dir, 'garbage-pin');
    await writeFile(garbage, 'not a pin');
    const g = await setup({ pin: '1234', pinFile: garbage, ready: false });
    assert.equal(g.card.state, 'error');
    assert.equal(g.usim.pinTriesLeft, 3, 'nothing sent to the card');
    const wrong = join(dir, 'wrong-pin');
    await writeFile(wrong, '9999');
    const w = await setup({ pin: '1234', pinFile: wrong, ready: false });
    assert.equal(w.card.state, 'error');
    assert.equal(w.usim.pinTriesLeft, 2, 'one try spent, never retried automatically');
  });
});

describe('Card: GBA_U and the MBMS context on the card, with minimal APDUs', () => {
  it('AKA (2 APDUs), bootstrapping (2) + NAF derivation (2), MSK update (1), MTK generation (2)', async () => {
    const s = await setup();
    const rand = Buffer.alloc(16, 1);
    const aka = await apdus(s, () => s.card.authenticate3g(rand, akaVector(s.sub, 32, rand).AUTN));
    assert.equal(aka.count, 2);
    const g = gbaKeys(s.sub, 64, rand);
    const boot = await apdus(s, () => s.card.bootstrap(rand, g.av.AUTN));
    assert.equal(boot.count, 2);
    assert.ok(boot.result.kind === 'success' && toHex(boot.result.res.reveal()) === toHex(g.av.XRES));
    await assert.rejects(s.card.deriveNafKey(NAF_ID, IMPI), CardStateError, 'B-TID first');
    await s.card.setBootstrapInfo(BTID, LIFETIME);
    assert.deepEqual(s.card.info!.gbaBootstrap, { btid: BTID, lifetime: LIFETIME });
    const naf = await apdus(s, () => s.card.deriveNafKey(NAF_ID, IMPI));
    assert.equal(naf.count, 2);
    assert.equal(toHex(naf.result.reveal()), toHex(g.ksExtNaf));
    assert.deepEqual(await s.card.gbaNafList(), [{ nafId: Uint8Array.from(NAF_ID), btid: BTID }]);
    const up = await apdus(s, () => s.card.mskUpdate(mskMessage({ muk: g.ksIntNaf, counter: 1, msk: MSK })));
    assert.equal(up.count, 1);
    assert.deepEqual(up.result, { keyDomainId: toHex(KDID), mskId: { keyGroup: 1, keyNumber: 1 }, stored: true, solicitedPull: false, verification: null });
    const gen = await apdus(s, () => s.card.mtkGenerate(mtkMessage({ msk: MSK, counter: 1, mtkId: 3, mtk: MTK, salt: SALT })));
    assert.equal(gen.count, 2);
    assert.equal(toHex(gen.result.mtk.reveal()), toHex(MTK));
    assert.equal(toHex(gen.result.salt!.reveal()), toHex(SALT));
    await assert.rejects(s.card.mskUpdate(mskMessage({ muk: g.ksIntNaf, counter: 1, msk: MSK })), KeyFreshnessError);
    await s.card.deleteMsks(KDID, 1);
    await assert.rejects(s.card.mtkGenerate(mtkMessage({ msk: MSK, counter: 2, mtkId: 3, mtk: MTK })), KeyNotFoundError);
    await s.card.deleteMuk(new TextEncoder().encode('bsm.operator.example'), new TextEncoder().encode(BTID));
    await assert.rejects(s.card.mskUpdate(mskMessage({ muk: g.ksIntNaf, counter: 5, msk: MSK })), KeyNotFoundError);
    const all = s.exchanges.map((e) => toHex(e.response)).join('|');
    assert.ok(!all.includes(toHex(g.ksIntNaf)));
  });

  it('a replayed bootstrapping challenge gives AUTS the BSF resolves to the card SQN', async () => {
    const s = await setup();
    const rand = Buffer.alloc(16, 2);
    const { av } = gbaKeys(s.sub, 64, rand);
    await s.card.bootstrap(rand, av.AUTN);
    const r = await s.card.bootstrap(rand, av.AUTN);
    assert.equal(r.kind, 'sync-failure');
    if (r.kind !== 'sync-failure') return;
    assert.equal(sqnToNumber(resolveAuts({ K: s.sub.k, OPc: s.sub.opc, RAND: rand, AUTS: r.auts }).sqnMs), 64);
  });

  it('after a restart the card remembers B-TID in EF_GBABP', async () => {
    const s = await setup();
    const rand = Buffer.alloc(16, 3);
    await s.card.bootstrap(rand, gbaKeys(s.sub, 64, rand).av.AUTN);
    await s.card.setBootstrapInfo(BTID, LIFETIME);
    s.usim.remove();
    s.usim.insert();
    await s.card.waitFor('ready');
    assert.deepEqual(s.card.info!.gbaBootstrap, { btid: BTID, lifetime: LIFETIME });
  });
});

describe('Card: GBA_ME (AKA-only card) with MIKEY in the terminal', () => {
  it('bootstraps with 3G AKA, derives Ks_NAF = MUK, processes MSK and MTK messages without APDUs', async () => {
    const s = await setup({ profile: 'aka-only' });
    const rand = Buffer.alloc(16, 4);
    const g = gbaKeys(s.sub, 64, rand);
    const boot = await s.card.bootstrap(rand, g.av.AUTN);
    assert.ok(boot.kind === 'success' && toHex(boot.res.reveal()) === toHex(g.av.XRES));
    await s.card.setBootstrapInfo(BTID, LIFETIME);
    const ks = await s.card.deriveNafKey(NAF_ID, IMPI);
    assert.equal(toHex(ks.reveal()), toHex(g.ksExtNaf), 'Ks_NAF (the gba-me derivation)');
    const up = await apdus(s, () => s.card.mskUpdate(mskMessage({ muk: g.ksExtNaf, counter: 1, msk: MSK })));
    assert.deepEqual([up.count, up.result.stored], [0, true]);
    const gen = await apdus(s, () => s.card.mtkGenerate(mtkMessage({ msk: MSK, counter: 1, mtkId: 3, mtk: MTK })));
    assert.deepEqual([gen.count, toHex(gen.result.mtk.reveal())], [0, toHex(MTK)]);
    await assert.rejects(s.card.gbaNafList(), CardStateError);
    await s.card.deleteMuk(new TextEncoder().encode('bsm.operator.example'), new TextEncoder().encode(BTID));
    await assert.rejects(s.card.mskUpdate(mskMessage({ muk: g.ksExtNaf, counter: 2, msk: MSK })), KeyNotFoundError);
  });
});

describe('Card: removal', () => {
  it('a removal mid-operation rejects with CardRemovedError; reinsertion brings the card back; ME keys are gone', async () => {
    const s = await setup({ profile: 'aka-only' });
    const rand = Buffer.alloc(16, 5);
    const g = gbaKeys(s.sub, 64, rand);
    await s.card.bootstrap(rand, g.av.AUTN);
    await s.card.setBootstrapInfo(BTID, LIFETIME);
    await s.card.deriveNafKey(NAF_ID, IMPI);
    s.usim.faults.settings.latencyMs = 50;
    const op = s.card.authenticate3g(rand, akaVector(s.sub, 96, rand).AUTN);
    setTimeout(() => s.usim.remove(), 10);
    await assert.rejects(op, CardRemovedError);
    assert.equal(s.card.state, 'absent');
    await assert.rejects(s.card.mskUpdate(mskMessage({ muk: g.ksExtNaf, counter: 1, msk: MSK })), CardRemovedError);
    s.usim.faults.settings.latencyMs = 0;
    s.usim.insert();
    await s.card.waitFor('ready');
    await assert.rejects(s.card.mskUpdate(mskMessage({ muk: g.ksExtNaf, counter: 1, msk: MSK })), KeyNotFoundError, 'GBA_ME keys died with the card');
    const again = await s.card.authenticate3g(rand, akaVector(s.sub, 128, rand).AUTN);
    assert.equal(again.kind, 'success');
    await s.card.close();
    await assert.rejects(s.card.authenticate3g(rand, akaVector(s.sub, 160, rand).AUTN), CardStateError);
  });

  it('a removal during bring-up leaves the card absent, and the next insertion completes', async () => {
    const s = await setup({ ready: false });
    s.usim.remove();
    s.usim.faults.settings.latencyMs = 20;
    s.usim.insert();
    setTimeout(() => s.usim.remove(), 30);
    await s.card.waitFor('absent');
    s.usim.faults.settings.latencyMs = 0;
    s.usim.insert();
    await s.card.waitFor('ready');
    assert.equal(s.card.state, 'ready');
  });
});
