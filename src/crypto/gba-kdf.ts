/**
 * GBA key derivation (3GPP TS 33.220 Annex B): the generic KDF and the NAF-specific keys that MBMS
 * uses as MUK / MRK (TS 33.246).
 */
import { createHmac } from 'node:crypto';
import { buf, concat, expectLength } from './bytes.js';

/** FC value of the NAF-specific key derivation (TS 33.220 Annex B.3). */
export const FC_KS_NAF = 0x01;

/** Ua security protocol identifier of MBMS / OMA BCAST 1.0 (TS 33.220 Annex H): 01 00 00 00 01. */
export const UA_PROTOCOL_ID_MBMS: Readonly<Uint8Array> = Uint8Array.of(0x01, 0x00, 0x00, 0x00, 0x01);

/** P0 of the NAF key derivation: which key a run produces. */
const P0 = { 'gba-me': 'gba-me', 'gba-u': 'gba-u' } as const;
export type KsNafKind = keyof typeof P0;

/** KDF(Key, S) = HMAC-SHA-256(Key, FC || P0 || L0 || P1 || L1 ...), Li = 2-byte big-endian length of Pi. */
export function kdf(key: Uint8Array, fc: number, params: readonly Uint8Array[]): Buffer {
  if (!Number.isInteger(fc) || fc < 0 || fc > 0xff) throw new RangeError(`FC must be one byte: ${fc}`);
  const parts: Uint8Array[] = [Uint8Array.of(fc)];
  for (const [i, p] of params.entries()) {
    if (p.length > 0xffff) throw new RangeError(`P${i} longer than 65535 bytes`);
    parts.push(p, Uint8Array.of(p.length >> 8, p.length & 0xff));
  }
  return createHmac('sha256', buf(key)).update(concat(...parts)).digest();
}

/** NAF_ID = FQDN of the NAF (here the BSM) || Ua security protocol identifier (5 bytes). */
export function nafId(fqdn: string, uaProtocolId: Readonly<Uint8Array>): Buffer {
  expectLength('Ua security protocol id', uaProtocolId as Uint8Array, 5);
  if (fqdn.length === 0) throw new RangeError('NAF FQDN is empty');
  return concat(Buffer.from(fqdn, 'utf8'), uaProtocolId as Uint8Array);
}

export type KsSource = { ck: Uint8Array; ik: Uint8Array } | { ks: Uint8Array };

export type DeriveKsNafInput = KsSource & {
  rand: Uint8Array;
  impi: string;
  nafId: Uint8Array;
  /** 'gba-me' → Ks_NAF (GBA_ME) / Ks_ext_NAF (GBA_U); 'gba-u' → Ks_int_NAF (GBA_U only). */
  kind: KsNafKind;
};

/** Ks_NAF / Ks_ext_NAF / Ks_int_NAF = KDF(Ks, 0x01, P0, RAND, IMPI, NAF_ID) with Ks = CK || IK. */
export function deriveKsNaf(input: DeriveKsNafInput): Buffer {
  const ks = 'ks' in input ? input.ks : concat(input.ck, input.ik);
  expectLength('Ks', ks, 32);
  expectLength('RAND', input.rand, 16);
  if (!Object.hasOwn(P0, input.kind)) throw new RangeError(`unknown Ks_NAF kind: ${String(input.kind)}`);
  const p0 = P0[input.kind];
  return kdf(ks, FC_KS_NAF, [Buffer.from(p0, 'ascii'), input.rand, Buffer.from(input.impi, 'utf8'), input.nafId]);
}
