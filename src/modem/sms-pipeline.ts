/**
 * What happens to a received PDU, whichever way it came: decode (TS 23.040) → drop duplicates (same
 * TPDU, SC timestamp included, in a bounded hash set) → reassemble → dispatch by port. Synchronous:
 * when accept() returns, the message has been handed over (dispatched, or held for reassembly, or
 * reported as undecodable) and the caller may acknowledge or delete it.
 *
 * Stored parts of a concatenated message stay stored until their whole datagram is handed over or
 * their set is dropped, so a restart in between finds them again; accept() says which slots may go.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { fromHex } from '../codec/hex.js';
import { decodeSmsDeliver, SmsReassembler, type Datagram, type ExpiredGroup, type ReassemblerOptions, type SmsDeliver } from '../codec/sms/index.js';
import type { WspPush } from '../codec/wsp/index.js';
import { BadSmsError } from './errors.js';
import { LruSet } from './lru-set.js';
import { classifyDatagram } from './sms-dispatch.js';
import { StoredParts, type StorageLocation } from './stored-parts.js';

export type SmsVia = 'cmt' | 'stored';

export interface ReceivedDatagram {
  readonly datagram: Datagram;
  readonly via: SmsVia;
}

export interface ReceivedPush extends ReceivedDatagram {
  readonly push: WspPush;
}

export interface ReceivedPortDatagram extends ReceivedDatagram {
  readonly port: number;
}

export interface UndecodableSms {
  readonly error: BadSmsError;
  readonly via: SmsVia;
}

export interface SmsEvents {
  'wap-push': [event: ReceivedPush];
  datagram: [event: ReceivedPortDatagram];
  sms: [event: ReceivedDatagram];
  undecodable: [event: UndecodableSms];
  /** An incomplete concatenated message given up (timed out, evicted for room, too large). */
  expired: [group: ExpiredGroup];
}

/** How the pipeline hands things over; the emitter catches and counts listener exceptions. */
export type SmsEmit = <K extends keyof SmsEvents>(event: K, ...args: SmsEvents[K]) => void;

export interface Accepted {
  /** Leave the message in storage (a part waiting for the rest of its set). */
  readonly keep: boolean;
  /** Stored parts that may go now: their datagram was handed over, or their set was dropped. */
  readonly alsoDelete: readonly StorageLocation[];
}

export interface PipelineOptions {
  readonly logger: Logger;
  readonly emit: SmsEmit;
  readonly reassembly?: Omit<ReassemblerOptions, 'now'> | undefined;
  /** Distinct TPDUs remembered to drop duplicates (default 512). */
  readonly dedupeSize?: number | undefined;
}

export interface PipelineStats {
  received: number;
  duplicates: number;
  undecodable: number;
  pushes: number;
  datagrams: number;
  sms: number;
  expired: number;
  reassembly: { groups: number; parts: number; bytes: number };
  heldInStorage: number;
}

export class SmsPipeline {
  private readonly log: Logger;
  private readonly reassembler: SmsReassembler;
  private readonly seen: LruSet;
  private readonly stored = new StoredParts();
  private readonly counters = { received: 0, duplicates: 0, undecodable: 0, pushes: 0, datagrams: 0, sms: 0, expired: 0 };

  constructor(private readonly options: PipelineOptions) {
    this.log = options.logger;
    this.reassembler = new SmsReassembler(options.reassembly ?? {});
    this.seen = new LruSet(options.dedupeSize ?? 512);
  }

  stats(): PipelineStats {
    return { ...this.counters, reassembly: this.reassembler.stats(), heldInStorage: this.stored.size };
  }

  /** A PDU line (hex, SMSC prefix as the modem printed it) with its header's TPDU `length`. */
  accept(pduHex: string, length: number, via: SmsVia, at: StorageLocation | null): Accepted {
    this.counters.received++;
    let part: SmsDeliver;
    let key: string;
    try {
      const bytes = fromHex(pduHex);
      part = decodeSmsDeliver(bytes, { tpduLength: length });
      key = createHash('sha256').update(bytes.subarray(bytes.length - length)).digest('hex');
    } catch (err) {
      this.reportBad(new BadSmsError('tpdu', pduHex, err), via);
      return { keep: false, alsoDelete: [] };
    }
    const heldHere = at !== null && this.stored.holds(at);
    if (this.seen.has(key)) {
      this.counters.duplicates++;
      this.log.debug({ via, at }, 'duplicate SMS dropped');
      return { keep: heldHere, alsoDelete: [] };
    }
    this.seen.add(key);
    const result = this.reassembler.add(part);
    const dropped = this.dropped(result.evicted);
    switch (result.kind) {
      case 'single':
        this.dispatch(result.datagram, via);
        return { keep: false, alsoDelete: dropped };
      case 'complete': {
        this.dispatch(result.datagram, via);
        const slots = this.stored.release(result.parts).filter((l) => !(at && l.mem === at.mem && l.index === at.index));
        return { keep: false, alsoDelete: [...slots, ...dropped] };
      }
      case 'pending':
        this.log.debug({ via, have: result.have, total: result.total }, 'SMS part held for reassembly');
        if (at) this.stored.hold(part, at);
        return { keep: at !== null, alsoDelete: dropped };
      case 'duplicate':
        this.counters.duplicates++;
        return { keep: heldHere, alsoDelete: dropped };
      case 'rejected':
        this.reportBad(new BadSmsError('tpdu', pduHex, new Error(`concatenation rejected: ${result.reason}`)), via);
        return { keep: false, alsoDelete: dropped };
    }
  }

  /** Drops incomplete sets whose time is up; returns the stored slots of their parts. */
  expire(): StorageLocation[] {
    return this.dropped(this.reassembler.expire());
  }

  reportBad(error: BadSmsError, via: SmsVia): void {
    this.counters.undecodable++;
    this.log.warn({ via, stage: error.stage, err: error.message, raw: error.raw.slice(0, 400) }, 'undecodable SMS');
    this.options.emit('undecodable', { error, via });
  }

  private dispatch(datagram: Datagram, via: SmsVia): void {
    const d = classifyDatagram(datagram);
    switch (d.kind) {
      case 'wap-push':
        this.counters.pushes++;
        this.log.info({ via, parts: datagram.parts, contentType: d.push.contentType, bytes: d.push.body.length }, 'WAP push received');
        this.options.emit('wap-push', { datagram, via, push: d.push });
        return;
      case 'datagram':
        this.counters.datagrams++;
        this.log.info({ via, port: d.port, bytes: datagram.userData.length }, 'SMS datagram received');
        this.options.emit('datagram', { datagram, via, port: d.port });
        return;
      case 'sms':
        this.counters.sms++;
        this.log.info({ via, parts: datagram.parts }, 'plain SMS received');
        this.options.emit('sms', { datagram, via });
        return;
      case 'undecodable':
        this.reportBad(d.error, via);
        return;
    }
  }

  private dropped(groups: readonly ExpiredGroup[]): StorageLocation[] {
    const slots: StorageLocation[] = [];
    for (const g of groups) {
      this.counters.expired++;
      this.log.warn({ reason: g.reason, reference: g.reference, total: g.total, received: g.received }, 'incomplete concatenated SMS dropped');
      this.options.emit('expired', g);
      slots.push(...this.stored.releaseGroup(g));
    }
    return slots;
  }
}
