import { nextSqn } from '../../../src/sim/network/bsf.js';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { gbaCard } from '../../../src/daemon/card-wiring.js';
import { GbaClient, GbaError, bsmNafId, networkNafKeys, type GbaState } from '../../../src/gba/index.js';
import { BSM_FQDN, SUBSCRIBER, recordingClock, silentLogger, startBsf, startCard, type TestCardOptions } from './harness.js';

// The GBA client against the simulated BSF, with the daemon's card: the card adapter over a virtual USIM,
// seen through the daemon's wiring (gbaCard). Card behaviour (stale SQN, wrong K) comes from the USIM itself.

type Env = Awaited<ReturnType<typeof startBsf>>;
type TestCard = Awaited<ReturnType<typeof startCard>>;

function client(env: Env, card: TestCard, extra: Partial<ConstructorParameters<typeof GbaClient>[0]> = {}) {
  return new GbaClient({
    card: gbaCard(card.card),
    http: env.http,
    bsmFqdn: BSM_FQDN,
    bsfUrl: env.bsf.url,
    mode: 'auto',
    timeoutMs: 2000,
    retry: { baseMs: 100, maxMs: 1000, maxAttempts: 4 },
    logger: silentLogger,
    ...extra,
  });
}

async function newCard(t: TestContext, o: TestCardOptions = {}): Promise<TestCard> {
  const c = await startCard(o);
  t.after(() => c.card.close());
  return c;
}

for (const gbaU of [true, false]) {
  test(`bootstrap ${gbaU ? 'GBA_U' : 'GBA_ME'} (chosen from capabilities): B-TID kept, MRK equals the network's`, async (t) => {
    const env = await startBsf();
    t.after(env.close);
    const card = await newCard(t, { profile: gbaU ? 'full' : 'aka-only' });
    const gba = client(env, card);
    const states: GbaState[] = [];
    gba.onStateChange((s) => states.push(s));
    const s = await gba.ensureBootstrapped();
    assert.deepEqual(states, ['bootstrapping', 'bootstrapped']);
    assert.equal(s.mode, gbaU ? 'gba-u' : 'gba-me');
    assert.equal(s.roundTrips, 2);
    assert.match(s.btid, /^[A-Za-z0-9+/=]+@bsf\.mnc001\.mcc001\.pub\.3gppnetwork\.org$/);
    assert.ok(s.lifetime.getTime() > Date.now() + 3500_000);
    const rec = env.bsf.lookup(s.btid);
    assert.ok(rec);
    assert.equal(rec.mode, s.mode);
    const net = networkNafKeys({ ks: rec.ks.reveal(), rand: rec.rand, impi: rec.impi, nafId: bsmNafId(BSM_FQDN), mode: rec.mode });
    assert.deepEqual(s.mrk.reveal(), net.mrk.reveal());
    assert.equal('muk' in s, false, 'the MUK stays with the card (GBA_U: on the USIM; GBA_ME: in the card adapter)');
    if (gbaU) {
      assert.deepEqual(card.auths, ['gba-bootstrap', 'gba-naf']);
      assert.deepEqual(card.card.info?.gbaBootstrap, { btid: s.btid, lifetime: s.lifetime.toISOString() }, 'B-TID and lifetime in EF_GBABP');
    } else {
      assert.deepEqual(card.auths, ['3g'], 'GBA_ME: 3G AKA on the USIM, Ks_NAF derived in the card adapter');
    }
    // Warm: the same session, no HTTP.
    const before = gba.stats().roundTrips;
    assert.equal(await gba.ensureBootstrapped(), s);
    assert.equal(gba.stats().roundTrips, before);
    gba.close();
  });
}

test('forced GBA_ME on a GBA_U-capable card uses the 3G context', async (t) => {
  const env = await startBsf();
  t.after(env.close);
  // Board config gbaMode: gba-me goes to the card adapter and the GBA client alike, as the daemon does.
  const card = await newCard(t, { profile: 'full', gbaMode: 'gba-me' });
  assert.equal(card.card.capabilities?.gbaService, true, 'the USIM could do GBA_U');
  const gba = client(env, card, { mode: 'gba-me' });
  const s = await gba.bootstrap();
  assert.equal(s.mode, 'gba-me');
  assert.equal(env.bsf.lookup(s.btid)?.mode, 'gba-me');
  assert.deepEqual(card.auths, ['3g']);
  gba.close();
});

