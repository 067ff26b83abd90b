import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ALL_SERVICES,
  BSM_ELEMENT,
  BSM_MEDIA_TYPE,
  BSM_NAMESPACE,
  BSM_REQUEST_TYPE,
  buildDeregisterRequest,
  buildMskRequest,
  buildMskResponse,
  buildRegisterRequest,
  buildRegisterResponse,
  parseDeregisterRequest,
  parseMskRequest,
  parseMskResponse,
  parseRegisterRequest,
  parseRegisterResponse,
  parseXmlDocument,
  type MskStatus,
  type ServiceStatus,
} from '../../../../src/codec/xml/index.js';
import { fromHex, toHex } from '../../../../src/codec/hex.js';
import { expectDecodeError, expectEncodeError, mutated, onlyDecodeError, token, xmlText } from './helpers.js';

test('the confirmed names are the registered ones', () => {
  assert.deepEqual(BSM_MEDIA_TYPE, {
    register: 'application/mbms-register+xml',
    deregister: 'application/mbms-deregister+xml',
    registerResponse: 'application/mbms-register-response+xml',
    deregisterResponse: 'application/mbms-register-response+xml',
    mskRequest: 'application/mbms-msk+xml',
    mskResponse: 'application/mbms-msk-response+xml',
  });
  assert.equal(BSM_NAMESPACE.mskResponse, 'urn:3GPP:metadata:2005:MBMS:mskResponse');
  assert.deepEqual(BSM_REQUEST_TYPE, { register: 'register', deregister: 'deregister', mskRequest: 'msk-request' });
  assert.equal(ALL_SERVICES, 'urn:allServices');
});

test('builds the registration body of a Key Group 0 solicited pull', () => {
  assert.equal(
    buildRegisterRequest([ALL_SERVICES]),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<mbmsRegister xmlns="urn:3GPP:metadata:2005:MBMS:register">\n' +
      '  <serviceId>urn:allServices</serviceId>\n' +
      '</mbmsRegister>',
  );
  assert.deepEqual(parseRegisterRequest(buildRegisterRequest([ALL_SERVICES])), [ALL_SERVICES]);
});

test('builds an MSK request: Key Domain ID and MSK ID in base64', () => {
  // Key Domain ID = MCC||MNC (3 bytes); MSK ID = Key Group 0x0102 || Key Number 0.
  const xml = buildMskRequest([{ keyDomainId: fromHex('00f110'), mskId: fromHex('01020000') }]);
  assert.equal(
    xml,
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<mbmsMskRequest xmlns="urn:3GPP:metadata:2005:MBMS:mskRequest">\n' +
      '  <msk>\n' +
      '    <keyDomainID>APEQ</keyDomainID>\n' +
      '    <MSKID>AQIAAA==</MSKID>\n' +
      '  </msk>\n' +
      '</mbmsMskRequest>',
  );
  const [key] = parseMskRequest(xml);
  assert.equal(toHex(key!.keyDomainId), '00f110');
  assert.equal(toHex(key!.mskId), '01020000');
});

test('every body built carries its namespace and root from the names table', () => {
  const cases: Array<[string, string, string]> = [
    [buildRegisterRequest(['s']), BSM_ELEMENT.registerRoot, BSM_NAMESPACE.register],
    [buildDeregisterRequest(['s']), BSM_ELEMENT.deregisterRoot, BSM_NAMESPACE.deregister],
    [buildRegisterResponse([{ serviceId: 's', status: 200 }]), BSM_ELEMENT.registerResponseRoot, BSM_NAMESPACE.registerResponse],
    [buildMskRequest([{ keyDomainId: new Uint8Array(3), mskId: new Uint8Array(4) }]), BSM_ELEMENT.mskRequestRoot, BSM_NAMESPACE.mskRequest],
    [
      buildMskResponse([{ keyDomainId: new Uint8Array(3), mskId: new Uint8Array(4), status: 200 }]),
      BSM_ELEMENT.mskResponseRoot,
      BSM_NAMESPACE.mskResponse,
    ],
  ];
  for (const [xml, root, ns] of cases) {
    const el = parseXmlDocument(xml);
    assert.equal(el.local, root);
    assert.equal(el.namespace, ns);
  }
});

// ---- tolerant reading of what a real BSM may send ----

