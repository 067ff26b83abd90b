/**
 * Parts of a concatenated SMS that were read from modem storage stay there until their whole datagram
 * has been handed over (or their set expires): a restart in between finds them again with AT+CMGL.
 * This remembers where each held part is stored, keyed by the decoded part the reassembler holds.
 */
import type { ExpiredGroup, SmsDeliver } from '../codec/sms/index.js';

export interface StorageLocation {
  readonly mem: string;
  readonly index: number;
}

export class StoredParts {
  private readonly byPart = new Map<SmsDeliver, StorageLocation>();

  get size(): number {
    return this.byPart.size;
  }

  hold(part: SmsDeliver, at: StorageLocation): void {
    this.byPart.set(part, at);
  }

  /** True when that storage slot holds a part already waiting here (the same message read again). */
  holds(at: StorageLocation): boolean {
    for (const l of this.byPart.values()) if (l.mem === at.mem && l.index === at.index) return true;
    return false;
  }

  /** Forgets the given parts (their datagram was handed over) and returns where they were stored. */
  release(parts: readonly SmsDeliver[]): StorageLocation[] {
    const out: StorageLocation[] = [];
    for (const p of parts) {
      const at = this.byPart.get(p);
      if (at) out.push(at);
      this.byPart.delete(p);
    }
    return out;
  }

  /** Forgets the stored parts of a group the reassembler dropped and returns their slots. */
  releaseGroup(g: ExpiredGroup): StorageLocation[] {
    const parts = [...this.byPart.keys()].filter((p) => {
      const c = p.concat;
      return (
        c !== null &&
        p.originator.address === g.originator.address &&
        p.originator.ton === g.originator.ton &&
        c.reference === g.reference &&
        c.referenceBits === g.referenceBits &&
        c.total === g.total &&
        (p.ports?.destination ?? null) === (g.ports?.destination ?? null) &&
        (p.ports?.source ?? null) === (g.ports?.source ?? null)
      );
    });
    return this.release(parts);
  }
}
