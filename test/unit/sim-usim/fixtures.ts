// The network side of the card tests, built only from the codecs and the crypto module (never from the
// card or virtual-USIM code under test): AKA vectors, GBA keys, and MIKEY MSK / MTK messages with
// their KEMAC encrypted and MACed as a BSM would.
import { encodeKeyData, encodeMikey, buildMskMessage, buildMtkMessage, macInput, withMac, MIKEY_ENCR_ALG, MIKEY_KEY_TYPE } from '../../../src/codec/mikey/index.js';
import { aesCmEncrypt, deriveKsNaf, deriveMikeyKeys, generateAuthVector, hmacSha1_160, nafId as makeNafId, sqnFromNumber, UA_PROTOCOL_ID_MBMS } from '../../../src/crypto/index.js';
import type { Subscriber } from '../../../src/sim/subscriber.js';

export const IMPI = '001010000000001@ims.mnc001.mcc001.3gppnetwork.org';
export const BSM_FQDN = 'bsm.operator.example';
export const NAF_ID = makeNafId(BSM_FQDN, UA_PROTOCOL_ID_MBMS);
export const BTID = 'QUJDREVGR0hJSktMTU5PUA==@bsf.mnc001.mcc001.pub.3gppnetwork.org';
export const KDID = Buffer.from('00f110', 'hex');

export function akaVector(sub: Subscriber, sqn: number, rand: Uint8Array) {
  return generateAuthVector({ K: sub.k, OPc: sub.opc, SQN: sqnFromNumber(sqn), AMF: sub.amf, RAND: rand });
}

/** The keys the BSM holds after the terminal bootstrapped with `rand` (Ks = CK || IK of that AKA). */
export function gbaKeys(sub: Subscriber, sqn: number, rand: Uint8Array) {
  const av = akaVector(sub, sqn, rand);
  const common = { ck: av.CK, ik: av.IK, rand, impi: IMPI, nafId: NAF_ID };
  return { av, ksExtNaf: deriveKsNaf({ ...common, kind: 'gba-me' }), ksIntNaf: deriveKsNaf({ ...common, kind: 'gba-u' }) };
}

export interface MskMessageInput {
  muk: Uint8Array;
  counter: number;
  msk?: Uint8Array;
  mskId?: { keyGroup: number; keyNumber: number };
  v?: boolean;
  csbId?: number;
  rand?: Uint8Array;
  idi?: string;
  idr?: string;
  /** MTK ID validity interval of the MSK. */
  range?: [number, number];
  /** Flip one bit of the MAC. */
  badMac?: boolean;
  keyDomainId?: Uint8Array;
}

export const MSK_RAND = Buffer.alloc(16, 0x5a);
export const MSK_CSB = 0x0a0b0c0d;

const u16 = (n: number) => Uint8Array.of(n >> 8, n & 0xff);

/** An MSK message (or, without `msk`, a key-less solicited pull: Key Number 0, empty encr data). */
export function mskMessage(o: MskMessageInput): Uint8Array {
  const csbId = o.csbId ?? MSK_CSB;
  const rand = o.rand ?? MSK_RAND;
  const keys = deriveMikeyKeys(o.muk, csbId, rand);
  const range = o.range ?? [0, 0xffff];
  const plain = o.msk ? encodeKeyData([{ keyType: MIKEY_KEY_TYPE.TGK, key: o.msk, kv: { kvType: 2, vf: u16(range[0]), vt: u16(range[1]) } }]) : new Uint8Array(0);
  const msg = buildMskMessage({
    csbId,
    counter: o.counter,
    rand,
    idi: o.idi ?? BSM_FQDN,
    idr: o.idr ?? BTID,
    keyDomainId: o.keyDomainId ?? KDID,
    mskId: o.mskId ?? (o.msk ? { keyGroup: 1, keyNumber: 1 } : { keyGroup: 0, keyNumber: 0 }),
    v: o.v ?? false,
    encrAlg: MIKEY_ENCR_ALG.AES_CM_128,
    encryptedKeyData: plain.length ? aesCmEncrypt(keys.encrKey, keys.saltKey, csbId, o.counter, plain) : plain,
  });
  const raw = encodeMikey(msg);
  const mac = hmacSha1_160(keys.authKey, macInput(raw, msg));
  if (o.badMac) mac[0]! ^= 0x01;
  return withMac(raw, msg, mac);
}

export interface MtkMessageInput {
  msk: Uint8Array;
  counter: number;
  mtkId: number;
  mtk: Uint8Array;
  salt?: Uint8Array;
  mskId?: { keyGroup: number; keyNumber: number };
  csbId?: number;
  /** RAND of the MSK message (MTK messages have none) [U SPEC §3.3]. */
  mskRand?: Uint8Array;
  badMac?: boolean;
}

export function mtkMessage(o: MtkMessageInput): Uint8Array {
  const csbId = o.csbId ?? 0x11223344;
  const keys = deriveMikeyKeys(o.msk, csbId, o.mskRand ?? MSK_RAND);
  const kd = o.salt
    ? { keyType: MIKEY_KEY_TYPE.TEK_SALT, key: o.mtk, salt: o.salt, kv: { kvType: 0 as const } }
    : { keyType: MIKEY_KEY_TYPE.TEK, key: o.mtk, kv: { kvType: 0 as const } };
  const msg = buildMtkMessage({
    csbId,
    counter: o.counter,
    keyDomainId: KDID,
    mskId: o.mskId ?? { keyGroup: 1, keyNumber: 1 },
    mtkId: o.mtkId,
    encrAlg: MIKEY_ENCR_ALG.AES_CM_128,
    encryptedKeyData: aesCmEncrypt(keys.encrKey, keys.saltKey, csbId, o.counter, encodeKeyData([kd])),
  });
  const raw = encodeMikey(msg);
  const mac = hmacSha1_160(keys.authKey, macInput(raw, msg));
  if (o.badMac) mac[0]! ^= 0x01;
  return withMac(raw, msg, mac);
}