const REGISTER_RESPONSES: Array<[string, string, ServiceStatus[]]> = [
  [
    'our own layout',
    `<mbmsRegisterResponse xmlns="${BSM_NAMESPACE.registerResponse}"><serviceStatus><serviceId>urn:a</serviceId><status>200</status></serviceStatus><serviceStatus><serviceId>urn:b</serviceId><status>404</status><natureOfError>unknown service</natureOfError></serviceStatus></mbmsRegisterResponse>`,
    [
      { serviceId: 'urn:a', status: 200 },
      { serviceId: 'urn:b', status: 404, reason: 'unknown service' },
    ],
  ],
  [
    'another root, prefixes, whitespace, unknown elements, children reordered',
    `<?xml version="1.0"?>
<r:registerResponse xmlns:r="urn:elsewhere" build="7">
  <r:header><r:time>now</r:time></r:header>
  <r:serviceStatus>
    <r:status> 403 </r:status>
    <r:extra/>
    <r:serviceId>
      urn:c
    </r:serviceId>
  </r:serviceStatus>
</r:registerResponse>`,
    [{ serviceId: 'urn:c', status: 403 }],
  ],
  [
    "status with the reason phrase and no natureOfError",
    `<x><serviceStatus><serviceId>urn:d</serviceId><status>403 Forbidden</status></serviceStatus></x>`,
    [{ serviceId: 'urn:d', status: 403, reason: 'Forbidden' }],
  ],
  [
    'natureOfError wins over the phrase',
    `<x><serviceStatus><serviceId>urn:d</serviceId><status>403 Forbidden</status><natureOfError>not subscribed</natureOfError></serviceStatus></x>`,
    [{ serviceId: 'urn:d', status: 403, reason: 'not subscribed' }],
  ],
  ['no items at all', `<mbmsRegisterResponse xmlns="${BSM_NAMESPACE.registerResponse}"/>`, []],
];

for (const [name, body, expected] of REGISTER_RESPONSES) {
  test(`reads a registration response: ${name}`, () => {
    assert.deepEqual(parseRegisterResponse(body), expected);
  });
}

test('reads an MSK response with base64 wrapped over lines and an unknown sibling', () => {
  const body = `<mbmsMskResponse xmlns="urn:3GPP:metadata:2005:MBMS:mskResponse">
  <mskStatus><MSKID>
    AQIA
    AA==
  </MSKID><keyDomainID>APEQ</keyDomainID><status>200</status><validity>later</validity></mskStatus>
  <mskStatus><keyDomainID>APEQ</keyDomainID><MSKID>AQMAAA==</MSKID><status>401</status><natureOfError>MRK expired</natureOfError></mskStatus>
</mbmsMskResponse>`;
  const items = parseMskResponse(body);
  assert.deepEqual(
    items.map((i) => [toHex(i.keyDomainId), toHex(i.mskId), i.status, i.reason]),
    [
      ['00f110', '01020000', 200, undefined],
      ['00f110', '01030000', 401, 'MRK expired'],
    ],
  );
});

const item = (inner: string): string => `<mbmsRegisterResponse><serviceStatus>${inner}</serviceStatus></mbmsRegisterResponse>`;
const mskItem = (inner: string): string => `<mbmsMskResponse><mskStatus>${inner}</mskStatus></mbmsMskResponse>`;
const mskReq = (inner: string): string => `<mbmsMskRequest><msk>${inner}</msk></mbmsMskRequest>`;

