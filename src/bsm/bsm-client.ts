/**
 * BSM HTTP client (SPEC §7): registration, deregistration and MSK request with HTTP Digest (SPEC §6), each
 * request carrying the GBA product token in its User-Agent (SPEC §5), the Digest realm taken from the challenge.
 * Warm requests reuse the nonce (one round trip); stale nonces get one fresh try; a rejected B-TID
 * triggers one re-bootstrap; 5xx / timeouts / resets back off exponentially with jitter, capped;
 * other 4xx are surfaced at once.
 */
import type { Logger } from 'pino';
import { parseChallenge, type DigestChallenge } from '../crypto/index.js';
import {
  BSM_MEDIA_TYPE,
  BSM_REQUEST_TYPE,
  buildDeregisterRequest,
  buildMskRequest,
  buildRegisterRequest,
  parseMskResponse,
  parseRegisterResponse,
  type MskRef,
  type MskStatus,
  type ServiceStatus,
} from '../codec/index.js';
import { backoffDelay, mayRetry, realClock, type RetryClock, type RetryPolicy } from '../util/backoff.js';
import { HttpFailure, type HttpResponse, type HttpTransport } from '../gba/http.js';
import { maskId } from '../util/mask.js';
import { gbaUserAgent } from '../crypto/gba-user-agent.js';
import { bsmRealm } from '../crypto/gba-naf-keys.js';
import type { BsmCredentials, BsmCredentialSource } from './credentials.js';
import { DigestSession } from './digest-session.js';
import { ReasonedError } from '../util/reasoned-error.js';

export type BsmErrorReason = 'unreachable' | 'http-status' | 'realm-mismatch' | 'auth-rejected' | 'bad-challenge' | 'bad-answer' | 'stale-loop';

export class BsmError extends ReasonedError<BsmErrorReason> {
  override readonly name = 'BsmError';
  constructor(
    reason: BsmErrorReason,
    message: string,
    readonly status?: number,
  ) {
    super(reason, message);
  }
}

export interface BsmClientOptions {
  /** Base URL, e.g. http://bsm.example:80 (board config network.bsmUrl, else http://<bsmFqdn>). */
  bsmUrl?: string;
  bsmFqdn: string;
  /** bcastd's version, for the User-Agent (`bcastd/<version> 3gpp-gba`). */
  version?: string | null;
  credentials: BsmCredentialSource;
  http: HttpTransport;
  timeoutMs: number;
  retry: RetryPolicy;
  localAddress?: () => string | undefined;
  logger: Logger;
  clock?: RetryClock;
}

export interface BsmStats {
  /** HTTP requests sent (each one round trip). */
  roundTrips: number;
  procedures: number;
  challenges: number;
  staleNonces: number;
  rebootstraps: number;
  retries: number;
  /** 401s whose Digest realm named another GBA flavour or FQDN (SPEC §6). */
  realmMismatches: number;
}

export interface BsmResult<T> {
  items: T[];
  roundTrips: number;
}

type Kind = keyof typeof BSM_REQUEST_TYPE;

/** MSK request bodies kept, oldest dropped first. */
const MSK_BODIES_KEPT = 16;

/** Stale answers accepted in one procedure before giving up (a BSM that never accepts its own nonce). */
const MAX_STALE = 2;

export class BsmClient {
  readonly #digest = new DigestSession();
  readonly #stats: BsmStats = { roundTrips: 0, procedures: 0, challenges: 0, staleNonces: 0, rebootstraps: 0, retries: 0, realmMismatches: 0 };
  readonly #log: Logger;
  readonly #clock: RetryClock;
  readonly #mskBodies = new Map<string, string>();

  constructor(private readonly o: BsmClientOptions) {
    this.#log = o.logger.child({ component: 'bsm' });
    this.#clock = o.clock ?? realClock;
  }

