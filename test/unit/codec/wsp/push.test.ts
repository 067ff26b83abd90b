import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecodeError, EncodeError } from '../../../../src/codec/errors.js';
import { fromHex, toHex } from '../../../../src/codec/hex.js';
import {
  decodeWspPush,
  encodeWspPush,
  renderWspTree,
  wspApplicationIdCode,
  wspApplicationIdName,
  wspContentTypeCode,
  wspContentTypeName,
  wspPushToJson,
} from '../../../../src/codec/wsp/index.js';
import { deliverUserData } from './sms-user-data.js';
import { readVector, solicitedPull } from './vectors.js';

function throwsDecode(hex: string, reason: string, offset?: number): void {
  assert.throws(
    () => decodeWspPush(fromHex(hex)),
    (e: unknown) => e instanceof DecodeError && e.reason === reason && (offset === undefined || e.offset === offset),
  );
}

describe('WSP push: the minimal LTKM push (SPEC §2)', () => {
  const mikey = fromHex(solicitedPull().mikey);
  const pdu = new Uint8Array([0x2a, 0x06, 0x03, 0xd2, 0xaf, 0x93, ...mikey]);

  it('decodes TID, Push, application/mikey (0x52) and bcast.ua (0x13)', () => {
    const p = decodeWspPush(pdu);
    assert.equal(p.tid, 0x2a);
    assert.equal(p.pduType, 'push');
    assert.equal(p.contentType, 'application/mikey');
    assert.equal(p.contentTypeCode, 0x52);
    assert.deepEqual(p.contentTypeParams, {});
    assert.equal(p.applicationId, 'x-oma-application:bcast.ua');
    assert.equal(p.applicationIdCode, 0x13);
    assert.deepEqual(p.headers, [{ name: 'X-Wap-Application-Id', value: 'x-oma-application:bcast.ua' }]);
    assert.deepEqual(p.body, mikey);
  });

  it('encodes the same bytes from names', () => {
    const out = encodeWspPush({
      tid: 0x2a,
      contentType: 'application/mikey',
      applicationId: 'x-oma-application:bcast.ua',
      body: mikey,
    });
    assert.equal(toHex(out), toHex(pdu));
  });

  it('encodes the same bytes from the numeric application id', () => {
    const out = encodeWspPush({ tid: 0x2a, contentType: 'application/mikey', applicationId: 0x13, body: mikey });
    assert.equal(toHex(out), toHex(pdu));
  });
});

describe('WSP push: oFono wap_push_1 (test/vectors/sms-pdus.tsv)', () => {
  const row = readVector('sms-pdus.tsv')
    .split('\n')
    .map((l) => l.split('\t'))
    .find((cols) => cols[0]?.includes('Test WAP Push 1'));
  assert.ok(row, 'vector row present');
  const { udh, payload } = deliverUserData(row[1]!);

  it('starts after the 7-byte port UDH', () => {
    assert.equal(toHex(udh), '0605040b8423f0');
    assert.equal(toHex(payload.subarray(0, 4)), '01062461');
  });

  it('decodes TID=1, Push, text content type, X-Wap-Application-Id 0x84 → mms.ua', () => {
    const p = decodeWspPush(payload);
    assert.equal(p.tid, 1);
    assert.equal(p.pduType, 'push');
    assert.equal(p.contentType, 'application/vnd.wap.mms-message');
    assert.equal(p.contentTypeCode, null, 'sent as text, not as 0x3E');
    assert.equal(p.applicationId, 'x-wap-application:mms.ua');
    assert.equal(p.applicationIdCode, 0x04);
    assert.deepEqual(p.headers, [
      { name: 'X-Wap-Application-Id', value: 'x-wap-application:mms.ua' },
      { name: 'Push-Flag', value: '6' },
    ]);
    // Body = the MMS m-notification-ind (X-Mms-Message-Type 0x8C = 0x82).
    assert.equal(toHex(p.body.subarray(0, 2)), '8c82');
    assert.equal(p.body.length, payload.length - 3 - 0x24);
  });

  it('re-encodes with the well-known code 0x3E and decodes to the same fields', () => {
    const p = decodeWspPush(payload);
    const again = encodeWspPush(p);
    assert.equal(toHex(again.subarray(0, 6)), '010605beaf84');
    const q = decodeWspPush(again);
    assert.deepEqual({ ...q, contentTypeCode: null }, p);
    assert.equal(q.contentTypeCode, 0x3e);
  });

  it('JSON view and tree', () => {
    const p = decodeWspPush(payload);
    const j = wspPushToJson(p);
    assert.equal(j.tid, 1);
    assert.equal(j.pduType, 'push');
    assert.equal(j.contentType, 'application/vnd.wap.mms-message');
    assert.equal(j.applicationId, 'x-wap-application:mms.ua');
    assert.equal(j.body, toHex(p.body));
    assert.deepEqual(JSON.parse(JSON.stringify(j)), j, 'JSON-safe');
    const tree = renderWspTree(p);
    assert.equal(tree[0], 'WSP Push TID=1');
    assert.ok(tree.includes('  Content-Type: application/vnd.wap.mms-message (text)'));
    assert.ok(tree.includes('    Push-Flag: 6'));
    assert.ok(tree.includes(`  Body: ${p.body.length} byte(s)`));
  });
});