const BAD: Array<[string, () => unknown, string]> = [
  ['register request with another root', () => parseRegisterRequest('<mbmsDeregister><serviceId>a</serviceId></mbmsDeregister>'), 'unexpected-root'],
  ['deregister request with another root', () => parseDeregisterRequest('<mbmsRegister><serviceId>a</serviceId></mbmsRegister>'), 'unexpected-root'],
  ['MSK request with another root', () => parseMskRequest('<mbmsRegister><serviceId>a</serviceId></mbmsRegister>'), 'unexpected-root'],
  ['register request without services', () => parseRegisterRequest('<mbmsRegister/>'), 'missing'],
  ['register request with an empty service', () => parseRegisterRequest('<mbmsRegister><serviceId>a</serviceId><serviceId> </serviceId></mbmsRegister>'), 'missing'],
  ['MSK request without keys', () => parseMskRequest('<mbmsMskRequest><other/></mbmsMskRequest>'), 'missing'],
  ['MSK request without MSKID', () => parseMskRequest(mskReq('<keyDomainID>APEQ</keyDomainID>')), 'missing'],
  ['MSK request without keyDomainID', () => parseMskRequest(mskReq('<MSKID>AQIAAA==</MSKID>')), 'missing'],
  ['keyDomainID of 4 bytes', () => parseMskRequest(mskReq('<keyDomainID>AQIDBA==</keyDomainID><MSKID>AQIAAA==</MSKID>')), 'bad-value'],
  ['MSKID of 3 bytes', () => parseMskRequest(mskReq('<keyDomainID>APEQ</keyDomainID><MSKID>AQIA</MSKID>')), 'bad-value'],
  ['MSKID not base64', () => parseMskRequest(mskReq('<keyDomainID>APEQ</keyDomainID><MSKID>01020000</MSKID>')), 'bad-value'],
  ['MSKID with bad padding', () => parseMskRequest(mskReq('<keyDomainID>APEQ</keyDomainID><MSKID>AQIAAA=</MSKID>')), 'bad-value'],
  ['MSKID in base64url', () => parseMskRequest(mskReq('<keyDomainID>APEQ</keyDomainID><MSKID>_-IAAA==</MSKID>')), 'bad-value'],
  ['item without status', () => parseRegisterResponse(item('<serviceId>a</serviceId>')), 'missing'],
  ['item without service', () => parseRegisterResponse(item('<status>200</status>')), 'missing'],
  ['status in words', () => parseRegisterResponse(item('<serviceId>a</serviceId><status>OK</status>')), 'bad-value'],
  ['status 700', () => parseRegisterResponse(item('<serviceId>a</serviceId><status>700</status>')), 'bad-value'],
  ['status 99', () => parseRegisterResponse(item('<serviceId>a</serviceId><status>99</status>')), 'bad-value'],
  ['status 2000', () => parseRegisterResponse(item('<serviceId>a</serviceId><status>2000</status>')), 'bad-value'],
  ['status 200OK', () => parseRegisterResponse(item('<serviceId>a</serviceId><status>200OK</status>')), 'bad-value'],
  ['MSK item without status', () => parseMskResponse(mskItem('<keyDomainID>APEQ</keyDomainID><MSKID>AQIAAA==</MSKID>')), 'missing'],
  ['MSK item with a short MSKID', () => parseMskResponse(mskItem('<keyDomainID>APEQ</keyDomainID><MSKID>AQ==</MSKID><status>200</status>')), 'bad-value'],
  ['a response that is not XML', () => parseRegisterResponse('200 OK'), 'malformed'],
  ['a response with a DOCTYPE', () => parseMskResponse('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'), 'forbidden'],
];

for (const [name, fn, reason] of BAD) {
  test(`refuses: ${name}`, () => {
    expectDecodeError(fn, reason);
  });
}

test('refuses to build what cannot be read back', () => {
  const kd = new Uint8Array(3);
  const id = new Uint8Array(4);
  expectEncodeError(() => buildRegisterRequest([]));
  expectEncodeError(() => buildDeregisterRequest([]));
  expectEncodeError(() => buildRegisterRequest(['']));
  expectEncodeError(() => buildRegisterRequest(['urn:a ']));
  expectEncodeError(() => buildRegisterRequest(['\nurn:a']));
  expectEncodeError(() => buildRegisterRequest(['urn:\u0000']));
  expectEncodeError(() => buildRegisterRequest(['urn:\uD800']));
  expectEncodeError(() => buildMskRequest([]));
  expectEncodeError(() => buildMskRequest([{ keyDomainId: new Uint8Array(2), mskId: id }]));
  expectEncodeError(() => buildMskRequest([{ keyDomainId: kd, mskId: new Uint8Array(5) }]));
  expectEncodeError(() => buildRegisterResponse([]));
  expectEncodeError(() => buildRegisterResponse([{ serviceId: 'a', status: 42 }]));
  expectEncodeError(() => buildRegisterResponse([{ serviceId: 'a', status: 200.5 }]));
  expectEncodeError(() => buildRegisterResponse([{ serviceId: 'a', status: 404, reason: 'bad\u0007' }]));
  expectEncodeError(() => buildMskResponse([]));
  expectEncodeError(() => buildMskResponse([{ keyDomainId: kd, mskId: id, status: 600 }]));
});

