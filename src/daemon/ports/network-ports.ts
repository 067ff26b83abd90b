// Terminal ports over the GBA client, the BSM client and the LTKM listener.
import type { BsmClient, LtkmListener } from '../../bsm/index.js';
import { maskId, type GbaClient } from '../../gba/index.js';
import { toHex } from '../../codec/index.js';
import type { BsmPort, GbaPort, GbaSession, LtkmIntakePort } from '../../terminal/ports.js';

export function gbaPort(gba: GbaClient): GbaPort {
  const view = (s: { btid: string; lifetime: Date }): GbaSession => ({ btidMasked: maskId(s.btid), lifetime: s.lifetime });
  return {
    ensure: async (opts) => view(opts?.force ? await gba.bootstrap() : await gba.ensureBootstrapped()),
    current: () => (gba.session ? view(gba.session) : null),
  };
}

export function bsmPort(bsm: BsmClient): BsmPort {
  return {
    register: async (services) => (await bsm.register(services)).items.map((i) => ({ ...i })),
    deregister: async (services) => (await bsm.deregister(services)).items.map((i) => ({ ...i })),
    requestMsk: async (keyDomainId, keyGroups) => {
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
    },
  };
}

/** SMS-borne MIKEY goes through the same listener pipeline as UDP datagrams. */
export function intakePort(listener: LtkmListener): LtkmIntakePort {
  return { handle: (raw, source) => listener.handle(raw, { address: source, port: 0, via: 'sms' }) };
}
