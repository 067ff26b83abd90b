/**
 * GBA_ME LTKM processing in the ME (SPEC §3.3): derive the MIKEY keys from the MUK, check the KEMAC
 * MAC and the T counter (greater than the last one accepted under this MUK), decrypt and store the
 * MSK, and answer a verification message when V is set.
 */
import { aesCmDecrypt, deriveMikeyKeys, hmacSha1_160, Secret, verificationMac, verifyMac } from '../crypto/index.js';
import {
  buildVerificationMessage,
  decodeKeyData,
  decodeMikey,
  describeMbms,
  encodeMikey,
  isDecodeError,
  macInput,
  MIKEY_ENCR_ALG,
  withMac,
  type IdPayload,
  type KemacPayload,
  type MikeyMessage,
} from '../codec/index.js';
import type { MskStore } from './key-store.js';
import { LtkmRejected, type LtkmProcessor, type LtkmResult } from './ltkm-port.js';

export interface MeLtkmProcessorOptions {
  /** The current MUK (null before GBA has run). */
  muk: () => Secret | null;
  /** When given, IDr must equal this B-TID (MUK ID = IDi || IDr). */
  btid?: () => string | null;
  store: MskStore;
  now?: () => number;
}

const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);

export class MeLtkmProcessor implements LtkmProcessor {
  /** Last accepted counter per MUK (a new bootstrap starts a new count). */
  readonly #counters = new WeakMap<Secret, number>();
  constructor(private readonly o: MeLtkmProcessorOptions) {}

  async processMskMessage(raw: Uint8Array): Promise<LtkmResult> {
    let msg: MikeyMessage;
    try {
      msg = decodeMikey(raw);
    } catch (e) {
      if (isDecodeError(e)) throw new LtkmRejected('bad-message', e.message);
      throw e;
    }
    const info = describeMbms(msg);
    const kemac = msg.payloads.find((p): p is KemacPayload => p.type === 'KEMAC');
    const rand = msg.payloads.find((p) => p.type === 'RAND');
    const t = msg.payloads.find((p) => p.type === 'T');
    const ids = msg.payloads.filter((p): p is IdPayload => p.type === 'ID');
    if (info.kind !== 'msk' || !kemac || !rand || rand.type !== 'RAND' || !t || t.type !== 'T' || t.tsType !== 2 || !info.mskId || !info.keyDomainId) {
      throw new LtkmRejected('bad-message', 'not an MSK message with T(COUNTER), RAND, Key ID and KEMAC');
    }
    const muk = this.o.muk();
    if (!muk) throw new LtkmRejected('no-muk', 'no MUK: GBA has not run');
    const btid = this.o.btid?.();
    if (btid && info.idr !== btid) throw new LtkmRejected('wrong-muk', 'IDr is not the current B-TID');
    const keys = deriveMikeyKeys(muk.reveal(), msg.hdr.csbId, rand.rand);
    try {
      if (!verifyMac(hmacSha1_160(keys.authKey, macInput(raw, msg)), kemac.mac)) throw new LtkmRejected('mac', 'KEMAC MAC does not verify');
      const last = this.#counters.get(muk) ?? -1;
      if (t.counter <= last) throw new LtkmRejected('replay', `counter ${t.counter} not above ${last}`);
      this.#counters.set(muk, t.counter);
      let stored: LtkmResult['stored'] = null;
      if (kemac.encrData.length > 0) {
        const plain =
          kemac.encrAlg === MIKEY_ENCR_ALG.NULL
            ? Buffer.from(kemac.encrData)
            : kemac.encrAlg === MIKEY_ENCR_ALG.AES_CM_128
              ? aesCmDecrypt(keys.encrKey, keys.saltKey, msg.hdr.csbId, t.counter, kemac.encrData)
              : null;
        if (!plain) throw new LtkmRejected('bad-message', `KEMAC encryption ${kemac.encrAlg} not supported`);
        let kd;
        let key: Secret;
        let validity: { from: string; to: string } | undefined;
        try {
          kd = decodeKeyData(plain)[0];
          if (!kd) throw new LtkmRejected('bad-message', 'KEMAC carries no key');
          key = new Secret(kd.key); // a copy: the decoded key is a view into `plain`
          if (kd.kv.kvType === 2) validity = { from: Buffer.from(kd.kv.vf).toString('hex'), to: Buffer.from(kd.kv.vt).toString('hex') };
        } catch (e) {
          if (isDecodeError(e)) throw new LtkmRejected('bad-message', `key data: ${e.message}`);
          throw e;
        } finally {
          plain.fill(0);
        }
        const { keyGroup, keyNumber } = info.mskId;
        this.o.store.put({
          keyDomainId: info.keyDomainId,
          keyGroup,
          keyNumber,
          key,
          ...(validity ? { validity } : {}),
          storedAt: (this.o.now ?? Date.now)(),
        });
        stored = { keyDomainId: info.keyDomainId, mskId: { keyGroup, keyNumber } };
      }
      const result: LtkmResult = { stored };
      if (msg.hdr.v) result.verification = buildVerification(keys.authKey, msg.hdr.csbId, t.counter, ids);
      return result;
    } finally {
      keys.encrKey.fill(0);
      keys.authKey.fill(0);
      keys.saltKey.fill(0);
    }
  }
}

/** Verification message (SPEC §3.3) MAC'd over itself || IDi || IDr || T. */
export function buildVerification(authKey: Uint8Array, csbId: number, counter: number, ids: IdPayload[]): Uint8Array {
  const v = buildVerificationMessage({ csbId, counter });
  const raw = encodeMikey(v);
  const mac = verificationMac(authKey, macInput(raw, v), ids[0]?.id ?? new Uint8Array(0), ids[1]?.id ?? new Uint8Array(0), u32(counter));
  return withMac(raw, v, mac);
}
