/**
 * GBA bootstrapping over Ub (TS 24.109 §5.2, SPEC §5) as an explicit state machine, and the NAF keys
 * for the BSM (SPEC §6). One bootstrap runs at a time; callers share it. The session is re-bootstrapped
 * before its lifetime ends and whenever the BSM shows the B-TID is unknown (invalidate()); such a
 * renewal changes the MUK the BSM must push under, so onRenewed() listeners learn of it to register again.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { computeDigestResponse, decodeAkaNonce, formatAuthorization, parseChallenge, Secret } from '../crypto/index.js';
import { parseBootstrappingInfo } from '../codec/index.js';
import { SafeEmitter } from '../util/safe-emitter.js';
import { GbaCardError, type GbaBootstrapResult, type GbaCard } from './card-port.js';
import { backoffDelay, mayRetry, realClock, type RetryClock, type RetryPolicy } from '../util/backoff.js';
import { header, HttpFailure, type HttpResponse, type HttpTransport } from './http.js';
import { bsfHost, impiFromImsi, plmnFromImsi } from '../codec/gba/identity.js';
import { maskId } from '../util/mask.js';
import { bsmNafId, type GbaMode } from '../crypto/gba-naf-keys.js';
import { gbaUserAgent } from '../crypto/gba-user-agent.js';
import { ReasonedError } from '../util/reasoned-error.js';

export type GbaState = 'idle' | 'bootstrapping' | 'resyncing' | 'bootstrapped' | 'expired' | 'failed';

export type GbaFailureReason = 'mac-failure' | 'resync-failed' | 'bsf-rejected' | 'bad-challenge' | 'bad-answer' | 'unreachable' | 'card-error';

export class GbaError extends ReasonedError<GbaFailureReason> {
  override readonly name = 'GbaError';
}

export interface GbaSession {
  btid: string;
  lifetime: Date;
  mode: GbaMode;
  impi: string;
  /** Ks_ext_NAF (GBA_U) or Ks_NAF (GBA_ME): the BSM Digest key. */
  mrk: Secret;
  /** Number of HTTP round trips this bootstrap took. */
  roundTrips: number;
}

export interface GbaClientOptions {
  card: GbaCard;
  http: HttpTransport;
  bsmFqdn: string;
  /** Override of http://<bsf host> (simulator, lab). */
  bsfUrl?: string;
  /** Board config card.gbaMode. */
  mode: 'auto' | GbaMode;
  timeoutMs: number;
  retry: RetryPolicy;
  localAddress?: () => string | undefined;
  /** bcastd's version, for the User-Agent (`bcastd/<version> 3gpp-gba`). */
  version?: string | null;
  /** Re-bootstrap this long before the lifetime ends (default 60 s, at most half the lifetime). */
  refreshMarginMs?: number;
  logger: Logger;
  clock?: RetryClock;
  now?: () => number;
}

export interface GbaStats {
  bootstraps: number;
  resyncs: number;
  roundTrips: number;
  failures: number;
}

