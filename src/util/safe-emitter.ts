// An EventEmitter whose listeners cannot break the code that emits: Node's emit() stops at the first listener
// that throws and throws into the emitter (an AT receive loop, a card state change). Here every listener runs;
// each exception is handed once to the injected report (the owner logs it) and counted.
import { EventEmitter } from 'node:events';

export type ListenerErrorReport = (err: unknown, event: string | symbol) => void;

export class SafeEmitter<T extends Record<keyof T, unknown[]>> extends EventEmitter<T> {
  readonly #report: ListenerErrorReport;
  #errors = 0;

  constructor(report: ListenerErrorReport) {
    super();
    this.#report = report;
    // Replaced on the instance rather than overridden, so the typed signature stays EventEmitter<T>'s own.
    this.emit = ((eventName: string | symbol, ...args: unknown[]) => this.#emitAll(eventName, args)) as unknown as EventEmitter<T>['emit'];
  }

  /** Listener exceptions caught since construction. */
  get listenerErrors(): number {
    return this.#errors;
  }

  #emitAll(eventName: string | symbol, args: unknown[]): boolean {
    const base = EventEmitter.prototype as unknown as { emit(e: string | symbol, ...a: unknown[]): boolean; rawListeners(e: string | symbol): Function[] };
    // No 'error' listener: Node's own behaviour (throw the error), which is what an unhandled 'error' means.
    if (eventName === 'error' && this.listenerCount('error' as never) === 0) return base.emit.call(this, eventName, ...args);
    // rawListeners: `once` wrappers remove themselves when called; a snapshot, as emit() takes one.
    const listeners = base.rawListeners.call(this, eventName);
    for (const listener of listeners) {
      try {
        Reflect.apply(listener, this, args);
      } catch (err) {
        this.#errors++;
        this.#report(err, eventName);
      }
    }
    return listeners.length > 0;
  }
}