test('a reason is written trimmed, and an all-blank reason not at all', () => {
  const xml = buildRegisterResponse([
    { serviceId: 'a', status: 404, reason: '  gone \n' },
    { serviceId: 'b', status: 500, reason: ' \t ' },
  ]);
  assert.deepEqual(parseRegisterResponse(xml), [
    { serviceId: 'a', status: 404, reason: 'gone' },
    { serviceId: 'b', status: 500 },
  ]);
});

// ---- properties ----

const serviceIds = fc.array(token(40), { minLength: 1, maxLength: 8 });
const status = fc.integer({ min: 100, max: 599 });
/** Reasons as they read back: trimmed, and absent rather than empty. */
const reason = fc.option(
  xmlText(30).map((s) => s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '')).filter((s) => s !== ''),
  { nil: undefined },
);
const withReason = <T extends object>(base: T, r: string | undefined): T & { reason?: string } =>
  r === undefined ? base : { ...base, reason: r };
const mskRef = fc.record({
  keyDomainId: fc.uint8Array({ minLength: 3, maxLength: 3 }),
  mskId: fc.uint8Array({ minLength: 4, maxLength: 4 }),
});
const plain = (k: { keyDomainId: Uint8Array; mskId: Uint8Array }): [string, string] => [toHex(k.keyDomainId), toHex(k.mskId)];

test('property: registration and deregistration bodies round-trip any service IDs (XML specials, unicode)', () => {
  fc.assert(
    fc.property(serviceIds, (ids) => {
      assert.deepEqual(parseRegisterRequest(buildRegisterRequest(ids)), ids);
      assert.deepEqual(parseDeregisterRequest(buildDeregisterRequest(ids)), ids);
      assert.deepEqual(parseRegisterRequest(Buffer.from(buildRegisterRequest(ids))), ids);
    }),
    { numRuns: 5000 },
  );
});

test('property: registration responses round-trip', () => {
  const items = fc.array(
    fc.tuple(token(40), status, reason).map(([serviceId, s, r]) => withReason({ serviceId, status: s }, r)),
    { minLength: 1, maxLength: 6 },
  );
  fc.assert(
    fc.property(items, (its: ServiceStatus[]) => {
      assert.deepEqual(parseRegisterResponse(buildRegisterResponse(its)), its);
    }),
    { numRuns: 5000 },
  );
});

test('property: MSK requests and responses round-trip', () => {
  const responses = fc.array(
    fc.tuple(mskRef, status, reason).map(([k, s, r]) => withReason({ ...k, status: s }, r)),
    { minLength: 1, maxLength: 6 },
  );
  fc.assert(
    fc.property(fc.array(mskRef, { minLength: 1, maxLength: 6 }), responses, (keys, its: MskStatus[]) => {
      assert.deepEqual(parseMskRequest(buildMskRequest(keys)).map(plain), keys.map(plain));
      const back = parseMskResponse(buildMskResponse(its));
      assert.deepEqual(
        back.map((b) => [...plain(b), b.status, b.reason]),
        its.map((b) => [...plain(b), b.status, b.reason]),
      );
    }),
    { numRuns: 5000 },
  );
});

test('property: edited BSM bodies only ever raise DecodeError, whichever reader gets them', () => {
  const readers = [parseRegisterRequest, parseDeregisterRequest, parseMskRequest, parseRegisterResponse, parseMskResponse];
  const bodies = fc.oneof(
    serviceIds.map((ids) => buildRegisterRequest(ids)),
    serviceIds.map((ids) => buildDeregisterRequest(ids)),
    fc.array(mskRef, { minLength: 1, maxLength: 3 }).map((ks) => buildMskRequest(ks)),
    fc.array(mskRef, { minLength: 1, maxLength: 3 }).map((ks) => buildMskResponse(ks.map((k) => ({ ...k, status: 200 })))),
    serviceIds.map((ids) => buildRegisterResponse(ids.map((serviceId) => ({ serviceId, status: 403, reason: '<&>' })))),
  );
  fc.assert(
    fc.property(
      bodies.chain((b) => mutated(b)),
      (doc) => {
        for (const read of readers) onlyDecodeError(() => read(doc));
      },
    ),
    { numRuns: 6000 },
  );
});
