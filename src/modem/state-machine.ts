/**
 * A named-state machine with an explicit transition table: the link supervisor and the PDP context
 * manager keep their state here, so every change is checked, logged and reported with its reason.
 */
import type { Logger } from 'pino';

export interface Transition<S extends string> {
  readonly state: S;
  readonly previous: S;
  readonly reason: string;
}

export class StateMachine<S extends string> {
  private current: S;
  private illegal = 0;

  constructor(
    private readonly name: string,
    initial: S,
    private readonly table: Readonly<Record<S, readonly S[]>>,
    private readonly log: Logger,
    private readonly onChange: (t: Transition<S>) => void,
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
  to(next: S, reason: string): boolean {
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
