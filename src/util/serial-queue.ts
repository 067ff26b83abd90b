/**
 * The one serial job queue: jobs run one at a time in the order they were queued. A failing job rejects its
 * own promise and does not stop the queue. Used wherever a resource takes one operation at a time (the
 * card's APDU channel, SMS storage, PDP operations, the virtual USIM's answers).
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `job` after every job queued before it; settles as the job does. */
  run<T>(job: () => T | Promise<T>): Promise<T> {
    const run = this.#tail.then(job);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Settles once every job queued so far has settled. */
  async idle(): Promise<void> {
    await this.#tail;
  }
}
