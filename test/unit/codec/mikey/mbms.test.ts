import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex, toHex } from '../../../../src/codec/hex.js';
import {
  buildMskMessage,
  buildMtkMessage,
  buildSolicitedPull,
  buildVerificationMessage,
  decodeKeyIdInfo,
  decodeMikey,
  describeMbms,
  encodeKeyIdInfo,
  encodeMikey,
  MIKEY_ENCR_ALG,
  MIKEY_EXT_TYPE,
  MIKEY_OMA_BCAST_SUBTYPE,
  mikeyToJson,
  omaBcastExt,
  renderMikeyTree,
  type ExtPayload,
  type MikeyMessage,
  type MskMessageParams,
} from '../../../../src/codec/mikey/index.js';

const kdid = fromHex('00f110');
const msk: MskMessageParams = {
  csbId: 0x0a0b0c0d,
  counter: 9,
  rand: fromHex('00112233445566778899aabbccddeeff'),
  idi: 'bsm.operator.example',
  idr: 'btid@bsf.example',
  keyDomainId: kdid,
  mskId: { keyGroup: 0x0102, keyNumber: 0x0304 },
  v: true,
  encrAlg: MIKEY_ENCR_ALG.AES_CM_128,
  encryptedKeyData: fromHex('deadbeef'),
};
/** Through the wire and back, so the description is of what a terminal would receive. */
const wire = (m: MikeyMessage) => decodeMikey(encodeMikey(m));
const pick = (d: { idi: string | null; idr: string | null }) => [d.idi, d.idr];
const withKeyId = (data: string): MikeyMessage => {
  const m = buildMskMessage(msk);
  return {
    ...m,
    payloads: m.payloads.map((p) => (p.type === 'EXT' ? { type: 'EXT', extType: MIKEY_EXT_TYPE.KEY_ID, data: fromHex(data.replace(/ /g, '')) } : p)),
  };
};

describe('MBMS: builders lay payloads out in the SPEC §3.3 order', () => {
  it('MSK message: HDR T RAND IDi IDr EXT(Key ID) [EXT] KEMAC', () => {
    const m = buildMskMessage({ ...msk, extensions: [omaBcastExt(MIKEY_OMA_BCAST_SUBTYPE.LTKM, fromHex('c0ffee'))] });
    assert.deepEqual(
      m.payloads.map((p) => p.type),
      ['T', 'RAND', 'ID', 'ID', 'EXT', 'EXT', 'KEMAC'],
    );
    assert.deepEqual(m.hdr, {
      type: 'HDR',
      version: 1,
      dataType: 0,
      v: true,
      prf: 0,
      csbId: 0x0a0b0c0d,
      csIdMap: { mapType: 1, csCount: 0 },
    });
    const ext = m.payloads[4] as ExtPayload;
    // RFC 4563: EXT type 3, sub-payloads Key ID Type(1) | Key ID Length(1) | Key ID.
    assert.equal(ext.extType, 3);
    assert.equal(toHex(ext.data), '00' + '03' + '00f110' + '01' + '04' + '01020304');
    assert.ok(toHex(encodeMikey(m)).includes('15' + '03' + '000b' + '000300f110' + '010401020304'), 'EXT header: next payload, type 3, length 11');
    const bytes = toHex(encodeMikey(m));
    assert.ok(bytes.startsWith('010005' + '80' + '0a0b0c0d' + '00' + '01'), 'HDR V bit set, empty map');
    assert.ok(bytes.endsWith('01' + '0004' + 'deadbeef' + '01' + '00'.repeat(20)), 'KEMAC AES-CM, MAC zeroed');
  });

  it('MTK message: HDR T EXT(Key ID) KEMAC, no RAND', () => {
    const m = buildMtkMessage({
      csbId: 1,
      counter: 2,
      keyDomainId: kdid,
      mskId: { keyGroup: 1, keyNumber: 2 },
      mtkId: 0x0304,
      encrAlg: MIKEY_ENCR_ALG.AES_CM_128,
      encryptedKeyData: fromHex('aa'),
    });
    assert.deepEqual(
      m.payloads.map((p) => p.type),
      ['T', 'EXT', 'KEMAC'],
    );
    assert.equal((m.payloads[1] as ExtPayload).extType, 3);
    assert.equal(toHex((m.payloads[1] as ExtPayload).data), '000300f110' + '010400010002' + '02020304');
  });

  it('verification message: data type 1, V clear, T, V', () => {
    const m = buildVerificationMessage({ csbId: 5, counter: 9 });
    assert.equal(m.hdr.dataType, 1);
    assert.equal(m.hdr.v, false);
    assert.deepEqual(
      m.payloads.map((p) => p.type),
      ['T', 'V'],
    );
  });
});

