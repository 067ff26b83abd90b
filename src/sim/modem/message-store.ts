/**
 * The simulated modem's message storages (27.005 <mem>: SM = SIM, ME = phone memory): indexed slots
 * holding PDUs (SMSC prefix included) with their <stat> (0 REC UNREAD … 3 STO SENT).
 */
export type MemName = 'SM' | 'ME';
export const MEMORIES: readonly MemName[] = ['SM', 'ME'];

export interface StoredMessage {
  readonly index: number;
  stat: number;
  /** Upper-case hex, SMSC prefix first. */
  readonly pdu: string;
  /** TPDU octets (the <length> of +CMGR/+CMGL). */
  readonly length: number;
}

export class MessageStore {
  private readonly mems = new Map<MemName, Map<number, StoredMessage>>();

  constructor(readonly capacity: number) {
    for (const m of MEMORIES) this.mems.set(m, new Map());
  }

  private mem(name: MemName): Map<number, StoredMessage> {
    return this.mems.get(name)!;
  }

  used(name: MemName): number {
    return this.mem(name).size;
  }

  /** Stores in the lowest free index (1-based, as SIMs number them); null when full. */
  add(name: MemName, pdu: string, length: number, stat: number): number | null {
    const m = this.mem(name);
    for (let i = 1; i <= this.capacity; i++) {
      if (!m.has(i)) {
        m.set(i, { index: i, stat, pdu, length });
        return i;
      }
    }
    return null;
  }

  get(name: MemName, index: number): StoredMessage | undefined {
    return this.mem(name).get(index);
  }

  delete(name: MemName, index: number): boolean {
    return this.mem(name).delete(index);
  }

  /** Every message with `stat` (4 = all), by index. */
  list(name: MemName, stat: number): StoredMessage[] {
    return [...this.mem(name).values()].filter((m) => stat === 4 || m.stat === stat).sort((a, b) => a.index - b.index);
  }

  /** AT+CMGD delflag 1..4: 1 read, 2 read+sent, 3 read+sent+unsent, 4 all. */
  deleteByFlag(name: MemName, flag: number): void {
    const drop = new Set(flag >= 4 ? [0, 1, 2, 3] : flag === 3 ? [1, 2, 3] : flag === 2 ? [1, 3] : [1]);
    const m = this.mem(name);
    for (const [i, msg] of m) if (drop.has(msg.stat)) m.delete(i);
  }
}
