import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { DecodeError } from '../../../../src/codec/errors.js';
import { fromHex, toHex } from '../../../../src/codec/hex.js';
import {
  buildSolicitedPull,
  decodeMikey,
  encodeMikey,
  macInput,
  mikeyMacField,
  mikeyToJson,
  renderMikeyTree,
  withMac,
  type KemacPayload,
} from '../../../../src/codec/mikey/index.js';
import { solicitedPull } from './vectors.js';

const vector = solicitedPull();
const bytes = fromHex(vector.mikey);
/** The vector's placeholder auth key (see its note). */
const authKey = Buffer.alloc(20, 0x11);
const hmac = (data: Uint8Array) => new Uint8Array(createHmac('sha1', authKey).update(data).digest());

describe('MIKEY: the solicited-pull vector', () => {
  it('decodes to exactly its expect.mikey fields', () => {
    const json = mikeyToJson(bytes);
    for (const [k, v] of Object.entries(vector.expect.mikey)) {
      assert.deepEqual((json as unknown as Record<string, unknown>)[k], v, k);
    }
  });

  it('its KEMAC MAC verifies: HMAC-SHA-1 over macInput (HDR .. MAC-alg byte)', () => {
    const msg = decodeMikey(bytes);
    const kemac = msg.payloads.at(-1) as KemacPayload;
    assert.equal(kemac.type, 'KEMAC');
    const input = macInput(bytes, msg);
    assert.equal(input.length, kemac.macOffset);
    assert.equal(input.length, bytes.length - 20);
    assert.equal(input.at(-1), 1, 'the last byte MACed is the MAC-alg byte (HMAC-SHA-1-160)');
    assert.equal(toHex(hmac(input)), toHex(kemac.mac));
  });

  it('a MAC over anything else does not verify', () => {
    const msg = decodeMikey(bytes);
    const kemac = msg.payloads.at(-1) as KemacPayload;
    assert.notEqual(toHex(hmac(bytes.subarray(0, bytes.length - 21))), toHex(kemac.mac));
    const tampered = bytes.slice();
    tampered[4] ^= 1; // CSB ID
    assert.notEqual(toHex(hmac(macInput(tampered, msg))), toHex(kemac.mac));
  });

  it('encode(decode(x)) === x', () => {
    assert.equal(toHex(encodeMikey(decodeMikey(bytes))), toHex(bytes));
  });

  it('macOffset of the decoded KEMAC is where the encoder puts the MAC', () => {
    const msg = decodeMikey(bytes);
    assert.equal(mikeyMacField(msg).offset, (msg.payloads.at(-1) as KemacPayload).macOffset);
    assert.equal(mikeyMacField(msg).length, 20);
  });

  it('buildSolicitedPull + withMac reproduces the vector byte for byte', () => {
    const e = vector.expect.mikey as {
      csbId: number;
      tsCounter: number;
      rand: string;
      idi: string;
      idr: string;
      keyDomainId: string;
      mskId: { keyGroup: number };
    };
    const msg = buildSolicitedPull({
      csbId: e.csbId,
      counter: e.tsCounter,
      rand: fromHex(e.rand),
      idi: e.idi,
      idr: e.idr,
      keyDomainId: fromHex(e.keyDomainId),
      keyGroup: e.mskId.keyGroup,
    });
    const raw = encodeMikey(msg);
    assert.equal(toHex(raw.subarray(-20)), '00'.repeat(20), 'MAC zeroed before signing');
    const signed = withMac(raw, msg, hmac(macInput(raw, msg)));
    assert.equal(toHex(signed), toHex(bytes));
    assert.equal(toHex(raw.subarray(-20)), '00'.repeat(20), 'withMac returns a copy');
  });

  it('truncation anywhere is a DecodeError naming an offset inside the input', () => {
    for (let n = 0; n < bytes.length; n++) {
      assert.throws(
        () => decodeMikey(bytes.subarray(0, n)),
        (e: unknown) =>
          e instanceof DecodeError && e.codec === 'mikey' && e.reason === 'truncated' && e.offset !== undefined && e.offset <= n,
        `prefix of ${n} bytes`,
      );
    }
  });

  it('a byte after the last payload is refused', () => {
    const longer = Uint8Array.from([...bytes, 0]);
    assert.throws(
      () => decodeMikey(longer),
      (e: unknown) => e instanceof DecodeError && e.reason === 'trailing' && e.offset === bytes.length,
    );
  });

  it('renders a readable tree', () => {
    const tree = renderMikeyTree(decodeMikey(bytes));
    assert.equal(tree[0], 'MIKEY v1 psk-init V=0 PRF=0 CSB ID=0x1a2b3c4d #CS=0 map=empty');
    assert.ok(tree.includes('  T: tsType=COUNTER counter=258'));
    assert.ok(tree.some((l) => l.startsWith('  ID: idType=URI id=bsm.operator.example ')));
    assert.ok(tree.some((l) => l.startsWith('  KEMAC: encrAlg=AES-CM-128 encrDataLength=0 ')));
    assert.equal(tree.at(-1), '  MBMS: msk keyDomainId=00f110 MSK ID (group/number)=0/0 MTK ID=- counter=258 SOLICITED PULL');
  });
});