describe('WSP push: the solicited pull carried in two SMS segments (solicited-pull.json)', () => {
  const v = solicitedPull();
  const parts = v.smsDeliverPdus.map(deliverUserData);

  it('concatenated segment payloads decode to the expected push with the MIKEY body', () => {
    for (const part of parts) assert.equal(toHex(part.udh.subarray(0, 7)), '0b05040b8423f0');
    const wsp = new Uint8Array(parts.flatMap((x) => [...x.payload]));
    const p = decodeWspPush(wsp);
    assert.equal(p.tid, v.expect.push.tid);
    assert.equal(p.pduType, v.expect.push.pduType);
    assert.equal(p.contentType, v.expect.push.contentType);
    assert.equal(p.applicationId, v.expect.push.applicationId);
    assert.equal(toHex(p.body), v.mikey.toLowerCase());
  });
});

describe('WSP push: content type forms', () => {
  // OMA Client Provisioning push as sent by an operator (public SMS-gateway sample): general form
  // with Length-quote 0x1F + uintvar 0x2D, well-known media 0x36, SEC (0x11) and MAC (0x12) params.
  const cp =
    '01062F1F2DB6918192313735413139353942374531433034323431343433464238353737363939383234424545323235440003' +
    '0B6A00C5';
  // Nokia OTA browser settings push (same source): Value-length 0x2A, text media, Charset 0x81 = utf-8.
  const ota = '01062c1f2a6170706c69636174696f6e2f782d7761702d70726f762e62726f777365722d73657474696e67730081ea01016a00';

  it('general form, 31 + uintvar length, well-known media, typed params', () => {
    const p = decodeWspPush(fromHex(cp));
    assert.equal(p.contentType, 'application/vnd.wap.connectivity-wbxml');
    assert.equal(p.contentTypeCode, 0x36);
    assert.deepEqual(p.contentTypeParams, { sec: '1', mac: '175A1959B7E1C04241443FB8577699824BEE225D' });
    assert.equal(p.applicationId, null);
    assert.deepEqual(p.headers, []);
    assert.equal(toHex(p.body), '030b6a00c5');
    assert.equal(toHex(encodeWspPush(p)), cp.toLowerCase());
  });

  it('general form, short value-length, text media, charset param', () => {
    const p = decodeWspPush(fromHex(ota));
    assert.equal(p.contentType, 'application/x-wap-prov.browser-settings');
    assert.equal(p.contentTypeCode, null);
    assert.deepEqual(p.contentTypeParams, { charset: 'utf-8' });
    assert.equal(toHex(encodeWspPush(p)), ota);
  });

  const forms: Array<[string, string, string, number | null, Record<string, string>]> = [
    ['constrained short-integer', '0106 01 D2', 'application/mikey', 0x52, {}],
    ['constrained text', '0106 12 6170706C69636174696F6E2F6D696B657900', 'application/mikey', null, {}],
    ['text with 0x7F quote', '0106 04 7F612F00', 'a/', null, {}],
    ['general form, short-integer media + charset', '0106 04 03 D2 81 EA', 'application/mikey', 0x52, { charset: 'utf-8' }],
    ['general form, long-integer media 0x031B', '0106 04 03 02 03 1B', 'application/vnd.oma.bcast.provisioningtrigger', 0x031b, {}],
    ['general form, untyped text param', '0106 06 05 D2 6B00 7600', 'application/mikey', 0x52, { k: 'v' }],
    ['general form, untyped integer param', '0106 05 04 D2 6B 00 85', 'application/mikey', 0x52, { k: '5' }],
    ['general form, q-value and quoted text', '0106 08 07 D2 80 33 99 22 78 00', 'application/mikey', 0x52, { q: '0.5', start: 'x' }],
    ['unassigned well-known media', '0106 01 FF', '0x7f', 0x7f, {}],
  ];
  for (const [name, hex, ct, code, params] of forms) {
    it(name, () => {
      const p = decodeWspPush(fromHex(hex));
      assert.equal(p.contentType, ct);
      assert.equal(p.contentTypeCode, code);
      assert.deepEqual(p.contentTypeParams, params);
      // Re-encoding prefers the well-known code, so only the code may differ.
      const q = decodeWspPush(encodeWspPush(p));
      assert.deepEqual({ ...q, contentTypeCode: p.contentTypeCode }, p);
    });
  }
});

