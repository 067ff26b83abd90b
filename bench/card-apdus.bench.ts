/**
 * APDUs per card operation (issue 4): how many command/response exchanges each operation costs on the
 * in-process virtual USIM (a T=0 card: data-returning commands take an extra GET RESPONSE), next to
 * the minimal count for the operation. What the card cannot change (AID, file sizes, IMSI, AD, UST) is
 * read once at insertion and cached, which the bring-up figure shows separately. Prints JSON lines.
 */
import { Card, InProcessTransport } from '../src/card/index.js';
import { VirtualUsim, type UsimProfile } from '../src/sim/usim/index.js';
import { testSubscriber } from '../src/sim/subscriber.js';
import { BTID, IMPI, NAF_ID, akaVector, gbaKeys, mskMessage, mtkMessage } from '../test/unit/sim-usim/fixtures.js';
import { emit, environment } from './lib/report.js';

const BENCH = 'card-apdus';

/**
 * The fewest exchanges each operation can take on a T=0 USIM:
 * - AKA: AUTHENTICATE + GET RESPONSE.
 * - GBA_U: AUTHENTICATE bootstrapping + GET RESPONSE, SELECT EF_GBABP (no FCP: size cached) + UPDATE
 *   BINARY for B-TID and lifetime, AUTHENTICATE NAF derivation + GET RESPONSE.
 * - MSK update: AUTHENTICATE MBMS alone when V is clear; + GET RESPONSE for the verification message.
 * - MTK generation: AUTHENTICATE MBMS + GET RESPONSE.
 * - GBA_ME MIKEY processing happens in the terminal: no APDU.
 */
const MINIMAL = {
  aka: 2,
  'gba-u-bootstrap+naf': 6,
  'msk-update': 1,
  'msk-update-verification': 2,
  'mtk-generation': 2,
  'gba-me-msk-update': 0,
  'gba-me-mtk-generation': 0,
} as const;

async function cardFor(profile: UsimProfile) {
  const sub = testSubscriber();
  const usim = new VirtualUsim({ subscriber: sub, profile });
  let count = 0;
  const card = new Card({ transport: new InProcessTransport(usim), onExchange: () => count++ });
  await card.start();
  await card.waitFor('ready');
  return { card, sub, count: () => count, bringUp: count };
}

async function measure<T>(c: { count: () => number }, op: () => Promise<T>): Promise<number> {
  const before = c.count();
  await op();
  return c.count() - before;
}

function report(op: keyof typeof MINIMAL, value: number, profile: UsimProfile): void {
  emit({ bench: BENCH, metric: 'apdus', op, value, unit: 'apdus', minimal: MINIMAL[op], atMinimum: value === MINIMAL[op], profile });
}

emit(environment(BENCH));
const MSK = Buffer.alloc(16, 0x42);
const MTK = Buffer.alloc(16, 0x55);

{
  const c = await cardFor('full');
  emit({ bench: BENCH, metric: 'apdus', op: 'bring-up', value: c.bringUp, unit: 'apdus', note: 'once per insertion: MF, EF_DIR, EF_ICCID, SELECT USIM, PIN status, EF_IMSI, EF_AD, EF_UST, EF_GBABP, each read once and cached (EF_GBANL is read on demand)', profile: 'full' });
  const rand = Buffer.alloc(16, 1);
  report('aka', await measure(c, () => c.card.authenticate3g(rand, akaVector(c.sub, 32, rand).AUTN)), 'full');
  const g = gbaKeys(c.sub, 64, rand);
  const gba = await measure(c, async () => {
    await c.card.bootstrap(rand, g.av.AUTN);
    await c.card.setBootstrapInfo(BTID, '2030-01-01T00:00:00Z');
    await c.card.deriveNafKey(NAF_ID, IMPI);
  });
  report('gba-u-bootstrap+naf', gba, 'full');
  report('msk-update', await measure(c, () => c.card.mskUpdate(mskMessage({ muk: g.ksIntNaf, counter: 1, msk: MSK }))), 'full');
  report('msk-update-verification', await measure(c, () => c.card.mskUpdate(mskMessage({ muk: g.ksIntNaf, counter: 2, msk: MSK, v: true }))), 'full');
  report('mtk-generation', await measure(c, () => c.card.mtkGenerate(mtkMessage({ msk: MSK, counter: 1, mtkId: 1, mtk: MTK }))), 'full');
  await c.card.close();
}
{
  const c = await cardFor('aka-only');
  const rand = Buffer.alloc(16, 2);
  const g = gbaKeys(c.sub, 64, rand);
  await c.card.bootstrap(rand, g.av.AUTN);
  await c.card.setBootstrapInfo(BTID, '2030-01-01T00:00:00Z');
  await c.card.deriveNafKey(NAF_ID, IMPI);
  report('gba-me-msk-update', await measure(c, () => c.card.mskUpdate(mskMessage({ muk: g.ksExtNaf, counter: 1, msk: MSK }))), 'aka-only');
  report('gba-me-mtk-generation', await measure(c, () => c.card.mtkGenerate(mtkMessage({ msk: MSK, counter: 1, mtkId: 1, mtk: MTK }))), 'aka-only');
  await c.card.close();
}
