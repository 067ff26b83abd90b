// The modem's hardware recovery through the board's GPIO lines (board config modem.gpio): the ModemResetter
// the link supervisor's recovery ladder calls when reopening the port did not bring the modem back.
//
// [U] Line semantics (the board config names the lines, not their wiring):
//   resetLine: the modem's RESET input; a reset is assert → hold RESET_HOLD_MS → release.
//   powerLine: a supply enable / power switch, asserted = powered. A power cycle is deassert → hold
//              POWER_OFF_MS → assert. A board with a PWRKEY-style toggle input wires it as resetLine.
// Escalation: a reset pulses resetLine; a second reset within ESCALATE_WITHIN_MS of the previous one (the
// pulse did not help) power-cycles instead, when there is a powerLine. Without a resetLine every reset is
// a power cycle. Lines are requested on first use and then held (so the modem's power is never left
// floating) until close().
import type { Logger } from 'pino';
import type { ModemConfig } from './config/index.js';
import type { ModemResetter } from '../modem/index.js';
import { GpioLine, type GpioLineOptions } from '../native/index.js';

/** The board config's modem.gpio section. */
export type GpioConfig = NonNullable<ModemConfig['gpio']>;

export const RESET_HOLD_MS = 300;
export const POWER_OFF_MS = 3_000;
export const ESCALATE_WITHIN_MS = 5 * 60_000;

/** What the resetter needs of a line (GpioLine; a recorder in tests). */
export interface ControlLine {
  set(active: boolean): void;
  release(): void;
}

export type LineOpener = (chip: string, offset: number, o: Pick<GpioLineOptions, 'activeLow' | 'consumer' | 'initial'>) => ControlLine;

export interface GpioResetterOptions {
  readonly gpio: GpioConfig;
  readonly logger: Logger;
  readonly openLine?: LineOpener;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly timing?: { readonly resetHoldMs?: number; readonly powerOffMs?: number; readonly escalateWithinMs?: number };
}

export type ResetAction = 'reset-pulse' | 'power-cycle';

export class GpioModemResetter implements ModemResetter {
  readonly #o: GpioResetterOptions;
  readonly #open: LineOpener;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #now: () => number;
  #reset: ControlLine | null = null;
  #power: ControlLine | null = null;
  #lastReset: number | null = null;
  #closed = false;
  readonly counts = { resetPulses: 0, powerCycles: 0, failures: 0 };

  constructor(o: GpioResetterOptions) {
    if (o.gpio.resetLine === undefined && o.gpio.powerLine === undefined) throw new Error('modem.gpio names neither resetLine nor powerLine');
    this.#o = o;
    this.#open = o.openLine ?? ((chip, offset, lo) => GpioLine.request(chip, offset, lo));
    this.#sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.#now = o.now ?? Date.now;
  }

  /** Which action the next reset() takes. */
  nextAction(): ResetAction {
    const g = this.#o.gpio;
    if (g.resetLine === undefined) return 'power-cycle';
    if (g.powerLine === undefined) return 'reset-pulse';
    const within = this.#o.timing?.escalateWithinMs ?? ESCALATE_WITHIN_MS;
    return this.#lastReset !== null && this.#now() - this.#lastReset < within ? 'power-cycle' : 'reset-pulse';
  }

  async reset(reason: string): Promise<void> {
    if (this.#closed) throw new Error('GPIO resetter closed');
    const action = this.nextAction();
    this.#lastReset = this.#now();
    const g = this.#o.gpio;
    this.#o.logger.warn({ action, reason, chip: g.chip, line: action === 'reset-pulse' ? g.resetLine : g.powerLine }, 'modem reset by GPIO');
    try {
      if (action === 'reset-pulse') await this.#pulseReset();
      else await this.powerCycle();
    } catch (err) {
      this.counts.failures++;
      throw err;
    }
  }

  /** Deassert the power line, wait, assert it again. */
  async powerCycle(): Promise<void> {
    const offset = this.#o.gpio.powerLine;
    if (offset === undefined) throw new Error('modem.gpio has no powerLine');
    this.#power ??= this.#request(offset, true); // held powered from the moment it is ours
    this.#power.set(false);
    await this.#sleep(this.#o.timing?.powerOffMs ?? POWER_OFF_MS);
    this.#power.set(true);
    this.counts.powerCycles++;
  }

  async #pulseReset(): Promise<void> {
    this.#reset ??= this.#request(this.#o.gpio.resetLine!, false);
    this.#reset.set(true);
    try {
      await this.#sleep(this.#o.timing?.resetHoldMs ?? RESET_HOLD_MS);
    } finally {
      this.#reset.set(false); // never leave the modem held in reset
    }
    this.counts.resetPulses++;
  }

  #request(offset: number, initial: boolean): ControlLine {
    return this.#open(this.#o.gpio.chip, offset, { activeLow: this.#o.gpio.activeLow, consumer: 'bcastd', initial });
  }

  /** Releases the lines (the reset line deasserted, the power line asserted, as they were left). */
  close(): void {
    this.#closed = true;
    for (const line of [this.#reset, this.#power]) line?.release();
    this.#reset = this.#power = null;
  }
}
