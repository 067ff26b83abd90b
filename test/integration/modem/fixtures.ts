/**
 * What the integration tests deliver: a WAP push (WSP, application/mikey, X-Wap-Application-Id BCAST
 * client) carrying a real MIKEY MSK message, segmented into concatenated SMS-DELIVER PDUs the way a
 * BSM's SMSC sends them (SPEC §1: port IE 2948/9200 and an 8-bit concatenation IE on every part).
 */
import assert from 'node:assert/strict';
import { buildMskMessage, encodeDatagramAsSms, encodeMikey, encodeSmsDeliver, encodeWspPush, MIKEY_ENCR_ALG } from '../../../src/codec/index.js';

/** An MSK message with IDi/IDr, Key ID and 96 bytes of key data: big enough for three SMS. */
export function mikeyMskMessage(seed = 1): Uint8Array {
  const bytes = (n: number, k: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + k * 7 + seed) & 0xff);
  return encodeMikey(
    buildMskMessage({
      csbId: 0x01020304 + seed,
      counter: 1000 + seed,
      rand: bytes(16, 1),
      idi: 'bsm.sim.bcastd.test',
      idr: 'KSAkDhIaC3iZ4UFX2i7ubpcLZ1UUcHjHC4SUwEQW2nU=@bsf.mnc001.mcc001.pub.3gppnetwork.org',
      keyDomainId: Uint8Array.of(0x00, 0xf1, 0x10),
      mskId: { keyGroup: 0x0102, keyNumber: 7 },
      v: false,
      encrAlg: MIKEY_ENCR_ALG.AES_CM_128,
      encryptedKeyData: bytes(96, 2),
    }),
  );
}

export interface PushPdus {
  readonly mikey: Uint8Array;
  readonly wsp: Uint8Array;
  readonly pdus: Uint8Array[];
}

export function wapPushPdus(options: { reference: number; seed?: number; originator?: string; parts?: number } = { reference: 1 }): PushPdus {
  const mikey = mikeyMskMessage(options.seed ?? 1);
  const wsp = encodeWspPush({ tid: 0x42, contentType: 'application/mikey', applicationId: 'x-oma-application:bcast.ua', body: mikey });
  const pdus = encodeDatagramAsSms({
    originator: options.originator ?? '+4917012345678',
    smsc: '+491710760000',
    destinationPort: 2948,
    sourcePort: 9200,
    payload: wsp,
    reference: options.reference,
    timestamp: '2024-05-01T12:00:00+02:00',
  });
  assert.equal(pdus.length, options.parts ?? 3, 'the push needs three SMS');
  return { mikey, wsp, pdus };
}

export function plainSms(text: string): Uint8Array {
  return encodeSmsDeliver({ originator: '+4917099999999', smsc: '+491710760000', text, timestamp: '2024-05-01T12:05:00+02:00' });
}
