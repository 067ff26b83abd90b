// Whether mqtt.js may be holding packets back: after a (re)connect it replays its outgoing store, and a packet
// written past it then would overtake what it still holds. mqtt.js says so only in private fields
// (`_storeProcessing`, `_storeProcessingQueue`, mqtt 5.x); a version without them reads as 'unknown', and the
// publisher then leaves every packet to mqtt.js rather than guess (test/unit/mqtt/mqttjs-store-replay.test.ts
// pins the fields of the installed mqtt.js).
export type StoreReplay = 'idle' | 'replaying' | 'unknown';

export function storeReplay(client: object): StoreReplay {
  const c = client as { _storeProcessing?: unknown; _storeProcessingQueue?: unknown };
  if (typeof c._storeProcessing !== 'boolean' || !Array.isArray(c._storeProcessingQueue)) return 'unknown';
  return c._storeProcessing || c._storeProcessingQueue.length > 0 ? 'replaying' : 'idle';
}