describe('WSP push: headers', () => {
  it('text X-Wap-Application-Id is kept verbatim, with no code', () => {
    const app = Buffer.from('x-oma-application:bcast.ua\0').toString('hex');
    const len = (2 + app.length / 2).toString(16).padStart(2, '0');
    const p = decodeWspPush(fromHex(`0006${len}D2AF${app}01`));
    assert.equal(p.applicationId, 'x-oma-application:bcast.ua');
    assert.equal(p.applicationIdCode, null);
    assert.deepEqual(p.body, Uint8Array.of(1));
  });

  it('long-integer application id (0x9023) and unknown codes', () => {
    assert.equal(decodeWspPush(fromHex('0106 05 D2 AF 02 90 23')).applicationId, 'x-3gpp:mbms.service.announcement.ua');
    const p = decodeWspPush(fromHex('0106 05 D2 AF 02 70 00'));
    assert.equal(p.applicationId, '0x7000');
    assert.equal(p.applicationIdCode, 0x7000);
    assert.equal(toHex(encodeWspPush(p)), '010605d2af027000');
  });

  it('keeps every header in order; unknown ones as hex', () => {
    const hex =
      '0107 1E D2' +
      'AF93' + // X-Wap-Application-Id
      '92 04 5F5E1000' + // Date 1600000000
      'C0 22 6964 00' + // Content-ID "id"
      'FE 02 AABB' + // unassigned 0x7E with a 2-byte value
      'FD 85' + // unassigned 0x7D short-integer
      '582D466F6F 00 626172 00'; // application header X-Foo: bar
    const p = decodeWspPush(fromHex(hex));
    assert.equal(p.pduType, 'confirmed-push');
    assert.deepEqual(p.headers, [
      { name: 'X-Wap-Application-Id', value: 'x-oma-application:bcast.ua' },
      { name: 'Date', value: '2020-09-13T12:26:40Z' },
      { name: 'Content-ID', value: 'id' },
      { name: '0x7e', value: '02aabb' },
      { name: '0x7d', value: '85' },
      { name: 'X-Foo', value: 'bar' },
    ]);
    assert.equal(toHex(encodeWspPush(p)), hex.replace(/ /g, '').toLowerCase());
  });

  it('Content-Length, X-Wap-Initiator-URI and long integers', () => {
    const uri = Buffer.from('http://bsm.example/\0').toString('hex');
    const body = `D2 8D 02 0100 B1 ${uri}`;
    const len = fromHex(body).length.toString(16).padStart(2, '0');
    const p = decodeWspPush(fromHex(`0106${len}${body}`));
    assert.deepEqual(p.headers, [
      { name: 'Content-Length', value: '256' },
      { name: 'X-Wap-Initiator-URI', value: 'http://bsm.example/' },
    ]);
  });
});

