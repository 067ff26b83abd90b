/**
 * The state-machine helper: named states, an explicit transition table, and a reason on every change, so
 * every change is checked, logged and reported (the modem's link supervisor and PDP context manager keep
 * their state here). `R` narrows the reasons to a typed set where a machine has named failure reasons.
 */
import type { Logger } from 'pino';

export interface Transition<S extends string, R extends string = string> {
  readonly state: S;
  readonly previous: S;
  readonly reason: R;
}

export class StateMachine<S extends string, R extends string = string> {
  private current: S;
  private illegal = 0;

  constructor(
    private readonly name: string,
    initial: S,
    private readonly table: Readonly<Record<S, readonly S[]>>,
    private readonly log: Logger,
    private readonly onChange: (t: Transition<S, R>) => void,
  ) {
    this.current = initial;
  }

  get state(): S {
    return this.current;
  }

  /** Transitions the table refused (a bug when not 0; tests check it). */
  get illegalTransitions(): number {
    return this.illegal;
  }

  can(next: S): boolean {
    return this.table[this.current].includes(next);
  }

  /** Moves to `next`; a move the table does not allow is logged, counted and not made. */
  to(next: S, reason: R): boolean {
    if (!this.can(next)) {
      this.illegal++;
      this.log.error({ machine: this.name, from: this.current, to: next, reason }, 'illegal state transition refused');
      return false;
    }
    const previous = this.current;
    this.current = next;
    this.log.debug({ machine: this.name, from: previous, to: next, reason }, `${this.name}: ${previous} → ${next}`);
    this.onChange({ state: next, previous, reason });
    return true;
  }
}
