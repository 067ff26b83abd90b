/** A set that remembers only the `capacity` most recently added keys (dropping duplicate SMS). */
export class LruSet {
  private readonly keys = new Map<string, true>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`LruSet: capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.keys.size;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** Adds (or refreshes) `key`, forgetting the least recently added one beyond capacity. */
  add(key: string): void {
    this.keys.delete(key);
    this.keys.set(key, true);
    if (this.keys.size > this.capacity) this.keys.delete(this.keys.keys().next().value!);
  }
}
