/**
 * Client side of HTTP Digest towards the BSM with nonce reuse (RFC 7616 §3.3, §3.4): the last
 * challenge is kept and each request sends it with the next nonce-count, so a warm request needs no
 * 401 first. A stale=true answer or a new challenge replaces it.
 */
import { randomBytes } from 'node:crypto';
import { computeDigestResponse, formatAuthorization, formatNc, type DigestChallenge } from '../crypto/index.js';
import { withBsmDigestPassword } from '../crypto/gba-naf-keys.js';
import type { BsmCredentials } from './credentials.js';

export class DigestSession {
  #challenge: DigestChallenge | null = null;
  #nc = 0;

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
  }

  /** Authorization for one request, or undefined while no challenge is known. */
  authorize(creds: BsmCredentials, method: string, uri: string, body: string): string | undefined {
    const ch = this.#challenge;
    if (!ch) return undefined;
    this.#nc++;
    const qop = ch.qop.includes('auth-int') ? 'auth-int' : ch.qop.includes('auth') ? 'auth' : undefined;
    const cnonce = randomBytes(12).toString('base64');
    const algorithm = ch.algorithm.toUpperCase() === 'MD5-SESS' ? 'MD5-sess' : 'MD5';
    const response = withBsmDigestPassword(creds.mrk, (password) =>
      computeDigestResponse({
        username: creds.btid,
        realm: ch.realm,
        password,
        method,
        uri,
        nonce: ch.nonce,
        nc: this.#nc,
        cnonce,
        qop,
        body,
        algorithm,
      }),
    );
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