export class GbaClient {
  #state: GbaState = 'idle';
  #session: GbaSession | null = null;
  #inflight: Promise<GbaSession> | null = null;
  #refreshTimer: NodeJS.Timeout | null = null;
  #lastFailure: GbaError | null = null;
  /** Why the next successful bootstrap replaces a session that ran out (lifetime, BSM rejection), if it does. */
  #renewing: string | null = null;
  /** State and renewal listeners: one that throws must not turn a good bootstrap into a failed one. */
  readonly #events = new SafeEmitter<{ state: [s: GbaState, why: string | undefined]; renewed: [why: string] }>((err, event) =>
    this.#log.warn({ err: err instanceof Error ? err.message : String(err) }, `${event === 'renewed' ? 'renewal' : 'state'} listener failed`),
  );
  readonly #stats: GbaStats = { bootstraps: 0, resyncs: 0, roundTrips: 0, failures: 0 };
  readonly #log: Logger;
  readonly #clock: RetryClock;
  readonly #now: () => number;

  constructor(private readonly o: GbaClientOptions) {
    this.#log = o.logger.child({ component: 'gba' });
    this.#clock = o.clock ?? realClock;
    this.#now = o.now ?? Date.now;
  }

  get state(): GbaState {
    return this.#state;
  }
  get session(): GbaSession | null {
    return this.#session;
  }
  get lastFailure(): GbaError | null {
    return this.#lastFailure;
  }
  stats(): GbaStats {
    return { ...this.#stats };
  }
  onStateChange(fn: (s: GbaState, why?: string) => void): () => void {
    this.#events.on('state', fn);
    return () => void this.#events.off('state', fn);
  }

  /**
   * A bootstrap replaced a session that ran out (lifetime ending, or the BSM no longer knew the B-TID): the
   * B-TID and with it the MUK changed. Not called for the first bootstrap, nor for a forced bootstrap(),
   * whose caller acts on it itself.
   */
  onRenewed(fn: (why: string) => void): () => void {
    this.#events.on('renewed', fn);
    return () => void this.#events.off('renewed', fn);
  }

  /** The current session, bootstrapping first when there is none or it is about to expire. */
  async ensureBootstrapped(): Promise<GbaSession> {
    const s = this.#session;
    if (s && this.#state === 'bootstrapped' && s.lifetime.getTime() - this.#now() > this.#margin(s)) return s;
    if (s) this.#renewing ??= 'lifetime ending';
    return this.bootstrap();
  }

  /** Runs a fresh bootstrap (shared with any caller already waiting for one). */
  bootstrap(): Promise<GbaSession> {
    this.#inflight ??= this.#run().finally(() => {
      this.#inflight = null;
    });
    return this.#inflight;
  }

  /** The BSM says the B-TID is unknown or expired: forget the session; the next use bootstraps. */
  invalidate(why: string): void {
    if (this.#session) {
      this.#renewing ??= why;
      this.#retire();
    }
    this.#set('expired', why);
  }

  close(): void {
    if (this.#refreshTimer) clearTimeout(this.#refreshTimer);
    this.#refreshTimer = null;
    if (this.#session) this.#retire();
  }

  #margin(s: GbaSession): number {
    const total = s.lifetime.getTime() - this.#now();
    return Math.min(this.o.refreshMarginMs ?? 60_000, Math.max(0, total / 2));
  }

  #set(state: GbaState, why?: string): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#log.info({ state, why }, 'gba state');
    this.#events.emit('state', state, why);
  }

  #retire(): void {
    this.#session?.mrk.wipe();
    this.#session = null;
  }

  async #run(): Promise<GbaSession> {
    this.#set('bootstrapping');
    try {
      const session = await this.#bootstrapOnce();
      if (this.#session) this.#retire();
      this.#session = session;
      this.#stats.bootstraps++;
      this.#lastFailure = null;
      this.#set('bootstrapped', `B-TID ${maskId(session.btid)} until ${session.lifetime.toISOString()}`);
      this.#scheduleRefresh(session);
      const renewed = this.#renewing;
      this.#renewing = null;
      if (renewed !== null) this.#announceRenewal(renewed);
      return session;
    } catch (e) {
      const err = e instanceof GbaError ? e : new GbaError('card-error', (e as Error).message);
      this.#stats.failures++;
      this.#lastFailure = err;
      this.#set('failed', err.reason);
      this.#log.warn({ reason: err.reason }, `bootstrap failed: ${err.message}`);
      throw err;
    }
  }

  #announceRenewal(why: string): void {
    this.#events.emit('renewed', why);
  }

  #scheduleRefresh(s: GbaSession): void {
    if (this.#refreshTimer) clearTimeout(this.#refreshTimer);
    const due = Math.max(0, s.lifetime.getTime() - this.#now() - this.#margin(s));
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = null;
      if (this.#session !== s) return;
      this.#renewing ??= 'lifetime ending';
      this.#set('expired', 'lifetime ending');
      this.bootstrap().catch(() => undefined); // the failure is logged and kept in lastFailure
    }, Math.min(due, 2 ** 31 - 1));
    this.#refreshTimer.unref();
  }

  async #mode(): Promise<GbaMode> {
    if (this.o.mode !== 'auto') return this.o.mode;
    const caps = await this.o.card.capabilities();
    return caps.gbaU ? 'gba-u' : 'gba-me';
  }

  async #bootstrapOnce(): Promise<GbaSession> {
    const { imsi, mncLength } = await this.o.card.identity();
    const plmn = plmnFromImsi(imsi, mncLength);
    const host = bsfHost(plmn);
    const impi = impiFromImsi(imsi, plmn);
    const mode = await this.#mode();
    const url = new URL('/', this.o.bsfUrl ?? `http://${host}`).toString();
    let roundTrips = 0;
    const get = async (authorization: string): Promise<HttpResponse> => {
      const r = await this.#sendWithRetry(url, { authorization, 'user-agent': gbaUserAgent(mode, this.o.version) });
      roundTrips += r.sends;
      return r.res;
    };
    // TS 24.109 §5.2.1: the first request carries the IMPI with an empty nonce and response.
    let res = await get(formatAuthorization({ username: impi, realm: host, nonce: '', uri: '/', response: '' }));
    let resynced = false;
    for (;;) {
      if (res.status !== 401) throw new GbaError('bsf-rejected', `BSF answered ${res.status} to the initial request`);
      const challengeHeader = header(res, 'www-authenticate');
      if (!challengeHeader) throw new GbaError('bad-challenge', 'BSF 401 without WWW-Authenticate');
      let ch;
      let nonce;
      try {
        ch = parseChallenge(challengeHeader);
        nonce = decodeAkaNonce(ch.nonce);
      } catch (e) {
        throw new GbaError('bad-challenge', `BSF challenge unusable: ${(e as Error).message}`);
      }
      if (ch.algorithm.toLowerCase() !== 'akav1-md5') throw new GbaError('bad-challenge', `BSF algorithm ${ch.algorithm}`);
      const qop = ch.qop.includes('auth-int') ? 'auth-int' : ch.qop.includes('auth') ? 'auth' : undefined;
      const answer = await this.#askCard(nonce.rand, nonce.autn);
      const cnonce = randomBytes(12).toString('base64');
      const base = { username: impi, realm: ch.realm, nonce: ch.nonce, uri: '/', algorithm: 'AKAv1-MD5' as const, method: 'GET' };
      const fields = (password: Uint8Array) => ({
        ...base,
        response: computeDigestResponse({ ...base, password, qop, nc: 1, cnonce, body: '' }),
        ...(qop ? { qop, nc: '00000001', cnonce } : {}),
        ...(ch.opaque !== undefined ? { opaque: ch.opaque } : {}),
      });
      if ('auts' in answer) {
        if (resynced) throw new GbaError('resync-failed', 'card asked for a second resynchronisation');
        resynced = true;
        this.#stats.resyncs++;
        this.#set('resyncing', 'card reported SQN out of range');
        // RFC 3310 §3.4: AUTS with an empty password; the BSF answers with a fresh challenge.
        const auth = { ...fields(new Uint8Array(0)), auts: Buffer.from(answer.auts).toString('base64') };
        res = await get(formatAuthorization(auth));
        continue;
      }
      res = await get(formatAuthorization(fields(answer.res)));
      if (res.status === 401 || res.status === 403) throw new GbaError('bsf-rejected', `BSF refused the AKA response (${res.status})`);
      if (res.status !== 200) throw new GbaError('bsf-rejected', `BSF answered ${res.status}`);
      let info;
      try {
        info = parseBootstrappingInfo(res.body);
      } catch (e) {
        throw new GbaError('bad-answer', `BootstrappingInfo unreadable: ${(e as Error).message}`);
      }
      // The card keeps B-TID and lifetime beside its bootstrapping (GBA_U: EF_GBABP) before it derives NAF keys.
      await this.o.card.bootstrapped?.(info.btid, info.lifetime);
      const ext = await this.o.card.gbaNafDerivation(bsmNafId(this.o.bsmFqdn), impi);
      const mrk = new Secret(ext);
      ext.fill(0);
      return { btid: info.btid, lifetime: info.lifetime, mode, impi, mrk, roundTrips };
    }
  }

  async #askCard(rand: Uint8Array, autn: Uint8Array): Promise<GbaBootstrapResult> {
    try {
      return await this.o.card.gbaBootstrap(rand, autn);
    } catch (e) {
      if (e instanceof GbaCardError && e.reason === 'mac-failure') {
        throw new GbaError('mac-failure', 'card rejected the network authentication (MAC failure, 98 62): not retried');
      }
      throw new GbaError('card-error', `card AUTHENTICATE failed: ${(e as Error).message}`);
    }
  }

  /** 5xx, timeouts and resets retried with backoff; any other answer is returned. */
  async #sendWithRetry(url: string, headers: Record<string, string>): Promise<{ res: HttpResponse; sends: number }> {
    for (let attempt = 1; ; attempt++) {
      let why: string;
      try {
        this.#stats.roundTrips++;
        const localAddress = this.o.localAddress?.();
        const res = await this.o.http.send({ url, method: 'GET', headers, timeoutMs: this.o.timeoutMs, ...(localAddress ? { localAddress } : {}) });
        if (res.status < 500) return { res, sends: attempt };
        why = `HTTP ${res.status}`;
      } catch (e) {
        if (!(e instanceof HttpFailure)) throw e;
        if (e.reason === 'too-large') throw new GbaError('bad-answer', `BSF: ${e.message}`);
        why = e.message;
      }
      if (!mayRetry(this.o.retry, attempt)) throw new GbaError('unreachable', `BSF: ${why} after ${attempt} attempt(s)`);
      const delay = backoffDelay(this.o.retry, attempt, this.#clock.random);
      this.#log.warn({ attempt, delay }, `BSF: ${why}; retrying`);
      await this.#clock.sleep(delay);
    }
  }
}
