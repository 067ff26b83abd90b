/**
 * Simulated BSM (SPEC §6-§7): HTTP Digest with the MRK of each B-TID (keys from the simulated BSF, the
 * in-process Zn), nonce reuse with nonce-count checking, registration state per terminal (address,
 * services), services with key domains and key groups, MSK generation, LTKM pushes after
 * registration and MSK requests, solicited pulls over UDP and SMS, STKMs (MTK messages) under the
 * current MSK of a service.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { parseAuthorization, verifyDigestResponse, type Secret } from '../../crypto/index.js';
import {
  ALL_SERVICES,
  BSM_MEDIA_TYPE,
  BSM_REQUEST_TYPE,
  buildMskResponse,
  buildRegisterResponse,
  parseDeregisterRequest,
  parseMskRequest,
  parseRegisterRequest,
  type MskStatus,
  type ServiceStatus,
} from '../../codec/index.js';
import { maskId } from '../../util/mask.js';
import { withBsmDigestPassword, bsmNafId, bsmRealm, networkNafKeys, type GbaMode } from '../../crypto/gba-naf-keys.js';
import { GBA_PRODUCT_TOKEN, gbaProductToken } from '../../crypto/gba-user-agent.js';
import type { SimBsf } from './bsf.js';
import type { EventLog } from './event-log.js';
import type { Faults } from './faults.js';
import { sleep, startHttpServer, type SimHttpServer, type SimReply, type SimRequest } from './http-server.js';
import { LtkmSender, type SmsSink } from './ltkm-sender.js';
import { buildStkm, TEK_LENGTH, TEK_SALT_LENGTH } from './stkm.js';

export interface SimService {
  serviceId: string;
  /** 6 hex digits. */
  keyDomainId: string;
  keyGroup: number;
}

export interface Registration {
  btid: string;
  imsi: string;
  address: string;
  port: number;
  services: Set<string>;
  registeredAt: number;
}

export interface SimBsmOptions {
  fqdn: string;
  port: number;
  bsf: SimBsf;
  services: SimService[];
  /** Services each IMSI has bought. */
  subscriptions: Record<string, string[]>;
  /** UDP port terminals listen on for LTKMs (SPEC §4 default 4359; tests use an ephemeral one). */
  terminalLtkmPort: number;
  /** How long a nonce may be reused before the BSM answers stale=true. */
  nonceLifetimeMs?: number;
  faults: Faults;
  events: EventLog;
  logger: Logger;
  smsSink?: SmsSink;
  now?: () => number;
}

interface NonceState {
  highestNc: number;
  expiresAt: number;
}

interface Msk {
  keyNumber: number;
  key: Buffer;
}

/** An STKM and the traffic key it carries (a test key of the simulator, returned so tests can compare). */
export interface SimStkm {
  stkm: Uint8Array;
  tek: Buffer;
  salt: Buffer | null;
  mtkId: number;
  /** T COUNTER of the STKM. */
  counter: number;
  /** Hex. */
  keyDomainId: string;
  mskId: { keyGroup: number; keyNumber: number };
}

/** [U] SPEC §3.3: the MSKs this BSM pushes are valid for the whole MTK ID range 0000–FFFF. */
const MAX_MTK_ID = 0xffff;

export class SimBsm {
  #http: SimHttpServer | null = null;
  readonly ltkm: LtkmSender;
  readonly #nonces = new Map<string, NonceState>();
  readonly #registrations = new Map<string, Registration>();
  /** B-TIDs the BSM was told to forget (fault: B-TID expiry as seen by the NAF). */
  readonly #forgotten = new Set<string>();
  readonly #msks = new Map<string, Msk>();
  /** Per MSK (KDID:group:number): last STKM counter and MTK ID, shared by all terminals as a broadcast is. */
  readonly #stkmState = new Map<string, { counter: number; mtkId: number }>();
  readonly #subscriptions: Map<string, Set<string>>;
  readonly #log: Logger;
  readonly #now: () => number;
  terminalLtkmPort: number;

