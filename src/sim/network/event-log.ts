/** Everything the simulated network saw, in order, for tests and `bcastctl sim events`. No key material. */
export type NetworkEvent =
  | { type: 'bootstrap'; impi: string; btid: string; mode: 'gba-u' | 'gba-me' }
  | { type: 'resync'; impi: string }
  // userAgentToken: the GBA product token the request carried (`3gpp-gba` / `3gpp-gba-uicc`).
  | { type: 'register'; btid: string; address: string; services: string[]; statuses: number[]; userAgentToken: string }
  | { type: 'deregister'; btid: string; services: string[]; userAgentToken: string }
  | { type: 'msk-request'; btid: string; userAgentToken: string; keys: Array<{ keyDomainId: string; keyGroup: number; keyNumber: number; status: number }> }
  | { type: 'ltkm-push'; btid: string; to: string; keyGroup: number; keyNumber: number; counter: number; solicitedPull: boolean; dropped: boolean; /** A pull as it went on the air (hex, key-less): what an eavesdropper could capture and replay. */ wire?: string }
  | { type: 'sms-pull'; btid: string; keyGroup: number; counter: number }
  | { type: 'stkm'; terminal: string; keyGroup: number; keyNumber: number; mtkId: number; counter: number }
  | { type: 'verification'; btid: string; counter: number; ok: boolean; from: string }
  | { type: 'purchase'; terminal: string; serviceId: string }
  | { type: 'auth-fail'; server: 'bsf' | 'bsm'; why: string }
  | { type: 'fault'; fault: string }
  | { type: 'radio'; coverage?: boolean; pdpRelease?: string }
  | { type: 'card'; present: boolean }
  | { type: 'broadcast'; serviceId: string; state: 'on' | 'off' | 'rotate'; mtkId?: number }
  | { type: 'card-fault'; fault: string }

export type LoggedEvent = NetworkEvent & { ts: string; seq: number };

export class EventLog {
  readonly #events: LoggedEvent[] = [];
  readonly #waiters = new Set<() => void>();
  readonly #listeners = new Set<(e: LoggedEvent) => void>();
  constructor(private readonly now: () => number = Date.now) {}

  push(e: NetworkEvent): void {
    const logged = { ...e, ts: new Date(this.now()).toISOString(), seq: this.#events.length + 1 } as LoggedEvent;
    this.#events.push(logged);
    for (const l of this.#listeners) l(logged);
    for (const w of [...this.#waiters]) w();
  }
  /** Calls `fn` with every event from now on (e.g. to keep the log on disk). */
  subscribe(fn: (e: LoggedEvent) => void): void {
    this.#listeners.add(fn);
  }
  all(): LoggedEvent[] {
    return [...this.#events];
  }
  ofType<T extends NetworkEvent['type']>(type: T): Array<Extract<LoggedEvent, { type: T }>> {
    return this.#events.filter((e): e is Extract<LoggedEvent, { type: T }> => e.type === type);
  }
  /** Resolves with the first event (already logged or future) matching `pred`; rejects after timeoutMs. */
  waitFor<T extends LoggedEvent>(pred: (e: LoggedEvent) => e is T, timeoutMs?: number): Promise<T>;
  waitFor(pred: (e: LoggedEvent) => boolean, timeoutMs?: number): Promise<LoggedEvent>;
  waitFor(pred: (e: LoggedEvent) => boolean, timeoutMs = 5000): Promise<LoggedEvent> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = this.#events.find(pred);
        if (!hit) return false;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error('timed out waiting for a network event'));
      }, timeoutMs);
      if (!check()) this.#waiters.add(check);
    });
  }
}
