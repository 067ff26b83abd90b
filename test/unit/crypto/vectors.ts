/** Loads the shared test vectors from <repo>/test/vectors, wherever the compiled test runs from. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/repo.js';


export function loadVector<T>(name: string): T {
  return JSON.parse(readFileSync(join(repoRoot, 'test', 'vectors', name), 'utf8')) as T;
}

export const hex = (s: string): Buffer => Buffer.from(s, 'hex');

export interface MilenageSet {
  testSet: number;
  K: string;
  RAND: string;
  SQN: string;
  AMF: string;
  OP: string;
  OPc: string;
  f1_MAC_A: string;
  f1star_MAC_S: string;
  f2_RES: string;
  f3_CK: string;
  f4_IK: string;
  f5_AK: string;
  f5star_AKstar: string;
}

export interface CryptoVectors {
  gbaKdf: {
    CK: string;
    IK: string;
    RAND: string;
    IMPI: string;
    NAF_FQDN: string;
    UaProtocolId: string;
    NAF_ID_hex: string;
    Ks_ext_NAF_gba_me: string;
    Ks_int_NAF_gba_u: string;
  };
  mikeyPrfPsk: {
    inkey: string;
    csbId: string;
    RAND: string;
    encrKey_0x150533E1_16B: string;
    authKey_0x2D22AC75_20B: string;
    saltKey_0x29B88916_14B: string;
  };
  milenageAutnTestSet1: string;
}
