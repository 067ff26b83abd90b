/**
 * The simulated BSM's STKM side: MIKEY MTK messages (SPEC §3.3) carrying a TEK (or TEK + salt) under an
 * MSK, so the terminal's player exchange (STKM in → MTK generation on the card → TEK out) can be tested.
 */
import { aesCmEncrypt, deriveMikeyKeys, hmacSha1_160 } from '../../crypto/index.js';
import { buildMtkMessage, encodeKeyData, encodeMikey, macInput, MIKEY_ENCR_ALG, MIKEY_KEY_TYPE, withMac, type MskId } from '../../codec/index.js';

/** TEK and salt sizes of an SRTP-style traffic key (AES-128 key, 112-bit salt). */
export const TEK_LENGTH = 16;
export const TEK_SALT_LENGTH = 14;

export interface StkmInput {
  msk: Uint8Array;
  /** RAND of the MSK message the terminal stored this MSK from: MTK messages carry none [U SPEC §3.3]. */
  mskRand: Uint8Array;
  csbId: number;
  /** T COUNTER: the card wants it above the last one it accepted for this MSK. */
  counter: number;
  keyDomainId: Uint8Array;
  mskId: MskId;
  mtkId: number;
  tek: Uint8Array;
  salt?: Uint8Array | null;
}

/** HDR → T(COUNTER) → EXT(Key ID MTK) → KEMAC(AES-CM-128 key data, HMAC-SHA-1-160), keys from the MSK. */
export function buildStkm(i: StkmInput): Uint8Array {
  const keys = deriveMikeyKeys(i.msk, i.csbId, i.mskRand);
  const keyData = encodeKeyData([
    i.salt
      ? { keyType: MIKEY_KEY_TYPE.TEK_SALT, key: i.tek, salt: i.salt, kv: { kvType: 0 } }
      : { keyType: MIKEY_KEY_TYPE.TEK, key: i.tek, kv: { kvType: 0 } },
  ]);
  try {
    const encryptedKeyData = aesCmEncrypt(keys.encrKey, keys.saltKey, i.csbId, i.counter, keyData);
    const msg = buildMtkMessage({
      csbId: i.csbId,
      counter: i.counter,
      keyDomainId: i.keyDomainId,
      mskId: i.mskId,
      mtkId: i.mtkId,
      encrAlg: MIKEY_ENCR_ALG.AES_CM_128,
      encryptedKeyData,
    });
    const raw = encodeMikey(msg);
    return withMac(raw, msg, hmacSha1_160(keys.authKey, macInput(raw, msg)));
  } finally {
    keyData.fill(0);
    for (const k of Object.values(keys)) k.fill(0);
  }
}
