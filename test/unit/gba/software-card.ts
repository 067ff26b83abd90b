/**
 * TEST DOUBLE ONLY — a software USIM for the GBA / BSM tests, built from Milenage and the GBA KDF.
 * Never imported by src/. It answers the GbaCard port (3G AKA for GBA_ME, GBA bootstrapping and NAF
 * derivation for GBA_U) and, for GBA_U, the LtkmProcessor port with MUK = Ks_int_NAF kept inside.
 */
import { buildAuts, checkAutn, deriveKsNaf, f2345, sqnFromNumber, sqnToNumber, Secret } from '../../../src/crypto/index.js';
import { GbaCardError, type Aka3gResult, type GbaBootstrapResult, type GbaCard, type GbaCardCapabilities } from '../../../src/gba/index.js';
import { bsmNafId } from '../../../src/gba/index.js';
import { MeLtkmProcessor, MemoryKeyStore, type LtkmProcessor, type LtkmResult } from '../../../src/bsm/index.js';

export interface SoftwareCardOptions {
  imsi: string;
  k: string;
  opc: string;
  /** SQNms: the highest SQN the card has accepted. */
  sqn: number;
  mncLength: number;
  gbaU?: boolean;
  /** The BSM FQDN the card derives Ks_int_NAF (MUK) for, GBA_U. */
  bsmFqdn?: string;
}

export class SoftwareCard implements GbaCard, LtkmProcessor {
  sqnMs: number;
  readonly k: Buffer;
  readonly opc: Buffer;
  /** Force a MAC failure (98 62) on the next AUTHENTICATE. */
  failMacOnce = false;
  calls: string[] = [];
  #ks: Buffer | null = null;
  #rand: Buffer | null = null;
  #muk: Secret | null = null;
  readonly keys = new MemoryKeyStore();
  readonly #ltkm: MeLtkmProcessor;

  constructor(readonly o: SoftwareCardOptions) {
    this.k = Buffer.from(o.k, 'hex');
    this.opc = Buffer.from(o.opc, 'hex');
    this.sqnMs = o.sqn;
    this.#ltkm = new MeLtkmProcessor({ muk: () => this.#muk, store: this.keys });
  }

  async identity() {
    return { imsi: this.o.imsi, mncLength: this.o.mncLength };
  }
  async capabilities(): Promise<GbaCardCapabilities> {
    return { gbaU: this.o.gbaU ?? true, mbms: true };
  }

  #aka(rand: Uint8Array, autn: Uint8Array): { auts: Buffer } | { ok: ReturnType<typeof f2345> } {
    if (this.failMacOnce) {
      this.failMacOnce = false;
      throw new GbaCardError('mac-failure', '98 62');
    }
    const r = checkAutn({ K: this.k, OPc: this.opc, RAND: rand, AUTN: autn, acceptSqn: (sqn) => sqnToNumber(sqn) > this.sqnMs });
    if (!r.macOk) throw new GbaCardError('mac-failure', '98 62');
    if (!r.sqnOk) return { auts: buildAuts({ K: this.k, OPc: this.opc, RAND: rand, SQNms: sqnFromNumber(this.sqnMs) }) };
    this.sqnMs = sqnToNumber(r.sqn);
    return { ok: f2345(this.k, this.opc, rand) };
  }

  async authenticate3g(rand: Uint8Array, autn: Uint8Array): Promise<Aka3gResult> {
    this.calls.push('authenticate3g');
    const r = this.#aka(rand, autn);
    if ('auts' in r) return { auts: r.auts };
    return { res: r.ok.res, ck: r.ok.ck, ik: r.ok.ik };
  }

  async gbaBootstrap(rand: Uint8Array, autn: Uint8Array): Promise<GbaBootstrapResult> {
    this.calls.push('gbaBootstrap');
    if (this.o.gbaU === false) throw new GbaCardError('not-supported', '98 64');
    const r = this.#aka(rand, autn);
    if ('auts' in r) return { auts: r.auts };
    this.#ks = Buffer.concat([r.ok.ck, r.ok.ik]);
    this.#rand = Buffer.from(rand);
    return { res: r.ok.res };
  }

  async gbaNafDerivation(nafId: Uint8Array, impi: string): Promise<Uint8Array> {
    this.calls.push('gbaNafDerivation');
    if (!this.#ks || !this.#rand) throw new GbaCardError('card-error', 'no Ks (69 85)');
    const base = { ks: this.#ks, rand: this.#rand, impi, nafId };
    if (this.o.bsmFqdn && Buffer.compare(Buffer.from(nafId), bsmNafId(this.o.bsmFqdn)) === 0) {
      this.#muk?.wipe();
      this.#muk = new Secret(deriveKsNaf({ ...base, kind: 'gba-u' }));
    }
    return deriveKsNaf({ ...base, kind: 'gba-me' });
  }

  /** GBA_U MBMS context, MSK update mode. */
  processMskMessage(raw: Uint8Array): Promise<LtkmResult> {
    this.calls.push('processMskMessage');
    return this.#ltkm.processMskMessage(raw);
  }
}

/** Milenage test set 1 (TS 35.208) as a subscriber; IMSI in test PLMN 001/01. */
export const TEST_SUBSCRIBER = {
  imsi: '001010123456789',
  k: '465b5ce8b199b49faa5f0a2ee238a6bc',
  opc: 'cd63cb71954a9f4e48a5994e37a02baf',
  sqn: 32,
  amf: '8000',
  mncLength: 2,
} as const;

export const TEST_BSM_FQDN = 'bsm.mnc001.mcc001.pub.3gppnetwork.org';
