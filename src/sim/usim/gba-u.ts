/**
 * The GBA security context of the virtual USIM in GBA_U mode (TS 33.220 §5.3.2, TS 31.102 §7.1.2):
 * bootstrapping runs AKA and keeps Ks = CK || IK inside, answering only RES (and storing RAND in
 * EF_GBABP); NAF derivation answers Ks_ext_NAF, records the NAF in EF_GBANL and keeps Ks_int_NAF as
 * the MUK of the MBMS context. Neither Ks nor Ks_int_NAF ever appears in a response.
 */
import { deriveKsNaf } from '../../crypto/index.js';
import {
  SW,
  decodeGbaBp,
  decodeGbaNlRecord,
  encodeGbaBootstrapResponse,
  encodeGbaBp,
  encodeGbaNafResponse,
  encodeGbaNlRecord,
  type GbaCommand,
} from '../../codec/usim/index.js';
import type { Subscriber } from '../subscriber.js';
import { runAka } from './aka.js';
import { CardStatus } from './card-status.js';
import type { UsimFaults } from './faults.js';
import type { RecordEf, TransparentEf } from './file-system.js';
import type { MbmsContext } from './mbms-context.js';
import type { SqnWindow } from './sqn-window.js';

export class GbaUContext {
  #ks: Buffer | null = null;
  #rand: Uint8Array | null = null;

  constructor(
    private readonly sub: Subscriber,
    private readonly window: SqnWindow,
    private readonly faults: UsimFaults,
    private readonly efGbabp: TransparentEf,
    private readonly efGbanl: RecordEf,
    private readonly mbms: MbmsContext,
  ) {}

  handle(cmd: GbaCommand): Uint8Array {
    return cmd.mode === 'bootstrap' ? this.#bootstrap(cmd.rand, cmd.autn) : this.#naf(cmd.nafId, cmd.impi);
  }

  #bootstrap(rand: Uint8Array, autn: Uint8Array): Uint8Array {
    const out = runAka(this.sub, this.window, this.faults, rand, autn);
    if (out.kind === 'sync-failure') return encodeGbaBootstrapResponse(out);
    this.#ks?.fill(0);
    this.#ks = Buffer.concat([out.ck, out.ik]);
    this.#rand = Uint8Array.from(rand);
    // A new bootstrapping starts a new EF_GBABP: the terminal adds B-TID and lifetime afterwards.
    this.efGbabp.data = encodeGbaBp({ rand, btid: '', lifetime: '' }, this.efGbabp.data.length);
    for (const k of [out.ck, out.ik, out.kc]) k.fill(0);
    return encodeGbaBootstrapResponse({ kind: 'success', res: out.res });
  }

  #naf(nafId: Uint8Array, impiBytes: Uint8Array): Uint8Array {
    if (!this.#ks || !this.#rand) throw new CardStatus(SW.CONDITIONS_NOT_SATISFIED, 'no GBA bootstrapping yet');
    const impi = new TextDecoder('utf-8').decode(impiBytes);
    const common = { ks: this.#ks, rand: this.#rand, impi, nafId };
    const ksExt = deriveKsNaf({ ...common, kind: 'gba-me' });
    const ksInt = deriveKsNaf({ ...common, kind: 'gba-u' });
    try {
      const btid = decodeGbaBp(this.efGbabp.data).btid;
      this.mbms.storeMuk(nafId, new TextEncoder().encode(btid), ksInt);
      this.#recordNaf(nafId, btid);
      return encodeGbaNafResponse(ksExt);
    } finally {
      ksInt.fill(0);
      ksExt.fill(0);
    }
  }

  /** EF_GBANL keeps one record per NAF; when full, the oldest (first) record gives way. */
  #recordNaf(nafId: Uint8Array, btid: string): void {
    const recs = this.efGbanl.records;
    const same = (r: Uint8Array) => {
      const e = decodeGbaNlRecord(r);
      return e !== null && Buffer.compare(Buffer.from(e.nafId), Buffer.from(nafId)) === 0;
    };
    let i = recs.findIndex(same);
    if (i < 0) i = recs.findIndex((r) => decodeGbaNlRecord(r) === null);
    if (i < 0) {
      recs.push(recs.shift()!);
      i = recs.length - 1;
    }
    recs[i] = encodeGbaNlRecord({ nafId, btid }, this.efGbanl.recordLength);
  }
}
