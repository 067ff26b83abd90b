/** Public entry point `bcastd/crypto`: the pure crypto of bcastd (no I/O, no other project imports). */
export { DigestParseError, type DigestParseReason } from './errors.js';
export {
  computeOpc,
  f1,
  f1star,
  f2,
  f3,
  f4,
  f5,
  f5star,
  f2345,
  sqnFromNumber,
  sqnToNumber,
  generateAuthVector,
  checkAutn,
  buildAuts,
  resolveAuts,
  type F2345,
  type AuthVectorInput,
  type AuthVector,
  type CheckAutnInput,
  type CheckAutnResult,
  type BuildAutsInput,
  type ResolveAutsInput,
} from './milenage.js';
export {
  kdf,
  nafId,
  deriveKsNaf,
  FC_KS_NAF,
  UA_PROTOCOL_ID_MBMS,
  type KsNafKind,
  type KsSource,
  type DeriveKsNafInput,
} from './gba-kdf.js';
export {
  parseAuthHeader,
  parseChallenge,
  parseAuthorization,
  formatAuthorization,
  type AuthChallenge,
  type DigestChallenge,
  type DigestAuthorization,
} from './digest-header.js';
export {
  computeDigestResponse,
  digestHa1Base,
  digestResponseFromHa1Base,
  verifyDigestResponse,
  formatNc,
  decodeAkaNonce,
  encodeAkaNonce,
  type DigestAlgorithm,
  type DigestQop,
  type DigestResponseInput,
  type DigestRequestInput,
  type AkaNonce,
} from './digest.js';
export { mikeyPrf, mikeyKeyLabel, deriveMikeyKeys, MIKEY_KEY_DERIVATION, type MikeyKeys } from './mikey-prf.js';
export { aesCmIv, aesCmEncrypt, aesCmDecrypt, type MikeyTimestamp } from './aes-cm.js';
export { hmacSha1_160, verifyMac, verificationMac, HMAC_SHA1_160_LEN } from './mac.js';
export { Secret, type SecretAllocator } from './secret.js';
export { hexInto, base64Into, base64Length } from './bytes.js';
