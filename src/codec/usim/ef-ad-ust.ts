/**
 * EF_AD (TS 31.102 §4.2.18: byte 4 low nibble = number of MNC digits in the IMSI) and EF_UST
 * (§4.2.8: service n is bit (n-1) mod 8 of byte (n-1) div 8).
 */
import { DecodeError, EncodeError } from '../errors.js';
import { USIM_CODEC } from './codec-name.js';

export interface AdministrativeData {
  /** UE operation mode (byte 1): 00 normal operation. */
  operationMode: number;
  /** 2 or 3; null when the card does not say (EF_AD of 3 bytes, or another value). */
  mncLength: 2 | 3 | null;
}

export function decodeAd(bytes: Uint8Array): AdministrativeData {
  if (bytes.length < 3) throw new DecodeError(USIM_CODEC, 'truncated', `EF_AD needs at least 3 bytes, got ${bytes.length}`, 0);
  const n = bytes.length >= 4 ? bytes[3]! & 0x0f : null;
  return { operationMode: bytes[0]!, mncLength: n === 2 || n === 3 ? n : null };
}

export function encodeAd(ad: { operationMode?: number; mncLength: 2 | 3 }): Uint8Array {
  if (ad.mncLength !== 2 && ad.mncLength !== 3) throw new EncodeError(USIM_CODEC, 'MNC length must be 2 or 3');
  return Uint8Array.of(ad.operationMode ?? 0x00, 0x00, 0x00, ad.mncLength);
}

/** The service numbers a UST marks available. */
export function decodeUst(bytes: Uint8Array): Set<number> {
  const out = new Set<number>();
  bytes.forEach((b, i) => {
    for (let bit = 0; bit < 8; bit++) if (b & (1 << bit)) out.add(i * 8 + bit + 1);
  });
  return out;
}

export function ustHas(bytes: Uint8Array, service: number): boolean {
  const i = (service - 1) >> 3;
  return service >= 1 && i < bytes.length && (bytes[i]! & (1 << ((service - 1) & 7))) !== 0;
}

export function encodeUst(services: Iterable<number>, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (const s of services) {
    const i = (s - 1) >> 3;
    if (!Number.isInteger(s) || s < 1 || i >= length) throw new EncodeError(USIM_CODEC, `service ${s} does not fit a UST of ${length} bytes`);
    out[i]! |= 1 << ((s - 1) & 7);
  }
  return out;
}
