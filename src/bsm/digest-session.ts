/**
 * Client side of HTTP Digest towards the BSM with nonce reuse (RFC 7616 §3.3, §3.4): the last
 * challenge is kept and each request sends it with the next nonce-count, so a warm request needs no
 * 401 first. A stale=true answer or a new challenge replaces it.
 *
 * MD5(B-TID:realm:password) depends only on the login, so it is derived once per MRK, B-TID and realm rather than
 * on every request (each derivation lent the password out of the MRK): kept as a Secret, like the MRK it stands
 * for, and wiped as soon as any of the three changes (a new bootstrap brings a new MRK) or clear() is called.
 */
import { randomBytes } from 'node:crypto';
import { digestHa1Base, digestResponseFromHa1Base, formatAuthorization, formatNc, Secret, type DigestChallenge } from '../crypto/index.js';
import { withBsmDigestPassword } from '../crypto/gba-naf-keys.js';
import type { BsmCredentials } from './credentials.js';

interface KeptHa1 {
  mrk: Secret;
  btid: string;
  realm: string;
  base: Secret;
}

export class DigestSession {
  #challenge: DigestChallenge | null = null;
  #nc = 0;
  #ha1: KeptHa1 | null = null;

  get hasChallenge(): boolean {
    return this.#challenge !== null;
  }
  get nc(): number {
    return this.#nc;
  }
  adopt(challenge: DigestChallenge): void {
    this.#challenge = challenge;
    this.#nc = 0;
  }
  clear(): void {
    this.#challenge = null;
    this.#nc = 0;
    this.#forgetHa1();
  }

  #forgetHa1(): void {
    this.#ha1?.base.wipe();
    this.#ha1 = null;
  }

  /** The HA1 base of this login, derived from the MRK when the kept one is for another (or a wiped) MRK. */
  #ha1Base(creds: BsmCredentials, realm: string): Buffer {
    const kept = this.#ha1;
    if (kept !== null && kept.mrk === creds.mrk && !creds.mrk.isWiped && kept.btid === creds.btid && kept.realm === realm) return kept.base.reveal();
    this.#forgetHa1();
    const hex = withBsmDigestPassword(creds.mrk, (password) => digestHa1Base(creds.btid, realm, password));
    try {
      this.#ha1 = { mrk: creds.mrk, btid: creds.btid, realm, base: new Secret(hex) };
    } finally {
      hex.fill(0);
    }
    return this.#ha1.base.reveal();
  }

  /** Authorization for one request, or undefined while no challenge is known. */
  authorize(creds: BsmCredentials, method: string, uri: string, body: string): string | undefined {
    const ch = this.#challenge;
    if (!ch) return undefined;
    this.#nc++;
    const qop = ch.qop.includes('auth-int') ? 'auth-int' : ch.qop.includes('auth') ? 'auth' : undefined;
    const cnonce = randomBytes(12).toString('base64');
    const algorithm = ch.algorithm.toUpperCase() === 'MD5-SESS' ? 'MD5-sess' : 'MD5';
    const response = digestResponseFromHa1Base(this.#ha1Base(creds, ch.realm), { method, uri, nonce: ch.nonce, nc: this.#nc, cnonce, qop, body, algorithm });
    return formatAuthorization({
      username: creds.btid,
      realm: ch.realm,
      nonce: ch.nonce,
      uri,
      response,
      algorithm,
      ...(ch.opaque !== undefined ? { opaque: ch.opaque } : {}),
      ...(qop ? { qop, nc: formatNc(this.#nc), cnonce } : {}),
    });
  }
}
