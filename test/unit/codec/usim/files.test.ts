import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecodeError, EncodeError } from '../../../../src/codec/errors.js';
import { fromHex, toHex } from '../../../../src/codec/hex.js';
import {
  UST_SERVICE,
  decodeAd,
  decodeDirRecord,
  decodeFcp,
  decodeGbaBp,
  decodeGbaNlRecord,
  decodeIccid,
  decodeImsi,
  decodeMskRecord,
  decodeMukRecord,
  decodeUst,
  encodeAd,
  encodeDirRecord,
  encodeFcp,
  encodeGbaBp,
  encodeGbaNlRecord,
  encodeIccid,
  encodeImsi,
  encodeMskRecord,
  encodeMukRecord,
  encodeUst,
  findUsim,
  homeNetwork,
  keyDomainId,
  msksPerRecord,
  mukIdMatches,
  ustHas,
} from '../../../../src/codec/usim/index.js';

const te = new TextEncoder();

describe('usim codec: identity files', () => {
  it('EF_IMSI: 08 09 10 10 10 32 54 76 98 is 001010123456789 (odd length, type IMSI)', () => {
    assert.equal(decodeImsi(fromHex('080910101032547698')), '001010123456789');
    assert.equal(toHex(encodeImsi('001010123456789')), '080910101032547698');
  });
  it('EF_IMSI: an even-length IMSI ends with an F filler', () => {
    const enc = encodeImsi('31041012345678');
    assert.equal(toHex(enc), '0831011410325476f8');
    assert.equal(decodeImsi(enc), '31041012345678');
  });
  it('EF_IMSI: empty, wrong type and non-digits are refused', () => {
    for (const [hex, reason] of [
      ['ffffffffffffffffff', 'empty'],
      ['080a10101032547698', 'bad-value'],
      ['0809101010325476a8', 'bad-value'],
      ['0909101010', 'truncated'],
      ['0809f01010325476ff', 'bad-value'],
    ] as const) {
      assert.throws(() => decodeImsi(fromHex(hex)), (e: unknown) => e instanceof DecodeError && e.reason === reason, hex);
    }
  });
  it('EF_ICCID: swapped BCD with F filler', () => {
    assert.equal(toHex(encodeIccid('8949000000000000001')), '989400000000000000f1');
    assert.equal(decodeIccid(fromHex('989400000000000000f1')), '8949000000000000001');
    assert.throws(() => encodeIccid('12'), EncodeError);
  });
});

describe('usim codec: EF_AD and EF_UST', () => {
  it('EF_AD byte 4 gives the MNC length; a 3-byte EF_AD leaves it unknown', () => {
    assert.deepEqual(decodeAd(fromHex('00000002')), { operationMode: 0, mncLength: 2 });
    assert.deepEqual(decodeAd(fromHex('80000003')), { operationMode: 0x80, mncLength: 3 });
    assert.deepEqual(decodeAd(fromHex('000000')), { operationMode: 0, mncLength: null });
    assert.equal(toHex(encodeAd({ mncLength: 3 })), '00000003');
  });
  it('EF_UST: services 68 (GBA) and 69 (MBMS security) are byte 9 bits 4 and 5', () => {
    const ust = encodeUst([UST_SERVICE.GBA, UST_SERVICE.MBMS_SECURITY, 1], 10);
    assert.equal(toHex(ust), '01000000000000001800');
    assert.ok(ustHas(ust, 68) && ustHas(ust, 69) && ustHas(ust, 1));
    assert.ok(!ustHas(ust, 27) && !ustHas(ust, 200));
    assert.deepEqual([...decodeUst(ust)].sort((a, b) => a - b), [1, 68, 69]);
  });
});

describe('usim codec: EF_DIR and FCP', () => {
  it('finds the USIM application (prefix A0000000871002) among EF_DIR records', () => {
    const usim = fromHex('611a4f10a0000000871002ffffffff890709000050045553494dffffff');
    const isim = fromHex('61184f10a0000000871004ffffffff890709000050024953ffff');
    const entries = [decodeDirRecord(isim), decodeDirRecord(new Uint8Array(26).fill(0xff)), decodeDirRecord(usim)];
    assert.equal(entries[1], null);
    const found = findUsim(entries);
    assert.equal(toHex(found!.aid), 'a0000000871002ffffffff8907090000');
    assert.equal(found!.label, 'USIM');
    assert.deepEqual(decodeDirRecord(encodeDirRecord(found!, 32)), found);
  });

  it('decodes a real EF_IMSI FCP (transparent, 9 bytes, SFI 07)', () => {
    const fcp = decodeFcp(fromHex('621f82024121' + '83026f07' + 'a506c00100de0100' + '8a0105' + '8b036f0602' + '80020009' + '880138'));
    assert.deepEqual(fcp, { kind: 'transparent', shareable: true, fileId: 0x6f07, size: 9, sfi: 7, lcsi: 5 });
  });

  it('round-trips record EF and ADF FCPs', () => {
    const rec = { kind: 'linear-fixed', shareable: true, fileId: 0x6fda, recordLength: 160, recordCount: 4, size: 640, lcsi: 5 } as const;
    assert.deepEqual(decodeFcp(encodeFcp(rec)), rec);
    const adf = decodeFcp(encodeFcp({ kind: 'df', shareable: true, fileId: 0x7ff0, dfName: fromHex('a0000000871002') }));
    assert.equal(adf.kind, 'df');
    assert.equal(toHex(adf.dfName!), 'a0000000871002');
  });
});

