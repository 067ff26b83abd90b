/** The simulated network: coverage (registration URCs), PDP releases in every +CGEV form, addresses. */
import type { Logger } from 'pino';
import { releaseLines, type PdpReleaseVariant } from './cgev-forms.js';
import type { SimState } from './state.js';

export interface SimNetwork {
  /** Coverage on/off: registration URCs for every +CxREG mode that asks for them (none with `silent`: a lost URC). */
  setCoverage(on: boolean, options?: { silent?: boolean }): void;
  /** The network (or the modem) releases active contexts (all, or `cid`), announced in the given +CGEV form. Returns how many. */
  releasePdp(variant?: PdpReleaseVariant, cid?: number): number;
  /** The next `count` activations fail with +CME ERROR `code` (default 148, unspecified GPRS error). */
  failActivations(count: number, code?: number): void;
  readonly coverage: boolean;
  /** The address the next activated context gets. */
  pdpAddress: string;
}

export interface NetworkContext {
  readonly state: SimState;
  readonly log: Logger;
  urc(line: string): void;
  registrationUrcs(): void;
  failActivations(codes: readonly number[]): void;
  address(): string;
  setAddress(value: string): void;
}

export function createSimNetwork(ctx: NetworkContext): SimNetwork {
  const { state, log } = ctx;
  return {
    setCoverage(on: boolean, options: { silent?: boolean } = {}): void {
      if (state.coverage === on) return;
      state.coverage = on;
      log.debug({ coverage: on }, 'sim network: coverage');
      if (!options.silent) ctx.registrationUrcs();
    },
    releasePdp(variant: PdpReleaseVariant = 'nw-pdn-deact', cid?: number): number {
      const targets = [...state.contexts.values()].filter((c) => c.active && (cid === undefined || c.cid === cid));
      const released = targets.map((c) => ({ cid: c.cid, type: c.type === 'IPV6' ? 'IPV6' : 'IP', address: c.address ?? '0.0.0.0' }));
      for (const c of targets) Object.assign(c, { active: false, address: null });
      // Reported only to a terminal that asked for packet domain events.
      if (targets.length > 0 && state.cgerep.mode > 0) for (const line of releaseLines(variant, released)) ctx.urc(line);
      log.debug({ variant, released: released.map((c) => c.cid) }, 'sim network: PDP release');
      return targets.length;
    },
    failActivations(count: number, code = 148): void {
      ctx.failActivations(Array<number>(count).fill(code));
    },
    get coverage(): boolean {
      return state.coverage;
    },
    get pdpAddress(): string {
      return ctx.address();
    },
    set pdpAddress(value: string) {
      ctx.setAddress(value);
    },
  };
}
