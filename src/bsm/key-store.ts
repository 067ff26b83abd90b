/** MSKs held by the ME (GBA_ME) — in memory only, never persisted (no key material on disk). */
import type { Secret } from '../crypto/index.js';

export interface MskEntry {
  keyDomainId: string;
  keyGroup: number;
  keyNumber: number;
  key: Secret;
  /** MTK ID range the MSK is valid for (VF..VT, hex) when the key data carried one. */
  validity?: { from: string; to: string };
  storedAt: number;
}

export interface MskStore {
  put(entry: MskEntry): void;
}

export class MemoryKeyStore implements MskStore {
  readonly #keys = new Map<string, MskEntry>();
  put(entry: MskEntry): void {
    const id = MemoryKeyStore.id(entry.keyDomainId, entry.keyGroup, entry.keyNumber);
    this.#keys.get(id)?.key.wipe();
    this.#keys.set(id, entry);
  }
  get(keyDomainId: string, keyGroup: number, keyNumber: number): MskEntry | undefined {
    return this.#keys.get(MemoryKeyStore.id(keyDomainId, keyGroup, keyNumber));
  }
  list(): MskEntry[] {
    return [...this.#keys.values()];
  }
  static id(kd: string, kg: number, kn: number): string {
    return `${kd.toLowerCase()}/${kg}/${kn}`;
  }
}