describe('WSP push: malformed input is a DecodeError', () => {
  it('HeadersLen must fit inside the PDU', () => throwsDecode('0106 05 D2AF93', 'bad-length', 2));
  it('uintvar longer than 5 octets', () => throwsDecode('0106 808080808001 D2', 'overlong', 2));
  it('uintvar above 32 bits', () => throwsDecode('0106 9FFFFFFF7F D2', 'overlong', 2));
  it('PDU type other than Push / ConfirmedPush', () => throwsDecode('0104 01 D2', 'unsupported', 1));
  it('empty headers: no content type', () => throwsDecode('0106 00', 'truncated', 3));
  it('content type text without NUL', () => throwsDecode('0106 02 6162', 'truncated'));
  it('value-length running past HeadersLen', () => throwsDecode('0106 03 05 D281EA', 'truncated'));
  it('header code page shift', () => throwsDecode('0106 03 D2 7F 02', 'unsupported', 4));
  it('integer header with a text value', () => throwsDecode('0106 04 D2 8D 4100', 'bad-value', 5));
  it('application header with a binary value', () => throwsDecode('0106 04 D2 4100 85', 'bad-value', 6));
  it('empty input', () => throwsDecode('', 'truncated', 0));
});

describe('WSP push: encoder refuses what it cannot send', () => {
  const base = { tid: 1, contentType: 'application/mikey', body: new Uint8Array() };
  const cases: Array<[string, Parameters<typeof encodeWspPush>[0]]> = [
    ['TID above 255', { ...base, tid: 256 }],
    ['empty content type', { ...base, contentType: '' }],
    ['NUL in a text', { ...base, contentType: 'a\0b' }],
    ['integer header with text', { ...base, headers: [{ name: 'Content-Length', value: 'many' }] }],
    ['raw header value that is not one WSP value', { ...base, headers: [{ name: '0x7e', value: '8182' }] }],
    ['date that is not whole seconds', { ...base, headers: [{ name: 'Date', value: '2020-01-01T00:00:00.5Z' }] }],
    ['q-value of 1', { ...base, contentTypeParams: { q: '1' } }],
    ['negative application id', { ...base, applicationId: -1 }],
  ];
  for (const [name, input] of cases) {
    it(name, () => assert.throws(() => encodeWspPush(input), EncodeError));
  }
});

describe('WSP tables', () => {
  it('know the codes SPEC §2 relies on, both ways', () => {
    assert.equal(wspContentTypeCode('application/mikey'), 0x52);
    assert.equal(wspContentTypeCode('Application/Vnd.Wap.MMS-Message'), 0x3e, 'names are case-insensitive');
    assert.equal(wspContentTypeName(0x3e), 'application/vnd.wap.mms-message');
    assert.equal(wspContentTypeName(0x60), '0x60');
    assert.equal(wspContentTypeCode('0x60'), 0x60);
    assert.equal(wspContentTypeCode('application/x-unknown'), null);
    assert.equal(wspApplicationIdCode('x-oma-application:bcast.ua'), 0x13);
    assert.equal(wspApplicationIdName(0x04), 'x-wap-application:mms.ua');
    assert.equal(wspApplicationIdCode('x-my-app'), null);
  });
});
