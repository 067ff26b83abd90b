/**
 * The card as the daemon sees it: a named-state machine over a CardTransport (absent → present →
 * selecting → ready | pin-required | error, back to absent on removal) with typed events, and the
 * GBA / MBMS operations in the flavour the card supports. GBA_U runs them on the USIM; GBA_ME runs
 * 3G AKA on the USIM and derives Ks_NAF and processes MIKEY in the terminal (me-mikey.ts). Every
 * operation checks the state first: no card → CardRemovedError, not ready → CardStateError.
 */
import { SafeEmitter } from '../util/safe-emitter.js';
import type { Logger } from 'pino';
import { toHex } from '../codec/hex.js';
import { describeMbms, type DecodedMikey } from '../codec/mikey/index.js';
import { encodePin, homeNetwork, keyDomainId, type GbaNafEntry } from '../codec/usim/index.js';
import { Secret, deriveKsNaf } from '../crypto/index.js';
import { ApduChannel, type ApduExchange } from './apdu-channel.js';
import { resolveCapabilities, type CardCapabilities, type GbaModeSetting } from './capabilities.js';
import { CardRemovedError, CardStateError, CardStatusError, PinError } from './errors.js';
import { MeMikey, decodedMikey, type MskUpdateResult, type MtkResult } from './me-mikey.js';
import { maskImsi } from '../util/mask.js';
import { readPinFile } from './pin-file.js';
import type { CardTransport } from './transport.js';
import { UsimApplication, type AkaResult, type GbaBootstrapOutcome } from './usim-app.js';

export type CardState = 'absent' | 'present' | 'selecting' | 'ready' | 'pin-required' | 'error';

export interface CardStateChange {
  state: CardState;
  previous: CardState;
  /** Why, for 'error' and 'pin-required'. */
  reason?: string;
}

export interface CardInfo {
  /** Hex. */
  atr: string;
  reader: string;
  /** Hex. */
  aid: string;
  label: string | null;
  iccid: string;
  /** The whole IMSI (for the IMPI): never log or publish it; use imsiMasked. */
  imsi: string;
  imsiMasked: string;
  mcc: string;
  mnc: string;
  mncLength: 2 | 3;
  /** MCC||MNC as the 3-byte MBMS Key Domain ID, hex. */
  keyDomainId: string;
  capabilities: CardCapabilities;
  /** From EF_GBABP (GBA_U cards): the last bootstrapping the terminal stored, if any. */
  gbaBootstrap: { btid: string; lifetime: string } | null;
}

export interface CardEvents {
  state: [change: CardStateChange];
  inserted: [atr: Uint8Array];
  removed: [];
  ready: [info: CardInfo];
  /** Bring-up failed (the state is then 'error'). */
  failed: [error: Error];
  warning: [message: string];
}

export interface CardOptions {
  /** The card owns it: close() closes it. */
  transport: CardTransport;
  logger?: Logger;
  /** File holding PIN1 (board config card.pinFile). */
  pinFile?: string;
  gbaMode?: GbaModeSetting;
  /** Raw APDU tap (tests, benchmark). */
  onExchange?: (e: ApduExchange) => void;
}

export type { MskUpdateResult, MtkResult };


/** Thrown inside a bring-up that a removal or reinsertion made stale. */
class Superseded extends Error {}

export class Card extends SafeEmitter<CardEvents> {
  readonly #transport: CardTransport;
  readonly #log: Logger | undefined;
  readonly #channel: ApduChannel;
  readonly #pinFile: string | undefined;
  readonly #gbaSetting: GbaModeSetting;
  #state: CardState = 'absent';
  #generation = 0;
  #app: UsimApplication | null = null;
  #info: CardInfo | null = null;
  #me: MeMikey | null = null;
  /** GBA_ME: Ks = CK || IK and its RAND, held in the terminal. */
  #meKs: { rand: Uint8Array; ks: Secret } | null = null;
  /** RAND of the latest GBA_U bootstrapping, to rewrite EF_GBABP with B-TID and lifetime. */
  #gbaURand: Uint8Array | null = null;
  #btid: string | null = null;
  #closed = false;

