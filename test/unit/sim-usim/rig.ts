// A virtual USIM with an APDU channel in front of it (the same layers the terminal uses), and the
// card's selection of the USIM application done, for tests that talk to the card command by command.
import { ApduChannel, InProcessTransport, type ApduExchange } from '../../../src/card/index.js';
import { FID, readBinary, selectAid, selectFid, type CommandApdu } from '../../../src/codec/usim/index.js';
import { VirtualUsim, USIM_AID, type UsimProfile } from '../../../src/sim/usim/index.js';
import { testSubscriber, type Subscriber } from '../../../src/sim/subscriber.js';

export interface Rig {
  usim: VirtualUsim;
  sub: Subscriber;
  ch: ApduChannel;
  exchanges: ApduExchange[];
  /** Run a command; resolves with data and SW (no exception on error SWs). */
  run(cmd: CommandApdu): Promise<{ data: Uint8Array; sw: number }>;
}

export async function rig(o: { profile?: UsimProfile; sub?: Partial<Subscriber>; select?: boolean } = {}): Promise<Rig> {
  const sub = testSubscriber(o.sub);
  const usim = new VirtualUsim({ subscriber: sub, profile: o.profile ?? 'full' });
  const exchanges: ApduExchange[] = [];
  const ch = new ApduChannel(new InProcessTransport(usim), { onExchange: (e) => exchanges.push(e) });
  const run = (cmd: CommandApdu) => ch.exchange(cmd, { op: 'test' });
  if (o.select !== false) await ch.command(selectAid(USIM_AID, true), { op: 'SELECT USIM' });
  return { usim, sub, ch, exchanges, run };
}

export async function readEf(r: Rig, fid: number, length: number): Promise<{ data: Uint8Array; sw: number }> {
  await r.ch.command(selectFid(fid, false), { op: 'SELECT' });
  return r.run(readBinary(0, length));
}

export { FID };