describe('MBMS: describeMbms', () => {
  it('MSK message', () => {
    const d = describeMbms(wire(buildMskMessage(msk)));
    assert.deepEqual(d, {
      kind: 'msk',
      keyDomainId: '00f110',
      mskId: { keyGroup: 0x0102, keyNumber: 0x0304 },
      mtkId: null,
      tsCounter: 9,
      rand: '00112233445566778899aabbccddeeff',
      idi: 'bsm.operator.example',
      idr: 'btid@bsf.example',
      kemac: { encrAlg: 'AES-CM-128', encrDataLength: 4, macAlg: 'HMAC-SHA-1-160' },
      solicitedPull: false,
      warnings: [],
    });
  });

  it('IDs: ASCII as it is, UTF-8 decoded, bytes that are not UTF-8 as U+FFFD', () => {
    const ids = (idi: string | Uint8Array, idr: string | Uint8Array) => describeMbms(wire(buildMskMessage({ ...msk, idi, idr })));
    assert.deepEqual(pick(ids('bsm.op.example', 'QUJD@bsf.mnc001.mcc001.pub.3gppnetwork.org')), ['bsm.op.example', 'QUJD@bsf.mnc001.mcc001.pub.3gppnetwork.org']);
    assert.deepEqual(pick(ids('bsm.ü.example', 'b@bsf')), ['bsm.ü.example', 'b@bsf']);
    assert.deepEqual(pick(ids(fromHex('61ff62'), fromHex('c3'))), ['a\ufffdb', '\ufffd']);
  });

  it('MTK message', () => {
    const m = buildMtkMessage({
      csbId: 1,
      counter: 77,
      keyDomainId: kdid,
      mskId: { keyGroup: 1, keyNumber: 2 },
      mtkId: 0x0304,
      encrAlg: MIKEY_ENCR_ALG.AES_KW_128,
      encryptedKeyData: fromHex('aabb'),
    });
    const d = describeMbms(wire(m));
    assert.equal(d.kind, 'mtk');
    assert.equal(d.keyDomainId, '00f110');
    assert.deepEqual(d.mskId, { keyGroup: 1, keyNumber: 2 });
    assert.equal(d.mtkId, 0x0304);
    assert.equal(d.tsCounter, 77);
    assert.equal(d.rand, null);
    assert.deepEqual(d.kemac, { encrAlg: 'AES-KW-128', encrDataLength: 2, macAlg: 'HMAC-SHA-1-160' });
    assert.equal(d.solicitedPull, false);
  });

  it('verification and error messages', () => {
    assert.equal(describeMbms(wire(buildVerificationMessage({ csbId: 1, counter: 1 }))).kind, 'verification');
    const err = decodeMikey(fromHex('01 06 0C 00 00000001 00 01  00 03 0000'.replace(/ /g, '')));
    assert.equal(describeMbms(err).kind, 'error');
  });

  it('solicited pull: Key Number 0, encr data length 0, V clear; any other value is not one', () => {
    const pull = { csbId: 1, counter: 2, rand: msk.rand, idi: 'a', idr: 'b', keyDomainId: kdid };
    assert.equal(describeMbms(wire(buildSolicitedPull({ ...pull, keyGroup: 0 }))).solicitedPull, true);
    const group7 = describeMbms(wire(buildSolicitedPull({ ...pull, keyGroup: 7 })));
    assert.equal(group7.solicitedPull, true);
    assert.deepEqual(group7.mskId, { keyGroup: 7, keyNumber: 0 });
    const base = { ...msk, mskId: { keyGroup: 0, keyNumber: 0 }, v: false, encryptedKeyData: new Uint8Array() };
    assert.equal(describeMbms(wire(buildMskMessage(base))).solicitedPull, true);
    assert.equal(describeMbms(wire(buildMskMessage({ ...base, v: true }))).solicitedPull, false);
    assert.equal(describeMbms(wire(buildMskMessage({ ...base, mskId: { keyGroup: 0, keyNumber: 1 } }))).solicitedPull, false);
    assert.equal(describeMbms(wire(buildMskMessage({ ...base, encryptedKeyData: fromHex('00') }))).solicitedPull, false);
  });

  it('accepts an MSK ID alone, taking the Key Domain ID from the home network', () => {
    const m = wire(withKeyId('01 04 00070008'));
    assert.deepEqual(describeMbms(m).mskId, { keyGroup: 7, keyNumber: 8 });
    assert.equal(describeMbms(m).keyDomainId, null);
    assert.equal(describeMbms(m, { homeKeyDomainId: fromHex('21f354') }).keyDomainId, '21f354');
    assert.equal(describeMbms(m).kind, 'msk');
  });

  it('reads the sub-payloads in any order (RFC 4563: more than one Key ID Type sub-payload)', () => {
    const d = describeMbms(wire(withKeyId('02 02 0009  01 04 00070008  00 03 62f210')));
    assert.equal(d.kind, 'mtk');
    assert.equal(d.keyDomainId, '62f210');
    assert.deepEqual(d.mskId, { keyGroup: 7, keyNumber: 8 });
    assert.equal(d.mtkId, 9);
    assert.deepEqual(d.warnings, []);
  });

  it('accepts an MTK Key ID without the Key Domain ID', () => {
    const d = describeMbms(wire(withKeyId('01 04 00070008 02 02 0009')), { homeKeyDomainId: kdid });
    assert.equal(d.kind, 'mtk');
    assert.equal(d.keyDomainId, '00f110');
    assert.equal(d.mtkId, 9);
  });

  it('is tolerant: odd Key IDs are explained, not thrown', () => {
    const odd = describeMbms(wire(withKeyId('01 05 0102030405')));
    assert.equal(odd.kind, 'msk');
    assert.equal(odd.mskId, null);
    assert.deepEqual(odd.warnings, ['MSK ID of length 5 (expected 4)']);
    const short = describeMbms(wire(withKeyId('00 03 00f110 01 09 0102')));
    assert.equal(short.kind, 'unknown');
    assert.equal(short.keyDomainId, null, 'a truncated Key ID EXT is read as none at all');
    assert.equal(short.warnings.length, 1);
    assert.match(short.warnings[0] ?? '', /Key ID EXT: .*needs 9 byte/);
    const shortAfterOdd = describeMbms(wire(withKeyId('01 05 0102030405 02 02 00')));
    assert.deepEqual([shortAfterOdd.mskId, shortAfterOdd.mtkId, shortAfterOdd.warnings.length], [null, null, 1], 'no note on a sub-payload before the break');
    assert.match(shortAfterOdd.warnings[0] ?? '', /Key ID EXT: .*needs 2 byte/);
    const twice = describeMbms(wire(withKeyId('01 04 00070008 01 04 ffffffff')));
    assert.deepEqual(twice.mskId, { keyGroup: 7, keyNumber: 8 }, 'the first MSK ID is used');
    assert.deepEqual(twice.warnings, ['MSK ID given twice: the first is used']);
    const unknownType = describeMbms(wire(withKeyId('07 01 aa 01 04 00070008')));
    assert.deepEqual(unknownType.mskId, { keyGroup: 7, keyNumber: 8 });
    assert.deepEqual(unknownType.warnings, ['Key ID sub-payload of unknown type 7 ignored']);
    const domainOnly = describeMbms(wire(withKeyId('00 03 00f110')));
    assert.equal(domainOnly.kind, 'unknown', 'neither an MSK ID nor an MTK ID');
  });

  it('the former project layout (EXT type 4, 2-byte length) is not a Key ID: type 4 is CSB_ID (RFC 4738)', () => {
    const m = buildMskMessage(msk);
    const old = { type: 'EXT' as const, extType: 4, data: fromHex('01000700f11001020304') };
    const d = describeMbms(wire({ ...m, payloads: m.payloads.map((p) => (p.type === 'EXT' ? old : p)) }));
    assert.equal(d.kind, 'unknown');
    assert.equal(d.mskId, null);
  });

  it('a message without a Key ID is unknown', () => {
    const m = buildMskMessage(msk);
    const d = describeMbms(wire({ ...m, payloads: m.payloads.filter((p) => p.type !== 'EXT') }));
    assert.equal(d.kind, 'unknown');
    assert.equal(d.solicitedPull, false);
    assert.equal(d.tsCounter, 9);
  });
});