  constructor(o: CardOptions) {
    // A throwing listener (the daemon's, on a state change) must not break the card's bring-up or removal.
    super((err, event) => this.#log?.error({ err, event }, 'a card event listener threw'));
    this.#transport = o.transport;
    this.#log = o.logger?.child({ component: 'card' });
    this.#channel = new ApduChannel(o.transport, { ...(this.#log ? { logger: this.#log } : {}), ...(o.onExchange ? { onExchange: o.onExchange } : {}) });
    this.#pinFile = o.pinFile;
    this.#gbaSetting = o.gbaMode ?? 'auto';
    o.transport.on('inserted', (atr) => void this.#bringUp(atr));
    o.transport.on('removed', () => this.#removed());
    o.transport.on('warning', (m) => this.emit('warning', m));
  }

  get state(): CardState {
    return this.#state;
  }
  get info(): CardInfo | null {
    return this.#info;
  }
  get capabilities(): CardCapabilities | null {
    return this.#info?.capabilities ?? null;
  }
  /** Raw APDUs exchanged so far. */
  get apduCount(): number {
    return this.#channel.count;
  }

  /** Brings up a card that is already present; later insertions are followed automatically. */
  async start(): Promise<void> {
    if (this.#transport.present && this.#state === 'absent') await this.#bringUp(this.#transport.atr ?? new Uint8Array(0));
  }

  /** Resolves when the card reaches `state` (now or later), rejects after timeoutMs. */
  waitFor(state: CardState, timeoutMs = 5000): Promise<void> {
    if (this.#state === state) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onState = (c: CardStateChange) => {
        if (c.state !== state) return;
        clearTimeout(timer);
        this.off('state', onState);
        resolve();
      };
      const timer = setTimeout(() => {
        this.off('state', onState);
        reject(new CardStateError(`card did not become ${state} within ${timeoutMs} ms (it is ${this.#state})`));
      }, timeoutMs);
      this.on('state', onState);
    });
  }

  #setState(state: CardState, reason?: string): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.#log?.info({ state, previous, ...(reason ? { reason } : {}) }, 'card state');
    this.emit('state', { state, previous, ...(reason ? { reason } : {}) });
  }

  #check(gen: number): void {
    if (gen !== this.#generation || this.#closed) throw new Superseded();
  }

  async #bringUp(atr: Uint8Array): Promise<void> {
    const gen = ++this.#generation;
    this.#forget();
    this.#setState('present');
    this.emit('inserted', atr);
    this.#setState('selecting');
    const app = new UsimApplication(this.#channel);
    try {
      const selected = await app.selectApplication();
      this.#check(gen);
      const pin = await app.pinStatus();
      this.#check(gen);
      if (pin.state === 'blocked') return this.#fail(new CardStateError('PIN1 is blocked (PUK needed)'));
      if (pin.state === 'required') {
        if (!this.#pinFile) {
          this.#app = app;
          return this.#setState('pin-required', `PIN1 needed, ${pin.triesLeft} tries left`);
        }
        const secret = await readPinFile(this.#pinFile, this.#log);
        try {
          await app.verifyPin(secret);
        } finally {
          secret.wipe();
        }
        this.#check(gen);
      }
      await this.#finish(gen, app, atr, selected.aid, selected.label, selected.iccid);
    } catch (e) {
      if (e instanceof Superseded || e instanceof CardRemovedError) return;
      this.#fail(e as Error);
    }
  }

  async #finish(gen: number, app: UsimApplication, atr: Uint8Array, aid: Uint8Array, label: string | null, iccid: string): Promise<void> {
    const id = await app.readIdentity();
    this.#check(gen);
    const capabilities = resolveCapabilities(id, this.#gbaSetting);
    let gbaBootstrap: CardInfo['gbaBootstrap'] = null;
    if (capabilities.gbaMode === 'gba-u') {
      const bp = await app.readGbaBootstrap();
      this.#check(gen);
      if (bp.rand.length > 0) this.#gbaURand = bp.rand;
      if (bp.btid) {
        gbaBootstrap = { btid: bp.btid, lifetime: bp.lifetime };
        this.#btid = bp.btid;
      }
    }
    const plmn = homeNetwork(id.imsi, id.mncLength);
    const kdid = keyDomainId(plmn);
    if (capabilities.mikeyOn === 'me') this.#me = new MeMikey(kdid);
    this.#app = app;
    this.#info = {
      atr: toHex(atr),
      reader: this.#transport.name,
      aid: toHex(aid),
      label,
      iccid,
      imsi: id.imsi,
      imsiMasked: maskImsi(id.imsi),
      mcc: plmn.mcc,
      mnc: plmn.mnc,
      mncLength: id.mncLength,
      keyDomainId: toHex(kdid),
      capabilities,
      gbaBootstrap,
    };
    this.#setState('ready');
    this.emit('ready', this.#info);
  }

  #fail(e: Error): void {
    this.#log?.warn({ err: e.message }, 'card bring-up failed');
    this.#setState('error', e.message);
    this.emit('failed', e);
  }

  /** In 'pin-required': verify PIN1 and finish the bring-up. */
  async verifyPin(pin: string): Promise<void> {
    const app = this.#app;
    if (this.#state !== 'pin-required' || !app) throw new CardStateError(`no PIN needed: the card is ${this.#state}`);
    const gen = this.#generation;
    const secret = new Secret(encodePin(pin));
    try {
      await app.verifyPin(secret);
    } catch (e) {
      if (e instanceof PinError && e.code === 'pin-blocked') this.#fail(e);
      throw e;
    } finally {
      secret.wipe();
    }
    const sel = app.application!;
    this.#setState('selecting');
    try {
      await this.#finish(gen, app, this.#transport.atr ?? new Uint8Array(0), sel.aid, sel.label, sel.iccid);
    } catch (e) {
      if (e instanceof Superseded || e instanceof CardRemovedError) return;
      this.#fail(e as Error);
      throw e;
    }
  }

  #forget(): void {
    this.#app = null;
    this.#info = null;
    this.#me?.wipe();
    this.#me = null;
    this.#meKs?.ks.wipe();
    this.#meKs = null;
    this.#gbaURand = null;
    this.#btid = null;
  }

  #removed(): void {
    this.#generation++;
    this.#forget();
    this.#setState('absent');
    this.emit('removed');
  }

