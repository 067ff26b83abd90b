/**
 * Control API of the simulated network, loopback only (tests and `bcastctl sim …`), JSON over HTTP:
 *   GET  /registrations            registrations per terminal (B-TIDs masked)
 *   GET  /verifications            verification messages the BSM checked
 *   GET  /events                   the event log
 *   GET  /faults                   armed faults
 *   GET  /key-material             {mrk, muk, msk: [hex]}: the simulator's test keys shared with its terminals now
 *        (MRK/MUK per registered B-TID, current MSK per service), for leak audits of the daemon (system tests)
 *   POST /faults {fault, times?} | {delayMs} | {registerDelayMs} | {clear: true}
 *   POST /expire {terminal}        B-TID expiry: the BSM stops accepting the terminal's B-TID
 *   POST /pull {terminal, keyGroup?, via?: 'udp'|'sms'}   solicited pull
 *   POST /rotate {serviceId}       next MSK of a service
 *   POST /push {terminal, serviceId}   the BSM pushes the service's current MSK to the terminal's registration
 *        (its address, the MUK of the B-TID it registered with) → {btid (masked), keyNumber}; 409 when the
 *        terminal is not registered for it or its registered B-TID is no longer valid
 *   POST /stkm {terminal, serviceId, mtkId?, salt?}   an STKM (MTK message) for the terminal under the
 *        service's current MSK → {stkm, tek, salt (hex or null), mtkId, counter, keyDomainId, mskId}; the
 *        TEK is a simulator test key, returned so tests can compare. 404 unknown service, 409 when the
 *        terminal has not been sent that MSK (or the MTK ID is out of range)
 * and, when the simulated modem is attached (the sim board):
 *   POST /coverage {on: boolean}   coverage lost / regained (+CEREG URCs)
 *   POST /pdp-release {variant?}   the network releases the PDP context (a +CGEV form)
 *   POST /sms {pdus: [hex]}        SMS-DELIVER PDUs (SMSC prefix included) through the SMSC to the modem
 *   GET  /at-log                   every AT command the modem received [{seq, ts (ISO), command}]
 * and, when the virtual USIM is attached:
 *   POST /card {present: boolean}  the USIM taken out of its reader / put back
 *   POST /card-fault {fault}       arm a one-shot USIM fault: wrongMac (the next MIKEY MAC check fails),
 *        sqnOutOfRange, wrongMtk (the next MTK generation returns a corrupted TEK)
 * and the broadcast (off until asked; a GStreamer child per service):
 *   GET  /broadcast                what is on the air: [{serviceId, rtpPort, stkmPort, rotateSec, mtkId, mki, pid}]
 *   POST /broadcast {serviceId, on: boolean, rotateSec?, rtpPort?, stkmPort?, stkmIntervalMs?}
 *        SRTP video + STKMs for a service on loopback; 404 unknown service, 503 GStreamer missing
 */
import type { Logger } from 'pino';
import { maskId } from '../../util/mask.js';
import { USIM_ONE_SHOT_FAULTS, type UsimOneShotFault } from '../usim/faults.js';
import { BroadcastError, type BroadcastSettings, type SimBroadcast } from './broadcast.js';
import type { SimBsf } from './bsf.js';
import type { SimBsm } from './bsm.js';
import type { EventLog } from './event-log.js';
import { isCountedFault, type Faults } from './faults.js';
import { DEFAULT_JSON_API_GUARD } from './local-json-guard.js';
import { json, startHttpServer, type SimHttpServer, type SimReply, type SimRequest } from './http-server.js';

/** The radio side of the sim board (the simulated modem), when there is one. */
export interface SimRadio {
  setCoverage(on: boolean): void;
  releasePdp(variant?: string): void;
  readonly releaseVariants: readonly string[];
  deliverSms(pdus: Uint8Array[]): void;
  /** Every AT command the simulated modem received, in order. */
  atLog(): ReadonlyArray<{ seq: number; ts: number; command: string }>;
}

/** The virtual USIM's slot: taking the card out and putting it back. */
export interface SimCardSlot {
  readonly present: boolean;
  remove(): void;
  insert(): void;
  readonly faults: { arm(f: UsimOneShotFault): void };
}

export class SimControlApi {
  #http: SimHttpServer | null = null;
  constructor(private readonly o: { bsf: SimBsf; bsm: SimBsm; faults: Faults; events: EventLog; broadcast?: SimBroadcast; port: number; logger?: Logger; radio?: () => SimRadio | undefined; card?: () => SimCardSlot | undefined }) {}

