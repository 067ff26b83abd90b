// Child process of crash.test: loads the state in argv[2], reports how the load went on stdout, then
// updates the state as fast as it can (minIntervalMs 0: a write is always in flight) until killed.
// Each update grows and shrinks the file so a torn write would show as invalid JSON or a bad schema.
import { pino } from 'pino';
import { StateStore } from '../../../src/store/state-store.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: crash-child <state dir>');
const store = new StateStore({ dir, logger: pino({ level: 'silent' }), minIntervalMs: 0 });
const loaded = await store.load();
let n = Number(loaded.state.registration.services[0]?.split(':').pop() ?? 0);

let announced = false;
const step = (): void => {
  n++;
  store.update((d) => {
    d.registration.state = n % 2 ? 'registered' : 'registering';
    d.registration.services = Array.from({ length: 1 + (n % 37) }, (_, i) => `urn:bcast:svc:${i === 0 ? n : `pad${i}`}`);
    d.registration.lastTrigger = { kind: 'command', at: new Date().toISOString() };
    d.keys = Array.from({ length: n % 11 }, (_, i) => ({
      keyDomainId: '00f110', keyGroup: i, keyNumber: n & 0xffff, mskId: i.toString(16).padStart(4, '0') + (n & 0xffff).toString(16).padStart(4, '0'),
      storedAt: new Date().toISOString(), status: 'stored' as const,
    }));
  });
  if (!announced && store.counters.writes > 0) {
    announced = true;
    process.stdout.write(`${JSON.stringify({ source: loaded.source, staleTempsRemoved: loaded.staleTempsRemoved, from: n })}\n`);
  }
  setImmediate(step);
};
step();
