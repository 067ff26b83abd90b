// The terminal's GBA port over the GBA client: the session as the terminal sees it (B-TID masked).
import type { GbaClient } from '../../gba/index.js';
import { maskId } from '../../util/mask.js';
import type { GbaPort, GbaSession } from '../../terminal/ports.js';

export function gbaPort(gba: GbaClient): GbaPort {
  const view = (s: { btid: string; lifetime: Date }): GbaSession => ({ btidMasked: maskId(s.btid), lifetime: s.lifetime });
  return {
    ensure: async (opts) => view(opts?.force ? await gba.bootstrap() : await gba.ensureBootstrapped()),
    current: () => (gba.session ? view(gba.session) : null),
  };
}