  #ready(): { app: UsimApplication; info: CardInfo } {
    if (this.#closed) throw new CardStateError('card adapter closed');
    if (this.#state === 'absent') throw new CardRemovedError();
    if (this.#state !== 'ready' || !this.#app || !this.#info) throw new CardStateError(`card is ${this.#state}, not ready`);
    return { app: this.#app, info: this.#info };
  }

  /** Plain 3G AKA (RES, CK, IK or AUTS). */
  async authenticate3g(rand: Uint8Array, autn: Uint8Array): Promise<AkaResult> {
    return this.#ready().app.authenticate3g(rand, autn);
  }

  /** GBA bootstrapping challenge: RES (password of the Ub Digest) or AUTS. */
  async bootstrap(rand: Uint8Array, autn: Uint8Array): Promise<GbaBootstrapOutcome> {
    const { app, info } = this.#ready();
    if (info.capabilities.gbaMode === 'gba-u') {
      const r = await app.gbaBootstrap(rand, autn);
      if (r.kind === 'success') {
        this.#gbaURand = Uint8Array.from(rand);
        this.#btid = null;
      }
      return r;
    }
    const r = await app.authenticate3g(rand, autn);
    if (r.kind === 'sync-failure') return r;
    this.#meKs?.ks.wipe();
    const ks = Buffer.concat([r.ck.reveal(), r.ik.reveal()]);
    this.#meKs = { rand: Uint8Array.from(rand), ks: new Secret(ks) };
    ks.fill(0);
    r.ck.wipe();
    r.ik.wipe();
    this.#btid = null;
    return { kind: 'success', res: r.res };
  }

  /** After the BSF's 200 OK: remember B-TID and lifetime (GBA_U: in EF_GBABP, next to the card's RAND). */
  async setBootstrapInfo(btid: string, lifetime: string): Promise<void> {
    const { app, info } = this.#ready();
    if (info.capabilities.gbaMode === 'gba-u') {
      if (!this.#gbaURand) throw new CardStateError('no GBA_U bootstrapping on this card to attach a B-TID to');
      await app.writeGbaBootstrap({ rand: this.#gbaURand, btid, lifetime });
      info.gbaBootstrap = { btid, lifetime };
    } else if (!this.#meKs) throw new CardStateError('no GBA_ME bootstrapping to attach a B-TID to');
    this.#btid = btid;
  }

  /**
   * The NAF key for the BSM: GBA_U → Ks_ext_NAF from the card (which keeps Ks_int_NAF as the MUK);
   * GBA_ME → Ks_NAF derived here, also installed as the MUK [U SPEC §6: MUK = Ks_NAF].
   */
  async deriveNafKey(nafId: Uint8Array, impi: string): Promise<Secret> {
    const { app, info } = this.#ready();
    if (!this.#btid) throw new CardStateError('B-TID unknown: bootstrap and setBootstrapInfo() first');
    if (info.capabilities.gbaMode === 'gba-u') return app.gbaNafDerivation(nafId, impi);
    const me = this.#meKs!;
    const ksNaf = deriveKsNaf({ ks: me.ks.reveal(), rand: me.rand, impi, nafId, kind: 'gba-me' });
    const out = new Secret(ksNaf);
    this.#me!.addMuk(nafId, new TextEncoder().encode(this.#btid), out);
    ksNaf.fill(0);
    return out;
  }

  /** GBA_U: the NAFs the card has derived keys for (EF_GBANL), read on demand. */
  async gbaNafList(): Promise<GbaNafEntry[]> {
    const { app, info } = this.#ready();
    if (info.capabilities.gbaMode !== 'gba-u') throw new CardStateError('EF_GBANL is a GBA_U file; this card runs GBA_ME');
    return app.readGbaNafList();
  }

  /** The MBMS reading of a message decoded once (by the caller, or here from bytes), the home network's Key Domain as fallback. */
  #describe(input: Uint8Array | DecodedMikey, kdid: string) {
    const d = decodedMikey(input, 'MIKEY');
    return { raw: d.raw, info: describeMbms(d.message, { homeKeyDomainId: Buffer.from(kdid, 'hex') }) };
  }

  /**
   * An MSK message (LTKM): store its MSK, or just check a key-less solicited pull. The LTKM intake hands it over
   * decoded; the USIM still gets the bytes as received (SPEC §8).
   */
  async mskUpdate(input: Uint8Array | DecodedMikey): Promise<MskUpdateResult> {
    const { app, info } = this.#ready();
    if (info.capabilities.mikeyOn === 'me') return this.#me!.mskUpdate(input);
    const { raw, info: d } = this.#describe(input, info.keyDomainId);
    if (d.kind !== 'msk' || !d.mskId || !d.keyDomainId) throw new CardStatusError('wrong-data', 'MSK update', undefined, 'not an MSK message');
    const r = await app.mbms({ mode: 'msk-update', mikey: raw });
    const stored = (d.kemac?.encrDataLength ?? 0) > 0;
    return { keyDomainId: d.keyDomainId, mskId: d.mskId, stored, solicitedPull: d.solicitedPull, verification: r.verification ?? null };
  }

  /** An MTK message (STKM): the MTK (and salt) it carries. */
  async mtkGenerate(input: Uint8Array | DecodedMikey): Promise<MtkResult> {
    const { app, info } = this.#ready();
    if (info.capabilities.mikeyOn === 'me') return this.#me!.mtkGenerate(input);
    const { raw, info: d } = this.#describe(input, info.keyDomainId);
    if (d.kind !== 'mtk' || !d.mskId || !d.keyDomainId || d.mtkId === null) throw new CardStatusError('wrong-data', 'MTK generation', undefined, 'not an MTK message');
    const r = await app.mbms({ mode: 'mtk-generation', mikey: raw });
    if (!r.mtk) throw new CardStatusError('wrong-data', 'MTK generation', undefined, 'the card returned no MTK');
    const out: MtkResult = { keyDomainId: d.keyDomainId, mskId: d.mskId, mtkId: d.mtkId, mtk: new Secret(r.mtk), salt: r.salt ? new Secret(r.salt) : null };
    r.mtk.fill(0);
    r.salt?.fill(0);
    return out;
  }

  /** Forgets the MSKs of one Key Domain / Key Group (the card's deletion names no Key Number). */
  async deleteMsks(keyDomainIdBytes: Uint8Array, keyGroup: number): Promise<void> {
    const { app, info } = this.#ready();
    if (info.capabilities.mikeyOn === 'me') return this.#me!.deleteMsks(keyDomainIdBytes, keyGroup);
    await app.mbms({ mode: 'msk-deletion', keyDomainId: keyDomainIdBytes, keyGroup });
  }

  async deleteMuk(idi: Uint8Array, idr: Uint8Array): Promise<void> {
    const { app, info } = this.#ready();
    if (info.capabilities.mikeyOn === 'me') return this.#me!.deleteMuk(idi, idr);
    await app.mbms({ mode: 'muk-deletion', idi, idr });
  }

  /** Forgets all keys and closes the transport. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#generation++;
    this.#forget();
    await this.#transport.close();
  }
}