  stats(): BsmStats {
    return { ...this.#stats };
  }

  async register(serviceIds: readonly string[]): Promise<BsmResult<ServiceStatus>> {
    const r = await this.#procedure('register', BSM_MEDIA_TYPE.register, buildRegisterRequest(serviceIds));
    return { items: this.#parse(() => parseRegisterResponse(r.res.body)), roundTrips: r.roundTrips };
  }

  async deregister(serviceIds: readonly string[]): Promise<BsmResult<ServiceStatus>> {
    const r = await this.#procedure('deregister', BSM_MEDIA_TYPE.deregister, buildDeregisterRequest(serviceIds));
    return { items: this.#parse(() => parseRegisterResponse(r.res.body)), roundTrips: r.roundTrips };
  }

  /** The MSKs themselves arrive later as LTKM pushes (SPEC §7). */
  async requestMsk(keys: readonly MskRef[]): Promise<BsmResult<MskStatus>> {
    const r = await this.#procedure('mskRequest', BSM_MEDIA_TYPE.mskRequest, this.#mskRequestBody(keys));
    return { items: this.#parse(() => parseMskResponse(r.res.body)), roundTrips: r.roundTrips };
  }

  /** Pulls name the same few key groups again and again: their request bodies are built once (a few kept). */
  #mskRequestBody(keys: readonly MskRef[]): string {
    const id = keys.map((k) => `${Buffer.from(k.keyDomainId).toString('hex')}/${Buffer.from(k.mskId).toString('hex')}`).join(',');
    let body = this.#mskBodies.get(id);
    if (body === undefined) {
      body = buildMskRequest(keys);
      if (this.#mskBodies.size >= MSK_BODIES_KEPT) this.#mskBodies.delete(this.#mskBodies.keys().next().value!);
      this.#mskBodies.set(id, body);
    }
    return body;
  }

  #parse<T>(fn: () => T[]): T[] {
    try {
      return fn();
    } catch (e) {
      throw new BsmError('bad-answer', `BSM answer unreadable: ${(e as Error).message}`);
    }
  }

  async #procedure(kind: Kind, contentType: string, body: string): Promise<{ res: HttpResponse; roundTrips: number }> {
    this.#stats.procedures++;
    const uri = `/keymanagement?requesttype=${encodeURIComponent(BSM_REQUEST_TYPE[kind])}`;
    const url = new URL(uri, this.o.bsmUrl ?? `http://${this.o.bsmFqdn}`).toString();
    let creds = await this.o.credentials.current();
    let roundTrips = 0;
    let failures = 0;
    let stale = 0;
    let rebootstrapped = false;
    for (;;) {
      const authorization = this.#digest.authorize(creds, 'POST', uri, body);
      // TS 24.109 Annex B.3: the GBA product token on every request to a NAF (SPEC §5).
      const headers: Record<string, string> = { 'content-type': contentType, accept: 'application/*+xml', 'user-agent': gbaUserAgent(creds.mode, this.o.version) };
      if (authorization) headers.authorization = authorization;
      let res: HttpResponse | null = null;
      let why = '';
      roundTrips++;
      this.#stats.roundTrips++;
      try {
        const localAddress = this.o.localAddress?.();
        res = await this.o.http.send({ url, method: 'POST', headers, body, timeoutMs: this.o.timeoutMs, ...(localAddress ? { localAddress } : {}) });
        if (res.status >= 500) why = `HTTP ${res.status}`;
      } catch (e) {
        if (!(e instanceof HttpFailure)) throw e;
        // An oversized answer is a broken peer, not a passing fault: no retry storm.
        if (e.reason === 'too-large') throw new BsmError('bad-answer', `BSM ${kind}: ${e.message}`);
        why = e.message;
      }
      if (why) {
        failures++;
        if (!mayRetry(this.o.retry, failures)) throw new BsmError('unreachable', `BSM ${kind}: ${why} after ${failures} attempt(s)`, res?.status);
        const delay = backoffDelay(this.o.retry, failures, this.#clock.random);
        this.#stats.retries++;
        this.#log.warn({ kind, attempt: failures, delay }, `BSM: ${why}; retrying`);
        await this.#clock.sleep(delay);
        continue;
      }
      res = res!;
      if (res.status >= 200 && res.status < 300) return { res, roundTrips };
      if (res.status !== 401) throw new BsmError('http-status', `BSM ${kind} answered ${res.status}`, res.status);
      this.#stats.challenges++;
      const challenge = this.#pickChallenge(res, creds);
      if (!authorization) {
        this.#digest.adopt(challenge);
        continue;
      }
      if (challenge.stale) {
        this.#stats.staleNonces++;
        if (++stale > MAX_STALE) throw new BsmError('stale-loop', `BSM kept answering stale=true (${stale} times)`);
        this.#digest.adopt(challenge);
        continue;
      }
      // Credentials sent, fresh challenge back: the BSM does not know (or no longer accepts) the B-TID.
      if (rebootstrapped) throw new BsmError('auth-rejected', 'BSM rejected the credentials of a fresh bootstrap');
      rebootstrapped = true;
      this.#stats.rebootstraps++;
      this.#log.info({ btid: maskId(creds.btid) }, 'BSM rejected the B-TID: bootstrapping again');
      this.o.credentials.invalidate('BSM rejected the B-TID');
      creds = await this.o.credentials.current();
      this.#digest.adopt(this.#pickChallenge(res, creds));
    }
  }

  /** The Digest challenge whose realm matches our GBA flavour and the BSM FQDN (SPEC §6). */
  #pickChallenge(res: HttpResponse, creds: BsmCredentials): DigestChallenge {
    const expected = bsmRealm(creds.mode, this.o.bsmFqdn);
    const offered: string[] = [];
    for (const value of res.headers['www-authenticate'] ?? []) {
      let ch: DigestChallenge;
      try {
        ch = parseChallenge(value);
      } catch {
        continue;
      }
      if (ch.realm === expected) return ch;
      offered.push(ch.realm);
    }
    if (offered.length === 0) throw new BsmError('bad-challenge', 'BSM 401 without a usable Digest challenge', 401);
    // SPEC §6: the realm names the GBA flavour; another one means the BSM expects the other flavour (or another FQDN).
    const message = `BSM offered Digest realm ${offered.map((r) => `"${r}"`).join(', ')} but ${creds.mode === 'gba-u' ? 'GBA_U' : 'GBA_ME'} towards ${this.o.bsmFqdn} needs "${expected}"`;
    this.#stats.realmMismatches++;
    this.#log.warn({ offered, expected, mode: creds.mode }, message);
    throw new BsmError('realm-mismatch', message, 401);
  }
}
