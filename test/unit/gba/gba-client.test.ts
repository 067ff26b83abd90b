import { nextSqn } from '../../../src/sim/network/bsf.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GbaClient, GbaError, bsmNafId, networkNafKeys, type GbaState } from '../../../src/gba/index.js';
import { SoftwareCard, TEST_BSM_FQDN, TEST_SUBSCRIBER } from './software-card.js';
import { recordingClock, silentLogger, startBsf } from './harness.js';

type Env = Awaited<ReturnType<typeof startBsf>>;

function client(env: Env, card: SoftwareCard, extra: Partial<ConstructorParameters<typeof GbaClient>[0]> = {}) {
  return new GbaClient({
    card,
    http: env.http,
    bsmFqdn: TEST_BSM_FQDN,
    bsfUrl: env.bsf.url,
    mode: 'auto',
    timeoutMs: 2000,
    retry: { baseMs: 100, maxMs: 1000, maxAttempts: 4 },
    logger: silentLogger,
    ...extra,
  });
}

const newCard = (gbaU: boolean, sqn: number = TEST_SUBSCRIBER.sqn) => new SoftwareCard({ ...TEST_SUBSCRIBER, sqn, gbaU, bsmFqdn: TEST_BSM_FQDN });

for (const gbaU of [true, false]) {
  test(`bootstrap ${gbaU ? 'GBA_U' : 'GBA_ME'} (chosen from capabilities): B-TID kept, MRK equals the network's`, async (t) => {
    const env = await startBsf();
    t.after(env.close);
    const card = newCard(gbaU);
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
    const net = networkNafKeys({ ks: rec.ks.reveal(), rand: rec.rand, impi: rec.impi, nafId: bsmNafId(TEST_BSM_FQDN), mode: rec.mode });
    assert.deepEqual(s.mrk.reveal(), net.mrk.reveal());
    if (gbaU) {
      assert.equal(s.muk, undefined, 'GBA_U: the MUK stays on the card');
      assert.deepEqual(card.calls, ['gbaBootstrap', 'gbaNafDerivation']);
    } else {
      assert.deepEqual(s.muk?.reveal(), net.muk.reveal(), '[U] GBA_ME: MUK = MRK = Ks_NAF');
      assert.deepEqual(card.calls, ['authenticate3g']);
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
  const card = newCard(true);
  const gba = client(env, card, { mode: 'gba-me' });
  const s = await gba.bootstrap();
  assert.equal(s.mode, 'gba-me');
  assert.deepEqual(card.calls, ['authenticate3g']);
  gba.close();
});

test('AUTS resynchronisation: card SQN ahead of the BSF → resyncing → bootstrapped', async (t) => {
  const env = await startBsf();
  t.after(env.close);
  const card = newCard(true, 5000);
  const gba = client(env, card);
  const states: GbaState[] = [];
  gba.onStateChange((s) => states.push(s));
  const s = await gba.bootstrap();
  assert.deepEqual(states, ['bootstrapping', 'resyncing', 'bootstrapped']);
  assert.equal(s.roundTrips, 3);
  assert.equal(gba.stats().resyncs, 1);
  assert.equal(env.events.ofType('resync').length, 1);
  // After the resync the BSF continues from the card's SQN with the next SEQ (TS 33.102 Annex C: IND 5 bits).
  assert.equal(env.bsf.sqnOf(TEST_SUBSCRIBER.imsi), nextSqn(5000));
  assert.equal(nextSqn(5000), 5024);
  assert.equal(card.sqnMs, 5024);
  gba.close();
});

test('MAC failure (98 62) is reported, not retried', async (t) => {
  const env = await startBsf();
  t.after(env.close);
  const card = newCard(true);
  card.failMacOnce = true;
  const gba = client(env, card);
  await assert.rejects(gba.bootstrap(), (e: unknown) => e instanceof GbaError && e.reason === 'mac-failure');
  assert.equal(gba.state, 'failed');
  assert.equal(gba.lastFailure?.reason, 'mac-failure');
  assert.equal(gba.stats().roundTrips, 1, 'only the initial request went out');
  assert.equal(card.calls.length, 1);
  gba.close();
});

test('BSF 5xx retried with growing backoff, then succeeds', async (t) => {
  const env = await startBsf();
  t.after(env.close);
  env.faults.inject('bsf5xx', 3);
  const clock = recordingClock();
  const gba = client(env, newCard(false), { clock });
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
  const gba = client(env, newCard(false), { clock });
  await assert.rejects(gba.bootstrap(), (e: unknown) => e instanceof GbaError && e.reason === 'unreachable');
  assert.equal(clock.sleeps.length, 3);
  gba.close();
});

test('invalidate() (BSM says the B-TID is unknown) makes the next use bootstrap again', async (t) => {
  const env = await startBsf();
  t.after(env.close);
  const gba = client(env, newCard(true));
  const first = await gba.ensureBootstrapped();
  const btid1 = first.btid;
  gba.invalidate('bsm-rejected');
  assert.equal(gba.state, 'expired');
  assert.ok(first.mrk.isWiped, 'the old MRK is wiped');
  const second = await gba.ensureBootstrapped();
  assert.notEqual(second.btid, btid1);
  assert.equal(gba.stats().bootstraps, 2);
  gba.close();
});

test('concurrent callers share one bootstrap', async (t) => {
  const env = await startBsf();
  t.after(env.close);
  const gba = client(env, newCard(true));
  const [a, b] = await Promise.all([gba.ensureBootstrapped(), gba.ensureBootstrapped()]);
  assert.equal(a, b);
  assert.equal(gba.stats().bootstraps, 1);
  gba.close();
});

test('re-bootstraps by itself before the lifetime ends', async (t) => {
  const env = await startBsf({ lifetimeSec: 3 });
  t.after(env.close);
  const gba = client(env, newCard(true), { refreshMarginMs: 2000 });
  const first = (await gba.bootstrap()).btid;
  const next = await new Promise<string>((resolve) => {
    const off = gba.onStateChange((s) => {
      if (s === 'bootstrapped') {
        off();
        resolve(gba.session!.btid);
      }
    });
  });
  assert.notEqual(next, first);
  assert.equal(gba.stats().bootstraps, 2);
  gba.close();
});
