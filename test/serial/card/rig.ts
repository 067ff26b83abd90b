// The PC/SC rig of the serial card tests: a private pcscd with the vpcd reader, the virtual USIM
// plugged into it as a vpcd client, and the card adapter on the real pcsclite binding.
import { Card, PcscTransport, type ApduExchange } from '../../../src/card/index.js';
import { VirtualUsim, VpcdClient, type MbmsCardBehaviour, type UsimProfile, type VpcdApdu } from '../../../src/sim/usim/index.js';
import { testSubscriber, type Subscriber } from '../../../src/sim/subscriber.js';
import { Pcscd, VPCD_READER } from '../../helpers/pcscd.js';

export interface PcscRig {
  pcscd: Pcscd;
  card: Card;
  usim: VirtualUsim;
  sub: Subscriber;
  vpcd: VpcdClient;
  /** Every raw APDU exchange (the APDU trace). */
  exchanges: ApduExchange[];
  /** Every APDU as the virtual card received it on the vpcd socket, with its answer (the wire trace). */
  wire: VpcdApdu[];
  /** Takes the current virtual card out of the reader and puts a new one in. */
  swapCard(sub: Subscriber, profile?: UsimProfile): Promise<void>;
  close(): Promise<void>;
}

export async function pcscRig(o: { profile?: UsimProfile; sub?: Partial<Subscriber>; mbms?: Partial<MbmsCardBehaviour> } = {}): Promise<PcscRig> {
  const pcscd = await Pcscd.start();
  const exchanges: ApduExchange[] = [];
  const wire: VpcdApdu[] = [];
  let card: Card | null = null;
  let vpcd: VpcdClient | null = null;
  try {
    const plug = async (sub: Subscriber, profile: UsimProfile) => {
      const usim = new VirtualUsim({ subscriber: sub, profile, ...(o.mbms ? { mbms: o.mbms } : {}) });
      const client = new VpcdClient(usim, { backoff: { initialMs: 50, maxMs: 500 }, onApdu: (e) => wire.push(e) });
      client.start();
      await client.waitConnected();
      return { usim, client };
    };
    const sub = testSubscriber(o.sub);
    const first = await plug(sub, o.profile ?? 'full');
    vpcd = first.client;
    const transport = await PcscTransport.open({ readerPattern: `^${VPCD_READER}$`, backoff: { initialMs: 100, maxMs: 1000 } });
    card = new Card({ transport, onExchange: (e) => exchanges.push(e) });
    await card.start();
    await card.waitFor('ready', 15_000);
    const rig: PcscRig = {
      pcscd,
      card,
      usim: first.usim,
      sub,
      vpcd,
      exchanges,
      wire,
      async swapCard(next, profile = 'full') {
        const gone = rig.card.waitFor('absent', 10_000);
        await rig.vpcd.stop();
        await gone;
        const p = await plug(next, profile);
        Object.assign(rig, { usim: p.usim, vpcd: p.client, sub: next });
        await rig.card.waitFor('ready', 15_000);
      },
      async close() {
        await rig.card.close();
        await rig.vpcd.stop();
        await pcscd.stop();
      },
    };
    return rig;
  } catch (e) {
    await card?.close();
    await vpcd?.stop();
    await pcscd.stop();
    throw e;
  }
}
