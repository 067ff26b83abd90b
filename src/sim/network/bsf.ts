/**
 * Simulated BSF (Ub, TS 24.109 / TS 33.220): AKA vectors from the subscriber's K/OPc with SQN
 * management and AUTS resynchronisation, Digest AKAv1-MD5 with qop=auth-int, BootstrappingInfo with
 * a configurable lifetime. Holds Ks per B-TID; the simulated BSM reads it (the Zn interface, in process).
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import {
  encodeAkaNonce,
  generateAuthVector,
  parseAuthorization,
  resolveAuts,
  sqnFromNumber,
  sqnToNumber,
  verifyDigestResponse,
  Secret,
} from '../../crypto/index.js';
import { BSF_MEDIA_TYPE, buildBootstrappingInfo } from '../../codec/index.js';
import { bsfHost, impiFromImsi, plmnFromImsi } from '../../codec/gba/identity.js';
import type { GbaMode } from '../../crypto/gba-naf-keys.js';
import { gbaProductToken } from '../../crypto/gba-user-agent.js';
import { maskId } from '../../util/mask.js';
import type { EventLog } from './event-log.js';
import type { Faults } from './faults.js';
import { sleep, startHttpServer, type SimHttpServer, type SimReply, type SimRequest } from './http-server.js';
import type { NetworkSubscriber } from './subscriber.js';

export interface BootstrapRecord {
  btid: string;
  impi: string;
  imsi: string;
  rand: Buffer;
  /** CK || IK. */
  ks: Secret;
  mode: GbaMode;
  expiresAt: number;
}

interface Pending {
  sub: NetworkSubscriber;
  impi: string;
  rand: Buffer;
  xres: Buffer;
  ks: Buffer;
}

export interface SimBsfOptions {
  subscribers: NetworkSubscriber[];
  port: number;
  lifetimeSec: number;
  faults: Faults;
  events: EventLog;
  logger: Logger;
  now?: () => number;
}

export class SimBsf {
  #http: SimHttpServer | null = null;
  readonly #byImpi = new Map<string, { sub: NetworkSubscriber; host: string }>();
  /** Highest SQN handed out per IMSI (SQN_HE). */
  readonly #sqnHe = new Map<string, number>();
  readonly #pending = new Map<string, Pending>();
  readonly #records = new Map<string, BootstrapRecord>();
  readonly #log: Logger;
  readonly #now: () => number;
  lifetimeSec: number;

  constructor(private readonly o: SimBsfOptions) {
    this.#log = o.logger.child({ component: 'sim', part: 'bsf' });
    this.#now = o.now ?? Date.now;
    this.lifetimeSec = o.lifetimeSec;
    for (const sub of o.subscribers) {
      const plmn = plmnFromImsi(sub.imsi, sub.mncLength);
      this.#byImpi.set(impiFromImsi(sub.imsi, plmn), { sub, host: bsfHost(plmn) });
      this.#sqnHe.set(sub.imsi, sub.sqn);
    }
  }