test('AUTS resynchronisation: card SQN ahead of the BSF → resyncing → bootstrapped', async (t) => {
  const env = await startBsf();
  t.after(env.close);
  const card = await newCard(t, { subscriber: { sqn: 5000 } });
  const gba = client(env, card);
  const states: GbaState[] = [];
  gba.onStateChange((s) => states.push(s));
  const s = await gba.bootstrap();
  assert.deepEqual(states, ['bootstrapping', 'resyncing', 'bootstrapped']);
  assert.equal(s.roundTrips, 3);
  assert.equal(gba.stats().resyncs, 1);
  assert.equal(env.events.ofType('resync').length, 1);
  // After the resync the BSF continues from the card's SQN with the next SEQ (TS 33.102 Annex C: IND 5 bits).
  assert.equal(env.bsf.sqnOf(SUBSCRIBER.imsi), nextSqn(5000));
  assert.equal(nextSqn(5000), 5024);
  assert.equal(card.usim.sqnMs, 5024);
  assert.deepEqual(card.auths, ['gba-bootstrap', 'gba-bootstrap', 'gba-naf']);
  gba.close();
});

test('MAC failure (98 62: the USIM does not hold the K the network used) is reported, not retried', async (t) => {
  const env = await startBsf();
  t.after(env.close);
  const card = await newCard(t, { subscriber: { k: Buffer.alloc(16, 0x5a) } });
  const gba = client(env, card);
  await assert.rejects(gba.bootstrap(), (e: unknown) => e instanceof GbaError && e.reason === 'mac-failure');
  assert.equal(gba.state, 'failed');
  assert.equal(gba.lastFailure?.reason, 'mac-failure');
  assert.equal(gba.stats().roundTrips, 1, 'only the initial request went out');
  assert.deepEqual(card.auths, ['gba-bootstrap']);
  gba.close();
});

test('BSF 5xx retried with growing backoff, then succeeds', async (t) => {
  const env = await startBsf();
  t.after(env.close);
  env.faults.inject('bsf5xx', 3);
  const clock = recordingClock();
  const gba = client(env, await newCard(t, { profile: 'aka-only' }), { clock });
  const s = await gba.bootstrap();
  assert.ok(s.btid);
  assert.deepEqual(clock.sleeps, [100, 200, 400]);
  assert.equal(gba.stats().roundTrips, 5);
  gba.close();
});

test('BSF unreachable: gives up after maxAttempts with reason unreachable', async (t) => {
  const env = await startBsf();
  t.after(env.close);
  env.faults.inject('bsf5xx', 10);
  const clock = recordingClock();
  const gba = client(env, await newCard(t, { profile: 'aka-only' }), { clock });
  await assert.rejects(gba.bootstrap(), (e: unknown) => e instanceof GbaError && e.reason === 'unreachable');
  assert.equal(clock.sleeps.length, 3);
  gba.close();
});

test('invalidate() (BSM says the B-TID is unknown) makes the next use bootstrap again', async (t) => {
  const env = await startBsf();
  t.after(env.close);
  const gba = client(env, await newCard(t));
  const renewals: string[] = [];
  gba.onRenewed((why) => renewals.push(why));
  const first = await gba.ensureBootstrapped();
  const btid1 = first.btid;
  assert.deepEqual(renewals, [], 'the first bootstrap is no renewal');
  gba.invalidate('bsm-rejected');
  assert.equal(gba.state, 'expired');
  assert.ok(first.mrk.isWiped, 'the old MRK is wiped');
  assert.deepEqual(renewals, [], 'nothing renewed before the new bootstrap succeeded');
  const second = await gba.ensureBootstrapped();
  assert.notEqual(second.btid, btid1);
  assert.equal(gba.stats().bootstraps, 2);
  assert.deepEqual(renewals, ['bsm-rejected'], 'the new B-TID (and MUK) is announced once, with the reason');
  // A forced bootstrap is its caller's business (the bootstrap command registers by itself): no renewal.
  await gba.bootstrap();
  assert.deepEqual(renewals, ['bsm-rejected']);
  gba.close();
});

test('concurrent callers share one bootstrap', async (t) => {
  const env = await startBsf();
  t.after(env.close);
  const gba = client(env, await newCard(t));
  const [a, b] = await Promise.all([gba.ensureBootstrapped(), gba.ensureBootstrapped()]);
  assert.equal(a, b);
  assert.equal(gba.stats().bootstraps, 1);
  gba.close();
});

test('re-bootstraps by itself before the lifetime ends', async (t) => {
  const env = await startBsf({ lifetimeSec: 3 });
  t.after(env.close);
  const gba = client(env, await newCard(t), { refreshMarginMs: 2000 });
  const first = (await gba.bootstrap()).btid;
  const renewal = new Promise<{ why: string; btid: string }>((resolve) => {
    const off = gba.onRenewed((why) => {
      off();
      resolve({ why, btid: gba.session!.btid });
    });
  });
  const { why, btid: next } = await renewal;
  assert.notEqual(next, first);
  assert.equal(why, 'lifetime ending');
  assert.equal(gba.stats().bootstraps, 2);
  gba.close();
});