  async start(): Promise<string> {
    this.#http = await startHttpServer((r) => this.#handle(r), this.o.port, '127.0.0.1', undefined, {
      ...DEFAULT_JSON_API_GUARD,
      onRefused: (r, req) => this.o.logger?.warn({ status: r.status, method: req.method, path: req.path, why: r.error }, 'control API request refused'),
    });
    return this.#http.url;
  }
  get url(): string {
    if (!this.#http) throw new Error('control API not started');
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
    const path = req.url.pathname;
    if (req.method === 'GET') {
      if (path === '/key-material') {
        const k = this.o.bsm.keyMaterialForAudit();
        const hex = (l: Buffer[]) => l.map((b) => b.toString('hex'));
        return json(200, { mrk: hex(k.mrk), muk: hex(k.muk), msk: hex(k.msk) });
      }
      if (path === '/registrations') {
        return json(200, this.o.bsm.registrations().map((r) => ({ terminal: maskId(r.imsi), btid: maskId(r.btid), address: r.address, port: r.port, services: [...r.services], registeredAt: new Date(r.registeredAt).toISOString() })));
      }
      if (path === '/verifications') return json(200, this.o.bsm.ltkm.verifications.map((v) => ({ ...v, btid: maskId(v.btid), at: new Date(v.at).toISOString() })));
      if (path === '/events') return json(200, this.o.events.all());
      if (path === '/faults') return json(200, this.o.faults.snapshot());
      if (path === '/broadcast') return json(200, this.o.broadcast?.list() ?? []);
      if (path === '/at-log') {
        const radio = this.o.radio?.();
        if (!radio) return json(409, { error: 'no simulated modem attached' });
        return json(200, radio.atLog().map((e) => ({ seq: e.seq, ts: new Date(e.ts).toISOString(), command: e.command })));
      }
      return json(404, { error: 'unknown path' });
    }
    if (req.method !== 'POST') return json(405, { error: 'GET or POST' });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body.toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      return json(400, { error: 'body must be JSON' });
    }
    if (path === '/faults') {
      if (body.clear === true) this.o.faults.clear();
      if (typeof body.delayMs === 'number' && body.delayMs >= 0) this.o.faults.setDelay(body.delayMs);
      if (typeof body.registerDelayMs === 'number' && body.registerDelayMs >= 0) this.o.faults.setRegisterDelay(body.registerDelayMs);
      if (body.fault !== undefined) {
        if (!isCountedFault(body.fault)) return json(400, { error: `unknown fault ${String(body.fault)}` });
        const times = typeof body.times === 'number' && Number.isInteger(body.times) && body.times > 0 ? body.times : 1;
        this.o.faults.inject(body.fault, times);
        this.o.events.push({ type: 'fault', fault: `${body.fault} x${times} armed` });
      }
      return json(200, this.o.faults.snapshot());
    }
    const terminal = typeof body.terminal === 'string' ? body.terminal : undefined;
    if (path === '/expire') {
      const rec = terminal ? this.o.bsf.latestFor(terminal) : undefined;
      if (!rec) return json(404, { error: 'no live bootstrap for that terminal' });
      this.o.bsm.forgetBtid(rec.btid);
      this.o.bsf.expire(rec.btid);
      this.o.events.push({ type: 'fault', fault: 'btid-expired' });
      return json(200, { expired: maskId(rec.btid) });
    }
    if (path === '/pull') {
      if (!terminal) return json(400, { error: 'terminal is required' });
      const keyGroup = typeof body.keyGroup === 'number' ? body.keyGroup : 0;
      const via = body.via === 'sms' ? 'sms' : 'udp';
      try {
        await this.o.bsm.solicitedPull(terminal, keyGroup, via);
      } catch (e) {
        return json(409, { error: (e as Error).message });
      }
      return json(200, { sent: { keyGroup, via } });
    }
    if (path === '/card') {
      const slot = this.o.card?.();
      if (!slot) return json(409, { error: 'no virtual USIM attached' });
      if (typeof body.present !== 'boolean') return json(400, { error: 'present must be true or false' });
      if (body.present) slot.insert();
      else slot.remove();
      this.o.events.push({ type: 'card', present: body.present });
      return json(200, { present: slot.present });
    }
    if (path === '/card-fault') {
      const slot = this.o.card?.();
      if (!slot) return json(409, { error: 'no virtual USIM attached' });
      const fault = USIM_ONE_SHOT_FAULTS.find((f) => f === body.fault);
      if (!fault) return json(400, { error: `fault must be one of ${USIM_ONE_SHOT_FAULTS.join(', ')}` });
      slot.faults.arm(fault);
      this.o.events.push({ type: 'card-fault', fault });
      return json(200, { armed: fault });
    }
    if (path === '/broadcast') return this.#broadcast(body);
    const radio = this.o.radio?.();
    if ((path === '/coverage' || path === '/pdp-release' || path === '/sms') && !radio) return json(409, { error: 'no simulated modem attached' });
    if (path === '/coverage' && radio) {
      if (typeof body.on !== 'boolean') return json(400, { error: 'on must be true or false' });
      radio.setCoverage(body.on);
      this.o.events.push({ type: 'radio', coverage: body.on });
      return json(200, { coverage: body.on });
    }
    if (path === '/pdp-release' && radio) {
      const variant = body.variant === undefined ? undefined : String(body.variant);
      if (variant !== undefined && !radio.releaseVariants.includes(variant)) return json(400, { error: `variant must be one of ${radio.releaseVariants.join(', ')}` });
      radio.releasePdp(variant);
      this.o.events.push({ type: 'radio', pdpRelease: variant ?? 'default' });
      return json(200, { released: variant ?? 'default' });
    }
    if (path === '/sms' && radio) {
      const pdus = Array.isArray(body.pdus) ? body.pdus : null;
      if (!pdus || pdus.length === 0 || !pdus.every((p) => typeof p === 'string' && /^([0-9a-fA-F]{2})+$/.test(p))) return json(400, { error: 'pdus must be a non-empty list of hex strings' });
      radio.deliverSms(pdus.map((p) => Uint8Array.from(Buffer.from(p as string, 'hex'))));
      return json(200, { delivered: pdus.length });
    }
    if (path === '/stkm') {
      if (!terminal) return json(400, { error: 'terminal is required' });
      if (typeof body.serviceId !== 'string' || !this.o.bsm.service(body.serviceId)) return json(404, { error: 'unknown service' });
      if (body.mtkId !== undefined && (typeof body.mtkId !== 'number' || !Number.isInteger(body.mtkId))) return json(400, { error: 'mtkId must be an integer' });
      if (body.salt !== undefined && typeof body.salt !== 'boolean') return json(400, { error: 'salt must be true or false' });
      try {
        const s = this.o.bsm.stkm(terminal, body.serviceId, { ...(body.mtkId !== undefined ? { mtkId: body.mtkId } : {}), salt: body.salt === true });
        const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
        return json(200, { stkm: hex(s.stkm), tek: hex(s.tek), salt: s.salt ? hex(s.salt) : null, mtkId: s.mtkId, counter: s.counter, keyDomainId: s.keyDomainId, mskId: s.mskId });
      } catch (e) {
        return json(409, { error: (e as Error).message });
      }
    }
    if (path === '/push') {
      if (!terminal) return json(400, { error: 'terminal is required' });
      if (typeof body.serviceId !== 'string' || !this.o.bsm.service(body.serviceId)) return json(404, { error: 'unknown service' });
      try {
        const pushed = await this.o.bsm.pushToRegistered(terminal, body.serviceId);
        return json(200, { btid: maskId(pushed.btid), keyNumber: pushed.keyNumber });
      } catch (e) {
        return json(409, { error: (e as Error).message });
      }
    }
    if (path === '/rotate') {
      if (typeof body.serviceId !== 'string' || !this.o.bsm.service(body.serviceId)) return json(404, { error: 'unknown service' });
      return json(200, { keyNumber: this.o.bsm.rotateMsk(body.serviceId) });
    }
    return json(404, { error: 'unknown path' });
  }

  async #broadcast(body: Record<string, unknown>): Promise<SimReply> {
    const b = this.o.broadcast;
    if (!b) return json(409, { error: 'no broadcast in this world' });
    if (typeof body.serviceId !== 'string' || !this.o.bsm.service(body.serviceId)) return json(404, { error: 'unknown service' });
    if (typeof body.on !== 'boolean') return json(400, { error: 'on must be true or false' });
    if (!body.on) return json(200, { serviceId: body.serviceId, on: false, wasOn: await b.stop(body.serviceId) });
    const settings: Partial<BroadcastSettings> = {};
    for (const k of ['rotateSec', 'rtpPort', 'stkmPort', 'stkmIntervalMs'] as const) {
      const v = body[k];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) return json(400, { error: `${k} must be a positive integer` });
      settings[k] = v;
    }
    try {
      return json(200, { on: true, ...(await b.start(body.serviceId, settings)) });
    } catch (e) {
      if (e instanceof BroadcastError) return json(e.code === 'not_installed' ? 503 : e.code === 'bad_settings' ? 400 : 500, { error: e.message, code: e.code });
      throw e;
    }
  }
}
