/**
 * A copy whose bytes live outside the V8 heap: in an ArrayBuffer's own backing store, which the garbage collector
 * never moves, so zeroing the copy really erases them. V8 keeps small typed arrays (up to 64 bytes, the size of
 * most keys and the APDUs carrying them) inside its heap, where every scavenge copies them to a new place and
 * leaves the old bytes behind until overwritten: a card response holding Ks_ext_NAF or RES would linger there.
 */
export function offHeapCopy(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(new ArrayBuffer(src.length));
  out.set(src);
  return out;
}
