// Which MSKs the terminal holds, per key domain and key group: what the media player asks ("can I decrypt?").
// Metadata only: the keys themselves stay in the USIM (GBA_U) or in the ME's locked memory (GBA_ME).
import { mskIdHex } from '../codec/index.js';
import { MSKS_PER_KEY_GROUP } from '../codec/usim/index.js';
import type { PersistedKey } from './ports.js';
import type { KeyGroupPayload, TrafficPayload } from './state-payloads.js';

export class KeyStatus {
  private readonly keys = new Map<string, PersistedKey>();

  constructor(initial: PersistedKey[] = []) {
    for (const k of initial) this.keys.set(this.id(k), k);
  }

  private id(k: Pick<PersistedKey, 'keyDomainId' | 'keyGroup' | 'keyNumber'>): string {
    return `${k.keyDomainId}/${mskIdHex(k)}`;
  }

  /**
   * Records a stored MSK and returns the ones it superseded: like EF_MSK (TS 31.102 §4.2.80) the terminal holds
   * at most MSKS_PER_KEY_GROUP MSKs per key domain and key group, the newest ones (by key number).
   */
  add(k: PersistedKey): PersistedKey[] {
    this.keys.set(this.id(k), k);
    const group = this.all()
      .filter((x) => x.keyDomainId === k.keyDomainId && x.keyGroup === k.keyGroup)
      .sort((a, b) => b.keyNumber - a.keyNumber);
    const dropped = group.slice(MSKS_PER_KEY_GROUP);
    for (const d of dropped) this.keys.delete(this.id(d));
    return dropped;
  }

  all(): PersistedKey[] {
    return [...this.keys.values()];
  }

  /** The payload of `keys/<keyDomainId>/<keyGroup>`. */
  group(keyDomainId: string, keyGroup: number): KeyGroupPayload {
    const msks = this.all()
      .filter((k) => k.keyDomainId === keyDomainId && k.keyGroup === keyGroup)
      .sort((a, b) => a.keyNumber - b.keyNumber)
      .map((k) => ({ mskId: mskIdHex(k), keyNumber: k.keyNumber, storedAt: k.storedAt, ...(k.validity ? { mtkIdRange: k.validity } : {}) }));
    return { keyDomainId, keyGroup, count: msks.length, msks };
  }

  /** The payload of `traffic/<keyDomainId>/<mskId>`: the player can decrypt traffic protected under this MSK. */
  traffic(k: PersistedKey): TrafficPayload {
    return { keyDomainId: k.keyDomainId, mskId: mskIdHex(k), keyGroup: k.keyGroup, keyNumber: k.keyNumber, ready: true, ...(k.validity ? { mtkIdRange: k.validity } : {}) };
  }
}