describe('usim codec: GBA and MBMS files', () => {
  it('EF_GBABP: LV RAND, LV B-TID, LV lifetime; an unused file decodes empty', () => {
    const p = { rand: fromHex('00112233445566778899aabbccddeeff'), btid: 'ABC=@bsf.example', lifetime: '2030-01-01T00:00:00Z' };
    const enc = encodeGbaBp(p, 80);
    assert.equal(enc.length, 80);
    assert.equal(toHex(enc.subarray(0, 18)), '1000112233445566778899aabbccddeeff10');
    assert.deepEqual(decodeGbaBp(enc), p);
    assert.deepEqual(decodeGbaBp(new Uint8Array(20).fill(0xff)), { rand: new Uint8Array(0), btid: '', lifetime: '' });
    assert.throws(() => encodeGbaBp(p, 20), EncodeError);
  });

  it('EF_GBANL records: 80 NAF_ID 81 B-TID', () => {
    const e = { nafId: fromHex('626d73630100000001'), btid: 'x@bsf' };
    const rec = encodeGbaNlRecord(e, 32);
    assert.equal(toHex(rec.subarray(0, 18)), '8009626d7363010000000181057840627366');
    assert.deepEqual(decodeGbaNlRecord(rec), e);
    assert.equal(decodeGbaNlRecord(new Uint8Array(32).fill(0xff)), null);
  });

  it('EF_MSK records: Key Domain ID, count, {MSK ID, TS counter}', () => {
    const r = { keyDomainId: fromHex('00f110'), msks: [{ mskId: 0x00010002, tsCounter: 7 }] };
    const enc = encodeMskRecord(r, 20);
    assert.equal(toHex(enc), '00f11001' + '00010002' + '00000007' + 'ffffffffffffffff');
    assert.deepEqual(decodeMskRecord(enc), r);
    assert.equal(msksPerRecord(36), 4);
    assert.equal(decodeMskRecord(new Uint8Array(20).fill(0xff)), null);
    assert.throws(() => decodeMskRecord(fromHex('00f11002000100020000000')), DecodeError);
  });

  it('EF_MUK records: A0 { 80 IDr, 82 IDi } 81 TS counter', () => {
    const r = { idi: te.encode('bsm'), idr: te.encode('b@t'), tsCounter: 3 };
    const enc = encodeMukRecord(r, 32);
    assert.equal(toHex(enc.subarray(0, 18)), 'a00a' + '8003' + '624074' + '8203' + '62736d' + '8104' + '00000003');
    assert.deepEqual(decodeMukRecord(enc), r);
    assert.equal(decodeMukRecord(new Uint8Array(32).fill(0xff)), null);
  });
});

describe('usim codec: home network, Key Domain ID, MUK identity', () => {
  it('Key Domain ID = MCC||MNC in the TS 24.008 PLMN layout', () => {
    assert.equal(toHex(keyDomainId(homeNetwork('001010000000001', 2))), '00f110');
    assert.equal(toHex(keyDomainId(homeNetwork('310410123456789', 3))), '130014');
    assert.deepEqual(homeNetwork('262011234567890', 2), { mcc: '262', mnc: '01' });
  });

  it('[U] a MIKEY IDi names the MUK by the whole NAF_ID or by its FQDN alone; IDr must be the B-TID', () => {
    const stored = { nafId: new Uint8Array([...te.encode('bsm.example'), 1, 0, 0, 0, 1]), btid: te.encode('b@bsf') };
    assert.ok(mukIdMatches(stored.nafId, stored.btid, stored));
    assert.ok(mukIdMatches(te.encode('bsm.example'), te.encode('b@bsf'), stored));
    assert.ok(!mukIdMatches(te.encode('bsm.example'), te.encode('other@bsf'), stored));
    assert.ok(!mukIdMatches(te.encode('bsm.exampl'), te.encode('b@bsf'), stored));
  });
});