  constructor(private readonly o: SimBsmOptions) {
    this.#log = o.logger.child({ component: 'sim', part: 'bsm' });
    this.#now = o.now ?? Date.now;
    this.terminalLtkmPort = o.terminalLtkmPort;
    this.#subscriptions = new Map(Object.entries(o.subscriptions).map(([k, v]) => [k, new Set(v)]));
    this.ltkm = new LtkmSender({ fqdn: o.fqdn, faults: o.faults, events: o.events, logger: this.#log, ...(o.smsSink ? { smsSink: o.smsSink } : {}), now: this.#now });
    for (const s of o.services) this.#msks.set(s.serviceId, { keyNumber: 1, key: randomBytes(16) });
  }

  async start(): Promise<string> {
    await this.ltkm.start();
    this.#http = await startHttpServer((r) => this.#handle(r), this.o.port, '127.0.0.1', (e) => this.#log.error({ err: e }, 'bsm handler failed'));
    return this.#http.url;
  }
  get url(): string {
    if (!this.#http) throw new Error('BSM not started');
    return this.#http.url;
  }
  async close(): Promise<void> {
    this.ltkm.close();
    await this.#http?.close();
  }

  registrations(): Registration[] {
    return [...this.#registrations.values()];
  }
  registrationOf(terminal: string): Registration | undefined {
    return this.#registrations.get(this.#imsiOf(terminal) ?? terminal);
  }
  /** Fault: the BSM stops accepting this B-TID (as when its Zn lookup says expired). */
  forgetBtid(btid: string): void {
    this.#forgotten.add(btid);
  }
  /** Out-of-band purchase (portal). */
  purchase(terminal: string, serviceId: string): boolean {
    const imsi = this.#imsiOf(terminal);
    if (!imsi || !this.o.services.some((s) => s.serviceId === serviceId)) return false;
    const set = this.#subscriptions.get(imsi) ?? new Set<string>();
    set.add(serviceId);
    this.#subscriptions.set(imsi, set);
    return true;
  }
  /** A new MSK (next key number) for a service. */
  rotateMsk(serviceId: string): number {
    const cur = this.#msks.get(serviceId);
    if (!cur) throw new Error(`unknown service ${serviceId}`);
    cur.key.fill(0);
    const next = { keyNumber: cur.keyNumber + 1, key: randomBytes(16) };
    this.#msks.set(serviceId, next);
    return next.keyNumber;
  }
  serviceIds(): string[] {
    return this.o.services.map((s) => s.serviceId);
  }
  service(serviceId: string): SimService | undefined {
    return this.o.services.find((s) => s.serviceId === serviceId);
  }
  /** Current MSK of a service (tests compare it with what the terminal stored). */
  currentMsk(serviceId: string): { keyNumber: number; key: Buffer } | undefined {
    const m = this.#msks.get(serviceId);
    return m ? { keyNumber: m.keyNumber, key: Buffer.from(m.key) } : undefined;
  }

  /**
   * An STKM for `terminal` (B-TID or IMSI) under the service's current MSK, derived with the RAND of the
   * MSK message that terminal was last pushed for it [U SPEC §3.3]. Fresh CSB ID and TEK; the counter
   * rises per MSK; mtkId defaults to the previous one + 1 (first: 1). Throws when the terminal has not
   * been sent that MSK.
   */
  stkm(terminal: string, serviceId: string, opts: { mtkId?: number; salt?: boolean } = {}): SimStkm {
    const tek = randomBytes(TEK_LENGTH);
    const salt = opts.salt ? randomBytes(TEK_SALT_LENGTH) : null;
    const made = this.#stkmFor(terminal, serviceId, { ...(opts.mtkId !== undefined ? { mtkId: opts.mtkId } : {}), tek, salt, requireMsk: true });
    this.o.events.push({ type: 'stkm', terminal: maskId(terminal), keyGroup: made.mskId.keyGroup, keyNumber: made.mskId.keyNumber, mtkId: made.mtkId, counter: made.counter });
    return { ...made, tek, salt };
  }

  /**
   * The STKM the broadcast carries for `terminal` with a given traffic key (the broadcast picks TEK, salt
   * and MTK ID: they key its SRTP). A terminal that was never sent the current MSK still gets a well-formed
   * STKM (under a RAND it does not know), as the air carries STKMs for everyone: its card refuses it.
   */
  broadcastStkm(terminal: string, serviceId: string, key: { mtkId: number; tek: Buffer; salt: Buffer }): Omit<SimStkm, 'tek' | 'salt'> {
    return this.#stkmFor(terminal, serviceId, { ...key, requireMsk: false });
  }

  #stkmFor(terminal: string, serviceId: string, o: { mtkId?: number; tek: Buffer; salt: Buffer | null; requireMsk: boolean }): Omit<SimStkm, 'tek' | 'salt'> {
    const svc = this.service(serviceId);
    const msk = this.#msks.get(serviceId);
    if (!svc || !msk) throw new Error(`unknown service ${serviceId}`);
    const keyDomainId = Buffer.from(svc.keyDomainId, 'hex');
    const mskId = { keyGroup: svc.keyGroup, keyNumber: msk.keyNumber };
    const imsi = this.#imsiOf(terminal);
    const sent = (imsi ? this.ltkm.mskRand(imsi, keyDomainId, mskId) : undefined) ?? this.ltkm.mskRand(terminal, keyDomainId, mskId);
    if (!sent && o.requireMsk) {
      throw new Error(`terminal ${maskId(terminal)} has not been sent the current MSK of ${serviceId} (key number ${msk.keyNumber}): register or request the MSK first`);
    }
    const rand = sent ?? randomBytes(16);
    const stateKey = `${svc.keyDomainId.toLowerCase()}:${mskId.keyGroup}:${mskId.keyNumber}`;
    const state = this.#stkmState.get(stateKey) ?? { counter: 0, mtkId: 0 };
    const mtkId = o.mtkId ?? state.mtkId + 1;
    if (!Number.isInteger(mtkId) || mtkId < 0 || mtkId > MAX_MTK_ID) {
      throw new Error(`MTK ID ${mtkId} is outside the MSK's validity range 0-${MAX_MTK_ID}${o.mtkId === undefined ? ': rotate the MSK' : ''}`);
    }
    const counter = state.counter + 1;
    this.#stkmState.set(stateKey, { counter, mtkId });
    const stkm = buildStkm({ msk: msk.key, mskRand: rand, csbId: randomInt(1, 2 ** 32 - 1), counter, keyDomainId, mskId, mtkId, tek: o.tek, salt: o.salt });
    return { stkm, mtkId, counter, keyDomainId: svc.keyDomainId.toLowerCase(), mskId };
  }

  /**
   * The BSM delivers a service's current MSK to a registered terminal unasked (as after a rotation): to its
   * registered address, under the MUK of the B-TID it REGISTERED with — so a terminal that re-bootstrapped
   * without registering again gets it under a MUK it no longer holds, or not at all once that B-TID is gone.
   */
  async pushToRegistered(terminal: string, serviceId: string): Promise<{ btid: string; keyNumber: number }> {
    const imsi = this.#imsiOf(terminal);
    const reg = imsi ? this.#registrations.get(imsi) : undefined;
    if (!reg) throw new Error('the terminal is not registered');
    const svc = this.service(serviceId);
    const msk = this.#msks.get(serviceId);
    if (!svc || !msk) throw new Error(`unknown service ${serviceId}`);
    if (!reg.services.has(serviceId)) throw new Error(`the terminal is not registered for ${serviceId}`);
    const keys = this.#keys(reg.btid);
    if (!keys) throw new Error(`the registered B-TID ${maskId(reg.btid)} is no longer valid: the terminal has not registered since`);
    await this.ltkm.pushMsk({ btid: reg.btid, imsi: reg.imsi, muk: keys.muk, address: reg.address, port: reg.port }, Buffer.from(svc.keyDomainId, 'hex'), { keyGroup: svc.keyGroup, keyNumber: msk.keyNumber }, msk.key);
    return { btid: reg.btid, keyNumber: msk.keyNumber };
  }

  /** Solicited pull to a terminal's latest bootstrap: over UDP to its registered address, or over SMS. */
  async solicitedPull(terminal: string, keyGroup: number, via: 'udp' | 'sms', keyDomainId?: string): Promise<void> {
    const rec = this.o.bsf.latestFor(terminal);
    if (!rec) throw new Error('terminal has no live bootstrap: a solicited pull needs MUK (SPEC: after GBA)');
    const kd = Buffer.from(keyDomainId ?? this.o.services[0]?.keyDomainId ?? '000000', 'hex');
    const muk = this.#keys(rec.btid)!.muk;
    if (via === 'sms') {
      await this.ltkm.pullOverSms({ btid: rec.btid, muk }, kd, keyGroup);
      return;
    }
    const reg = this.#registrations.get(rec.imsi);
    const address = reg?.address ?? '127.0.0.1';
    await this.ltkm.pullOverUdp({ btid: rec.btid, muk, address, port: reg?.port ?? this.terminalLtkmPort }, kd, keyGroup);
  }

  #imsiOf(terminal: string): string | undefined {
    if (/^[0-9]{6,15}$/.test(terminal)) return terminal;
    return this.o.bsf.latestFor(terminal)?.imsi ?? [...this.#registrations.values()].find((r) => r.btid === terminal)?.imsi;
  }

  /**
   * The keys this simulated operator shares with its terminals right now: MRK and MUK of every registered B-TID,
   * the current MSK of every service. Simulator test keys, copies, for leak audits (a system test searches the
   * daemon's logs, files and memory for them); nothing of a real operator ever goes through here.
   */
  keyMaterialForAudit(): { mrk: Buffer[]; muk: Buffer[]; msk: Buffer[] } {
    const out = { mrk: [] as Buffer[], muk: [] as Buffer[], msk: [] as Buffer[] };
    for (const r of this.#registrations.values()) {
      const k = this.#keys(r.btid);
      if (!k) continue;
      out.mrk.push(Buffer.from(k.mrk.reveal()));
      out.muk.push(Buffer.from(k.muk.reveal()));
      k.mrk.wipe();
      k.muk.wipe();
    }
    for (const m of this.#msks.values()) out.msk.push(Buffer.from(m.key));
    return out;
  }

  #keys(btid: string): { mrk: Secret; muk: Secret; mode: GbaMode; imsi: string } | undefined {
    const rec = this.o.bsf.lookup(btid);
    if (!rec || this.#forgotten.has(btid)) return undefined;
    const k = networkNafKeys({ ks: rec.ks.reveal(), rand: rec.rand, impi: rec.impi, nafId: bsmNafId(this.o.fqdn), mode: rec.mode });
    return { ...k, mode: rec.mode, imsi: rec.imsi };
  }

  #challenge(stale: boolean, mode?: GbaMode): SimReply {
    const nonce = randomBytes(24).toString('base64');
    this.#nonces.set(nonce, { highestNc: 0, expiresAt: this.#now() + (this.o.nonceLifetimeMs ?? 300_000) });
    const modes: GbaMode[] = mode ? [mode] : ['gba-u', 'gba-me'];
    const challenges = modes.map((m) => `Digest realm="${bsmRealm(m, this.o.fqdn)}", nonce="${nonce}", algorithm=MD5, qop="auth-int"${stale ? ', stale=true' : ''}`);
    return { status: 401, headers: { 'www-authenticate': challenges } };
  }

  async #handle(req: SimRequest): Promise<SimReply | null> {
    if (this.o.faults.settings.delayMs > 0) await sleep(this.o.faults.settings.delayMs);
    if (this.o.faults.take('resetConnection')) {
      req.reset();
      return null;
    }
    if (this.o.faults.take('bsm5xx')) return { status: 503, body: 'injected fault' };
    if (this.o.faults.take('bsm403')) return { status: 403, body: 'injected fault' };
    if (req.url.pathname !== '/keymanagement' || req.method !== 'POST') return { status: 404 };
    const type = req.url.searchParams.get('requesttype');
    if (!Object.values(BSM_REQUEST_TYPE).includes(type as never)) return { status: 400, body: 'unknown requesttype' };
    // TS 24.109 Annex B.3 (SPEC §5): like some real NAFs, refuse outright — no challenge — a UE that does not
    // say it supports GBA.
    const token = gbaProductToken(req.headers['user-agent']);
    if (token === null) {
      this.o.events.push({ type: 'auth-fail', server: 'bsm', why: `no 3gpp-gba product token in User-Agent '${(req.headers['user-agent'] ?? '').slice(0, 60)}'` });
      return { status: 403, body: 'User-Agent lacks the 3gpp-gba product token (TS 24.109 Annex B.3)' };
    }
    const value = req.headers.authorization;
    if (!value) return this.#challenge(false);
    let auth;
    try {
      auth = parseAuthorization(value);
    } catch {
      return { status: 400, body: 'bad Authorization' };
    }
    const keys = this.#keys(auth.username);
    if (!keys) {
      this.o.events.push({ type: 'auth-fail', server: 'bsm', why: 'unknown or expired B-TID' });
      return this.#challenge(false);
    }
    const nonce = this.#nonces.get(auth.nonce);
    if (!nonce) return this.#challenge(false, keys.mode);
    if (this.o.faults.take('staleNonce')) {
      this.#nonces.delete(auth.nonce);
      this.o.events.push({ type: 'fault', fault: 'staleNonce' });
      return this.#challenge(true, keys.mode);
    }
    const nc = auth.nc === undefined ? NaN : parseInt(auth.nc, 16);
    const qop = auth.qop === 'auth-int' || auth.qop === 'auth' ? auth.qop : undefined;
    const ok =
      auth.realm === bsmRealm(keys.mode, this.o.fqdn) &&
      auth.uri === `${req.url.pathname}${req.url.search}` &&
      withBsmDigestPassword(keys.mrk, (password) =>
        verifyDigestResponse({
          username: auth.username,
          realm: auth.realm,
          password,
          method: req.method,
          uri: auth.uri,
          nonce: auth.nonce,
          nc: auth.nc,
          cnonce: auth.cnonce,
          qop,
          body: req.body,
          algorithm: 'MD5',
          response: auth.response,
        }),
      );
    if (!ok) {
      this.o.events.push({ type: 'auth-fail', server: 'bsm', why: 'Digest response wrong' });
      return this.#challenge(false, keys.mode);
    }
    if (nonce.expiresAt <= this.#now() || !(nc > nonce.highestNc)) {
      this.#nonces.delete(auth.nonce);
      return this.#challenge(true, keys.mode);
    }
    nonce.highestNc = nc;
    const ctx = { btid: auth.username, imsi: keys.imsi, muk: keys.muk, address: req.remoteAddress, token: GBA_PRODUCT_TOKEN[token] };
    try {
      if (type === BSM_REQUEST_TYPE.register) {
        const reply = this.#register(ctx, parseRegisterRequest(req.body));
        // Fault: registered (and logged), but the answer is late, so the terminal has a registration in flight.
        if (this.o.faults.settings.registerDelayMs > 0) await sleep(this.o.faults.settings.registerDelayMs);
        return reply;
      }
      if (type === BSM_REQUEST_TYPE.deregister) return this.#deregister(ctx, parseDeregisterRequest(req.body));
      return this.#mskRequest(ctx, parseMskRequest(req.body));
    } catch (e) {
      return { status: 400, body: `bad body: ${(e as Error).message}` };
    }
  }

  #bought(imsi: string): Set<string> {
    return this.#subscriptions.get(imsi) ?? new Set();
  }

  #register(ctx: Ctx, serviceIds: string[]): SimReply {
    const bought = this.#bought(ctx.imsi);
    const statuses: ServiceStatus[] = serviceIds.map((id) =>
      id === ALL_SERVICES || bought.has(id) ? { serviceId: id, status: 200 } : { serviceId: id, status: 403, reason: 'service not purchased' },
    );
    const accepted = new Set<string>();
    for (const s of statuses) if (s.status === 200) (s.serviceId === ALL_SERVICES ? [...bought] : [s.serviceId]).forEach((x) => accepted.add(x));
    const prev = this.#registrations.get(ctx.imsi);
    const reg: Registration = {
      btid: ctx.btid,
      imsi: ctx.imsi,
      address: ctx.address,
      port: this.terminalLtkmPort,
      services: new Set([...(prev?.btid === ctx.btid ? prev.services : []), ...accepted]),
      registeredAt: this.#now(),
    };
    this.#registrations.set(ctx.imsi, reg);
    this.o.events.push({ type: 'register', btid: maskId(ctx.btid), address: ctx.address, services: serviceIds, statuses: statuses.map((s) => s.status), userAgentToken: ctx.token });
    this.#log.info({ btid: maskId(ctx.btid), services: serviceIds }, 'registered');
    // After the answer: push the current MSK of every newly registered service.
    setImmediate(() => void this.#pushAll(ctx, [...accepted]));
    return { status: 200, headers: { 'content-type': BSM_MEDIA_TYPE.registerResponse }, body: buildRegisterResponse(statuses) };
  }

  #deregister(ctx: Ctx, serviceIds: string[]): SimReply {
    const reg = this.#registrations.get(ctx.imsi);
    const all = serviceIds.includes(ALL_SERVICES);
    const statuses: ServiceStatus[] = serviceIds.map((id) => ({ serviceId: id, status: all || reg?.services.has(id) ? 200 : 404 }));
    if (reg) {
      if (all) reg.services.clear();
      else serviceIds.forEach((id) => reg.services.delete(id));
      if (reg.services.size === 0) this.#registrations.delete(ctx.imsi);
    }
    this.o.events.push({ type: 'deregister', btid: maskId(ctx.btid), services: serviceIds, userAgentToken: ctx.token });
    return { status: 200, headers: { 'content-type': BSM_MEDIA_TYPE.deregisterResponse }, body: buildRegisterResponse(statuses) };
  }

