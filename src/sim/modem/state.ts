/** The simulated modem's settings and network view: what AT commands set and read. */
import type { MemName } from './message-store.js';

export interface CnmiSettings {
  mode: number;
  mt: number;
  bm: number;
  ds: number;
  bfr: number;
}

export interface CnmiSupport {
  readonly mode: readonly number[];
  readonly mt: readonly number[];
  readonly bm: readonly number[];
  readonly ds: readonly number[];
  readonly bfr: readonly number[];
}

/** What AT+CNMI=? advertises by default (a typical 27.005 modem). */
export const DEFAULT_CNMI_SUPPORT: CnmiSupport = { mode: [0, 1, 2], mt: [0, 1, 2, 3], bm: [0, 2], ds: [0, 1, 2], bfr: [0, 1] };

export interface PdpDefinition {
  readonly cid: number;
  type: string;
  apn: string;
  active: boolean;
  address: string | null;
}

export class SimState {
  echo: boolean;
  cmee = 0;
  cmgf = 0;
  csms = 0;
  cnmi: CnmiSettings = { mode: 0, mt: 0, bm: 0, ds: 0, bfr: 0 };
  /** <mem1> read/delete, <mem2> write/send, <mem3> receive. */
  mems: [MemName, MemName, MemName] = ['SM', 'SM', 'SM'];
  /** URC mode <n> per registration command. */
  reg: Record<'+CREG' | '+CGREG' | '+CEREG', number> = { '+CREG': 0, '+CGREG': 0, '+CEREG': 0 };
  cgerep = { mode: 0, bfr: 0 };
  cfun = 1;
  coverage = true;
  /** Routed +CMT deliveries not acknowledged yet (AT+CSMS=1). */
  awaitingAck = 0;
  readonly contexts = new Map<number, PdpDefinition>();

  constructor(private readonly echoAtBoot: boolean) {
    this.echo = echoAtBoot;
  }

  /** A reboot: volatile settings back to power-on values; context definitions (NV) stay, inactive. */
  reboot(): void {
    this.echo = this.echoAtBoot;
    this.cmee = 0;
    this.cmgf = 0;
    this.csms = 0;
    this.cnmi = { mode: 0, mt: 0, bm: 0, ds: 0, bfr: 0 };
    this.mems = ['SM', 'SM', 'SM'];
    this.reg = { '+CREG': 0, '+CGREG': 0, '+CEREG': 0 };
    this.cgerep = { mode: 0, bfr: 0 };
    this.cfun = 1;
    this.awaitingAck = 0;
    for (const c of this.contexts.values()) {
      c.active = false;
      c.address = null;
    }
  }

  /** Registered (home) when the radio is on and there is coverage, else searching. */
  get regStat(): number {
    return this.coverage && this.cfun === 1 ? 1 : 2;
  }
}
