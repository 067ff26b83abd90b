// Terminal ports over the GBA client and the BSM client.
import type { BsmClient } from '../../bsm/index.js';
import type { GbaClient } from '../../gba/index.js';
import { maskId } from '../../util/mask.js';
import { toHex } from '../../codec/index.js';
import type { BsmPort, GbaPort, GbaSession, PublishPort } from '../../terminal/ports.js';

export function gbaPort(gba: GbaClient): GbaPort {
  const view = (s: { btid: string; lifetime: Date }): GbaSession => ({ btidMasked: maskId(s.btid), lifetime: s.lifetime });
  return {
    ensure: async (opts) => view(opts?.force ? await gba.bootstrap() : await gba.ensureBootstrapped()),
    current: () => (gba.session ? view(gba.session) : null),
  };
}

/**
 * The BSM port; every request and its answer also become `bsm-request` / `bsm-response` events (paired by id,
 * with the time the exchange took, retries included) for the flow view of `bcastctl trace`.
 */
export function bsmPort(bsm: BsmClient, publish?: Pick<PublishPort, 'event'>): BsmPort {
  let nextId = 1;
  const traced = async <T extends { status: number }>(action: string, detail: Record<string, unknown>, run: () => Promise<T[]>): Promise<T[]> => {
    const id = nextId++;
    publish?.event('bsm-request', { action, id, ...detail });
    const started = performance.now();
    const durationMs = () => Math.round((performance.now() - started) * 100) / 100;
    try {
      const results = await run();
      // The HTTP exchange succeeded; per-item statuses say what the BSM made of each service or key group.
      publish?.event('bsm-response', { action, id, status: 200, durationMs: durationMs(), results });
      return results;
    } catch (err) {
      const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 0;
      publish?.event('bsm-response', { action, id, status, durationMs: durationMs(), reason: err instanceof Error ? err.message : String(err) });
      throw err;
    }
  };
  return {
    register: (services) => traced('register', { services }, async () => (await bsm.register(services)).items.map((i) => ({ ...i }))),
    deregister: (services) => traced('deregister', { services }, async () => (await bsm.deregister(services)).items.map((i) => ({ ...i }))),
    requestMsk: (keyDomainId, keyGroups) =>
      traced('msk-request', { keyDomainId, keyGroups }, async () => {
        const kd = Buffer.from(keyDomainId, 'hex');
        // Key Number 0 with a Key Group asks for the group's current MSKs (the key a solicited pull names).
        const refs = keyGroups.map((g) => ({ keyDomainId: kd, mskId: Uint8Array.of(g >> 8, g & 0xff, 0, 0) }));
        const { items } = await bsm.requestMsk(refs);
        return items.map((i) => ({
          keyDomainId: toHex(i.keyDomainId),
          keyGroup: (i.mskId[0]! << 8) | i.mskId[1]!,
          keyNumber: (i.mskId[2]! << 8) | i.mskId[3]!,
          status: i.status,
          ...(i.reason ? { reason: i.reason } : {}),
        }));
      }),
  };
}
