/**
 * Simulated purchase portal: `POST /purchase {serviceId, terminal}` buys a service out of band and,
 * as the change request asks, makes the BSM send a Key Group 0 solicited pull to the buyer so it
 * re-registers (UDP to its registered address, or SMS when asked or when it is not registered).
 */
import type { Logger } from 'pino';
import type { SimBsm } from './bsm.js';
import type { EventLog } from './event-log.js';
import { DEFAULT_JSON_API_GUARD } from './local-json-guard.js';
import { json, startHttpServer, type SimHttpServer, type SimReply, type SimRequest } from './http-server.js';

export class SimPortal {
  #http: SimHttpServer | null = null;
  constructor(private readonly o: { bsm: SimBsm; events: EventLog; port: number; logger: Logger }) {}

  async start(): Promise<string> {
    this.#http = await startHttpServer((r) => this.#handle(r), this.o.port, '127.0.0.1', undefined, {
      ...DEFAULT_JSON_API_GUARD,
      onRefused: (r, req) => this.o.logger.warn({ status: r.status, method: req.method, path: req.path, why: r.error }, 'portal request refused'),
    });
    return this.#http.url;
  }
  get url(): string {
    if (!this.#http) throw new Error('portal not started');
    return this.#http.url;
  }
  /** Refused requests by HTTP status (403 cross-site, 413 too large, 415 not JSON, 421 not loopback). */
  get refused(): Readonly<Record<number, number>> {
    return this.#http?.refused ?? {};
  }
  async close(): Promise<void> {
    await this.#http?.close();
  }

  async #handle(req: SimRequest): Promise<SimReply> {
    if (req.method !== 'POST' || req.url.pathname !== '/purchase') return json(404, { error: 'POST /purchase' });
    let body: { serviceId?: unknown; terminal?: unknown; via?: unknown };
    try {
      body = JSON.parse(req.body.toString('utf8')) as typeof body;
    } catch {
      return json(400, { error: 'body must be JSON {serviceId, terminal}' });
    }
    const { serviceId, terminal } = body;
    if (typeof serviceId !== 'string' || typeof terminal !== 'string') return json(400, { error: 'serviceId and terminal are required strings' });
    if (!this.o.bsm.purchase(terminal, serviceId)) return json(404, { error: 'unknown terminal or service' });
    this.o.events.push({ type: 'purchase', terminal: terminal.slice(0, 5), serviceId });
    const via = body.via === 'sms' || body.via === 'udp' ? body.via : this.o.bsm.registrationOf(terminal) ? 'udp' : 'sms';
    try {
      await this.o.bsm.solicitedPull(terminal, 0, via);
    } catch (e) {
      this.o.logger.warn({ err: e }, 'purchase: solicited pull not sent');
      return json(202, { purchased: true, pull: null, error: (e as Error).message });
    }
    return json(200, { purchased: true, pull: { keyGroup: 0, via } });
  }
}