  async start(): Promise<string> {
    this.#http = await startHttpServer((r) => this.#handle(r), this.o.port, '127.0.0.1', (e) => this.#log.error({ err: e }, 'bsf handler failed'));
    return this.#http.url;
  }
  get url(): string {
    if (!this.#http) throw new Error('BSF not started');
    return this.#http.url;
  }
  async close(): Promise<void> {
    await this.#http?.close();
    for (const r of this.#records.values()) r.ks.wipe();
  }

  /** Zn: the bootstrap a B-TID names, if it is known and not expired. */
  lookup(btid: string): BootstrapRecord | undefined {
    const r = this.#records.get(btid);
    if (!r) return undefined;
    if (r.expiresAt <= this.#now()) return undefined;
    return r;
  }
  /** Latest live bootstrap of a subscriber (by IMSI or IMPI). */
  latestFor(terminal: string): BootstrapRecord | undefined {
    const live = [...this.#records.values()].filter((r) => (r.imsi === terminal || r.impi === terminal) && r.expiresAt > this.#now());
    return live.at(-1);
  }
  /** Fault: the B-TID stops being valid now. */
  expire(btid: string): boolean {
    const r = this.#records.get(btid);
    if (!r) return false;
    r.expiresAt = this.#now();
    return true;
  }
  sqnOf(imsi: string): number | undefined {
    return this.#sqnHe.get(imsi);
  }

  async #handle(req: SimRequest): Promise<SimReply | null> {
    if (this.o.faults.settings.delayMs > 0) await sleep(this.o.faults.settings.delayMs);
    if (this.o.faults.take('resetConnection')) {
      req.reset();
      return null;
    }
    if (this.o.faults.take('bsf5xx')) return { status: 503, body: 'injected fault' };
    if (req.method !== 'GET' || req.url.pathname !== '/') return { status: 404 };
    const value = req.headers.authorization;
    if (!value) return { status: 400, body: 'Authorization with the IMPI is required (TS 24.109)' };
    let auth;
    try {
      auth = parseAuthorization(value);
    } catch {
      return { status: 400, body: 'bad Authorization' };
    }
    const known = this.#byImpi.get(auth.username);
    if (!known) {
      this.o.events.push({ type: 'auth-fail', server: 'bsf', why: 'unknown IMPI' });
      return { status: 403, body: 'unknown IMPI' };
    }
    if (auth.nonce === '' || auth.response === '' && auth.auts === undefined) return this.#challenge(known.sub, auth.username, known.host);
    const pending = this.#pending.get(auth.nonce);
    if (!pending || pending.impi !== auth.username) return this.#challenge(known.sub, auth.username, known.host);
    this.#pending.delete(auth.nonce);
    if (auth.auts !== undefined) {
      const { sqnMs, macOk } = resolveAuts({ K: pending.sub.k, OPc: pending.sub.opc, RAND: pending.rand, AUTS: Buffer.from(auth.auts, 'base64') });
      if (!macOk) {
        this.o.events.push({ type: 'auth-fail', server: 'bsf', why: 'AUTS MAC-S wrong' });
        return { status: 403, body: 'AUTS rejected' };
      }
      this.#sqnHe.set(pending.sub.imsi, sqnToNumber(sqnMs));
      this.o.events.push({ type: 'resync', impi: maskId(pending.impi) });
      this.#log.info({ impi: maskId(pending.impi) }, 'SQN resynchronised');
      return this.#challenge(pending.sub, pending.impi, known.host);
    }
    const qop = auth.qop === 'auth-int' || auth.qop === 'auth' ? auth.qop : undefined;
    const ok = verifyDigestResponse({
      username: auth.username,
      realm: auth.realm,
      password: pending.xres,
      method: req.method,
      uri: auth.uri,
      nonce: auth.nonce,
      nc: auth.nc,
      cnonce: auth.cnonce,
      qop,
      body: req.body,
      algorithm: 'AKAv1-MD5',
      response: auth.response,
    });
    if (!ok || auth.realm !== known.host) {
      this.o.events.push({ type: 'auth-fail', server: 'bsf', why: 'wrong RES' });
      return this.#challenge(known.sub, auth.username, known.host);
    }
    const mode: GbaMode = gbaProductToken(req.headers['user-agent']) ?? 'gba-me';
    const btid = `${pending.rand.toString('base64')}@${known.host}`;
    const lifetime = new Date(this.#now() + this.lifetimeSec * 1000);
    this.#records.set(btid, { btid, impi: pending.impi, imsi: pending.sub.imsi, rand: pending.rand, ks: new Secret(pending.ks), mode, expiresAt: lifetime.getTime() });
    pending.ks.fill(0);
    this.o.events.push({ type: 'bootstrap', impi: maskId(pending.impi), btid: maskId(btid), mode });
    this.#log.info({ btid: maskId(btid), mode }, 'bootstrapped');
    return { status: 200, headers: { 'content-type': BSF_MEDIA_TYPE }, body: buildBootstrappingInfo({ btid, lifetime: new Date(Math.floor(lifetime.getTime() / 1000) * 1000) }) };
  }

  #challenge(sub: NetworkSubscriber, impi: string, realm: string): SimReply {
    const sqn = nextSqn(this.#sqnHe.get(sub.imsi) ?? 0);
    this.#sqnHe.set(sub.imsi, sqn);
    const rand = randomBytes(16);
    const av = generateAuthVector({ K: sub.k, OPc: sub.opc, SQN: sqnFromNumber(sqn), AMF: sub.amf, RAND: rand });
    const nonce = encodeAkaNonce({ rand, autn: av.AUTN });
    this.#pending.set(nonce, { sub, impi, rand, xres: av.XRES, ks: Buffer.concat([av.CK, av.IK]) });
    av.CK.fill(0);
    av.IK.fill(0);
    const opaque = randomBytes(8).toString('hex');
    return {
      status: 401,
      headers: { 'www-authenticate': `Digest realm="${realm}", nonce="${nonce}", algorithm=AKAv1-MD5, qop="auth-int", opaque="${opaque}"` },
    };
  }
}

/**
 * SQN = SEQ || IND with a 5-bit IND (TS 33.102 Annex C.1.2): each new vector takes the next SEQ. One AuC, so
 * IND stays 0. (Adding 1 would only change IND, and a USIM checking freshness per IND would refuse it.)
 */
const SQN_IND_SIZE = 32;
export function nextSqn(highest: number): number {
  return (Math.floor(highest / SQN_IND_SIZE) + 1) * SQN_IND_SIZE;
}