  #mskRequest(ctx: Ctx, refs: ReturnType<typeof parseMskRequest>): SimReply {
    const bought = this.#bought(ctx.imsi);
    const toPush: string[] = [];
    const items: MskStatus[] = refs.map((r) => {
      const kd = Buffer.from(r.keyDomainId).toString('hex');
      const keyGroup = (r.mskId[0]! << 8) | r.mskId[1]!;
      const svc = this.o.services.find((s) => s.keyDomainId.toLowerCase() === kd && s.keyGroup === keyGroup);
      const status = !svc ? 404 : bought.has(svc.serviceId) ? 200 : 403;
      if (svc && status === 200) toPush.push(svc.serviceId);
      return { ...r, status, ...(status === 404 ? { reason: 'unknown key group' } : status === 403 ? { reason: 'service not purchased' } : {}) };
    });
    this.o.events.push({
      type: 'msk-request',
      btid: maskId(ctx.btid),
      userAgentToken: ctx.token,
      keys: items.map((i) => ({ keyDomainId: Buffer.from(i.keyDomainId).toString('hex'), keyGroup: (i.mskId[0]! << 8) | i.mskId[1]!, keyNumber: (i.mskId[2]! << 8) | i.mskId[3]!, status: i.status })),
    });
    setImmediate(() => void this.#pushAll(ctx, toPush));
    return { status: 200, headers: { 'content-type': BSM_MEDIA_TYPE.mskResponse }, body: buildMskResponse(items) };
  }

  async #pushAll(ctx: Ctx, serviceIds: string[]): Promise<void> {
    const reg = this.#registrations.get(ctx.imsi);
    const target = { btid: ctx.btid, imsi: ctx.imsi, muk: ctx.muk, address: reg?.address ?? ctx.address, port: reg?.port ?? this.terminalLtkmPort };
    for (const id of serviceIds) {
      const svc = this.service(id);
      const msk = this.#msks.get(id);
      if (!svc || !msk) continue;
      try {
        await this.ltkm.pushMsk(target, Buffer.from(svc.keyDomainId, 'hex'), { keyGroup: svc.keyGroup, keyNumber: msk.keyNumber }, msk.key);
      } catch (e) {
        this.#log.warn({ err: e }, 'LTKM push failed');
      }
    }
  }
}

interface Ctx {
  btid: string;
  /** The GBA product token the request's User-Agent carried. */
  token: string;
  imsi: string;
  muk: Secret;
  address: string;
}
