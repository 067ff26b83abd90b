// The recent events, kept in memory for `bcastctl trace` and bug-report bundles: MQTT events are not retained,
// so a tool that connects after the fact asks for them with the `events` command. Bounded; oldest fall out.
export interface LoggedEvent {
  type: string;
  /** ISO-8601 with milliseconds: the same stamp the MQTT event carries. */
  ts: string;
  [field: string]: unknown;
}

export interface EventQuery {
  /** Only events at or after this time (epoch ms). */
  sinceMs?: number;
  /** At most this many (the most recent ones). */
  limit?: number;
}

export const EVENT_LOG_CAPACITY = 1000;

export class EventLog {
  readonly #ring: Array<{ atMs: number; event: LoggedEvent }> = [];
  #dropped = 0;

  constructor(private readonly capacity = EVENT_LOG_CAPACITY) {}

  /** `atMs`: the epoch ms `event.ts` was made from, when the caller has it (saves parsing the stamp back). */
  add(event: LoggedEvent, atMs: number = Date.parse(event.ts)): void {
    this.#ring.push({ atMs: Number.isNaN(atMs) ? Date.now() : atMs, event });
    if (this.#ring.length > this.capacity) {
      this.#ring.shift();
      this.#dropped++;
    }
  }

  /** Events matching `q`, oldest first; `dropped` counts events that fell out of the ring since start. */
  query(q: EventQuery = {}): { events: LoggedEvent[]; dropped: number } {
    let list = this.#ring;
    if (q.sinceMs !== undefined) list = list.filter((e) => e.atMs >= q.sinceMs!);
    if (q.limit !== undefined && q.limit >= 0) list = list.slice(Math.max(0, list.length - q.limit));
    return { events: list.map((e) => e.event), dropped: this.#dropped };
  }

  get size(): number {
    return this.#ring.length;
  }
}