describe('MBMS: Key ID information (RFC 4563 Figure 2)', () => {
  it('encodes and decodes a sequence of Key ID Type sub-payloads', () => {
    const subs = [
      { keyIdType: 0, keyId: kdid },
      { keyIdType: 1, keyId: fromHex('00010002') },
      { keyIdType: 2, keyId: fromHex('0003') },
    ];
    assert.equal(toHex(encodeKeyIdInfo(subs)), '000300f110' + '010400010002' + '02020003');
    assert.deepEqual(decodeKeyIdInfo(encodeKeyIdInfo(subs)), subs);
    assert.deepEqual(decodeKeyIdInfo(new Uint8Array(0)), []);
    assert.throws(() => decodeKeyIdInfo(fromHex('0104aabb')), /Key ID: needs 4 byte/);
    assert.throws(() => encodeKeyIdInfo([{ keyIdType: 1, keyId: new Uint8Array(256) }]), /out of range/);
  });
});

describe('MBMS: JSON view', () => {
  it('EXT payloads show the Key ID and the opaque OMA BCAST extension', () => {
    const j = mikeyToJson(encodeMikey(buildMskMessage({ ...msk, extensions: [omaBcastExt(MIKEY_OMA_BCAST_SUBTYPE.STKM, fromHex('c0ffee'))] })));
    assert.deepEqual(j.payloads[5], {
      type: 'EXT',
      extType: 3,
      name: 'key-id',
      keyIds: [
        { keyIdType: 'keyDomainId', keyId: '00f110' },
        { keyIdType: 'mskId', keyId: '01020304' },
      ],
      data: '000300f110' + '010401020304',
    });
    assert.deepEqual(j.payloads[6], { type: 'EXT', extType: 5, name: 'oma-bcast', subtype: 'STKM', subtypeData: 'c0ffee', data: '02c0ffee' });
    assert.equal(j.kind, 'msk');
    assert.deepEqual(j.kemac, { encrAlg: 'AES-CM-128', encrDataLength: 4, macAlg: 'HMAC-SHA-1-160' });
  });

  it('a message object and its bytes give the same view (less decoder-only fields)', () => {
    const m = buildMskMessage(msk);
    const fromMsg = mikeyToJson(m);
    const fromBytes = mikeyToJson(encodeMikey(m));
    const last = fromBytes.payloads.at(-1)!;
    delete last['macOffset'];
    assert.deepEqual(fromMsg, fromBytes);
  });

  it('the tree shows the MBMS reading and warnings', () => {
    const tree = renderMikeyTree(wire(withKeyId('01 05 0102030405')));
    assert.ok(tree.some((l) => l.startsWith('  MBMS: msk ')));
    assert.ok(tree.includes('  warning: MSK ID of length 5 (expected 4)'));
  });

  it('shows CSB_ID (type 4), every OMA BCAST subtype (type 5) and an unregistered type as data only', () => {
    const m = buildMskMessage(msk);
    const exts = [
      { type: 'EXT' as const, extType: 4, data: fromHex('0a0b0c0d') },
      ...[1, 2, 3, 4, 9].map((st) => omaBcastExt(st, fromHex('aa'))),
      { type: 'EXT' as const, extType: 42, data: fromHex('01') },
    ];
    const j = mikeyToJson(encodeMikey({ ...m, payloads: [...m.payloads.slice(0, -1), ...exts, m.payloads.at(-1)!] }));
    const shown = j.payloads.filter((p) => p['type'] === 'EXT').slice(1);
    assert.deepEqual(shown[0], { type: 'EXT', extType: 4, name: 'csb-id', csbId: 0x0a0b0c0d, data: '0a0b0c0d' });
    assert.deepEqual(shown.slice(1, 6).map((p) => p['subtype']), ['LTKM', 'STKM', 'LTKM Reporting', 'Parental Control', 9]);
    assert.deepEqual(shown[6], { type: 'EXT', extType: 42, data: '01' });
  });
});
