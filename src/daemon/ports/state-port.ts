// The terminal's state port over the atomic state store: registration and key metadata, never key material.
import type { StateStore } from '../../store/state-store.js';
import type { PersistedKey, PersistedRegistration, TerminalStatePort } from '../../terminal/ports.js';
import { mskIdHex } from '../../codec/index.js';

export function statePort(store: StateStore): TerminalStatePort {
  return {
    registration: () => {
      const r = store.state.registration;
      if (r.state !== 'registered' && r.state !== 'unregistered') return { ...r, state: 'unregistered', services: [...r.services] };
      return { ...r, services: [...r.services], ...(r.lastTrigger ? { lastTrigger: { ...r.lastTrigger } } : {}) } as PersistedRegistration;
    },
    keys: () =>
      store.state.keys
        .filter((k) => k.status === 'stored')
        .map((k) => ({
          keyDomainId: k.keyDomainId,
          keyGroup: k.keyGroup,
          keyNumber: k.keyNumber,
          storedAt: k.storedAt,
          ...(k.validFrom !== undefined && k.validTo !== undefined ? { validity: { from: k.validFrom, to: k.validTo } } : {}),
        })),
    saveRegistration: (r) =>
      void store.update((d) => {
        d.registration = { state: r.state, services: [...r.services], ...(r.registeredAt ? { registeredAt: r.registeredAt } : {}), ...(r.lastTrigger ? { lastTrigger: { ...r.lastTrigger } } : {}) };
      }),
    saveKey: (k: PersistedKey, superseded: PersistedKey[] = []) =>
      void store.update((d) => {
        const mskId = mskIdHex(k);
        const gone = new Set([mskId, ...superseded.map((x) => mskIdHex(x))]);
        d.keys = d.keys.filter((x) => !(x.keyDomainId === k.keyDomainId && gone.has(x.mskId)));
        d.keys.push({
          keyDomainId: k.keyDomainId,
          keyGroup: k.keyGroup,
          keyNumber: k.keyNumber,
          mskId,
          storedAt: k.storedAt,
          status: 'stored',
          ...(k.validity ? { validFrom: k.validity.from, validTo: k.validity.to } : {}),
        });
      }),
  };
}
