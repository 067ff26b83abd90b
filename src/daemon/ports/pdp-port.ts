// The terminal's PDP port over the modem adapter: the context used for registration, kept until de-registration.
import type { Modem } from '../../modem/index.js';
import type { PdpPort } from '../../terminal/ports.js';

/** The terminal's address on the PDP context (IPv4 preferred), or undefined while it has none. */
export function pdpAddressOf(modem: Modem): string | undefined {
  return modem.pdpAddress?.ipv4 ?? modem.pdpAddress?.ipv6 ?? undefined;
}

export function pdpPort(modem: Modem): PdpPort {
  return {
    ensureActive: async () => {
      if (modem.pdpState !== 'active') await modem.activatePdp();
      if (modem.pdpState !== 'active') throw new Error(`PDP context not active (${modem.pdpState})`);
      return { address: pdpAddressOf(modem) ?? null };
    },
    release: () => modem.deactivatePdp(),
    get active() {
      return modem.pdpState === 'active';
    },
  };
}
