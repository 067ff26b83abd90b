// What startDaemon built, in order, each with how to close it: closed in reverse, every failure logged and
// passed over so that the rest still closes.
import type { Logger } from 'pino';

export class Closers {
  readonly #steps: Array<[string, () => Promise<void> | void]> = [];

  constructor(private readonly log: Logger) {}

  add(what: string, close: () => Promise<void> | void): void {
    this.#steps.push([what, close]);
  }

  async closeAll(): Promise<void> {
    while (this.#steps.length > 0) {
      const [what, close] = this.#steps.pop()!;
      try {
        await close();
      } catch (err) {
        this.log.warn({ what, err: (err as Error).message }, 'close failed');
      }
    }
  }
}
