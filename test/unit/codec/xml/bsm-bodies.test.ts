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
import { expectDecodeError, expectEncodeError, mutated, onlyDecodeError, token } from './helpers.js';

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

test('the element names are those of SPEC §7 (note serviceID)', () => {
  assert.deepEqual(BSM_ELEMENT, {
    registerRoot: 'mbmsSecurityRegister',
    deregisterRoot: 'mbmsSecurityDeregister',
    registerResponseRoot: 'mbmsSecurityRegisterResponse',
    mskRequestRoot: 'mbmsMSKRequest',
    mskResponseRoot: 'mbmsMSKResponse',
    serviceId: 'serviceID',
    response: 'Response',
    msk: 'MSK',
    keyDomainId: 'keyDomainID',
    mskId: 'MSKID',
    responseCode: 'ResponseCode',
  });
});

test('builds the registration body of a Key Group 0 solicited pull', () => {
  assert.equal(
    buildRegisterRequest([ALL_SERVICES]),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<mbmsSecurityRegister xmlns="urn:3GPP:metadata:2005:MBMS:register">\n' +
      '  <serviceID>urn:allServices</serviceID>\n' +
      '</mbmsSecurityRegister>',
  );
});

test('builds a deregistration body listing every service', () => {
  assert.equal(
    buildDeregisterRequest(['urn:a', 'urn:b']),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<mbmsSecurityDeregister xmlns="urn:3GPP:metadata:2005:MBMS:deregister">\n' +
      '  <serviceID>urn:a</serviceID>\n' +
      '  <serviceID>urn:b</serviceID>\n' +
      '</mbmsSecurityDeregister>',
  );
});

test('builds an MSK request: Key Domain ID and MSK ID in base64', () => {
  // Key Domain ID = MCC||MNC (3 bytes); MSK ID = Key Group 0x0102 || Key Number 0.
  assert.equal(
    buildMskRequest([{ keyDomainId: fromHex('00f110'), mskId: fromHex('01020000') }]),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<mbmsMSKRequest xmlns="urn:3GPP:metadata:2005:MBMS:mskRequest">\n' +
      '  <MSK>\n' +
      '    <keyDomainID>APEQ</keyDomainID>\n' +
      '    <MSKID>AQIAAA==</MSKID>\n' +
      '  </MSK>\n' +
      '</mbmsMSKRequest>',
  );
});

test('builds the answers the simulated BSM sends: one Response per item, a bare ResponseCode', () => {
  assert.equal(
    buildRegisterResponse([{ serviceId: 'urn:a', status: 200 }, { serviceId: 'urn:b', status: 403, reason: 'not bought' }]),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<mbmsSecurityRegisterResponse xmlns="urn:3GPP:metadata:2005:MBMS:registerResponse">\n' +
      '  <Response>\n    <serviceID>urn:a</serviceID>\n    <ResponseCode>200</ResponseCode>\n  </Response>\n' +
      '  <Response>\n    <serviceID>urn:b</serviceID>\n    <ResponseCode>403</ResponseCode>\n  </Response>\n' +
      '</mbmsSecurityRegisterResponse>',
  );
  assert.equal(
    buildMskResponse([{ keyDomainId: fromHex('00f110'), mskId: fromHex('01020003'), status: 200 }]),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<mbmsMSKResponse xmlns="urn:3GPP:metadata:2005:MBMS:mskResponse">\n' +
      '  <Response>\n' +
      '    <MSK>\n      <keyDomainID>APEQ</keyDomainID>\n      <MSKID>AQIAAw==</MSKID>\n    </MSK>\n' +
      '    <ResponseCode>200</ResponseCode>\n' +
      '  </Response>\n' +
      '</mbmsMSKResponse>',
  );
});

// ---- hand-written documents (not made by our writer): what each reader takes ----

const REQUESTS: Array<[string, (b: string) => string[], string, string[]]> = [
  ['registration, one service', parseRegisterRequest, '<mbmsSecurityRegister><serviceID>urn:allServices</serviceID></mbmsSecurityRegister>', ['urn:allServices']],
  [
    'registration, namespace prefix, whitespace, an unknown element',
    parseRegisterRequest,
    `<?xml version="1.0" encoding="UTF-8"?>
<m:mbmsSecurityRegister xmlns:m="urn:3GPP:metadata:2005:MBMS:register">
  <m:serviceID>
     urn:bcastd:sim:news
  </m:serviceID>
  <m:comment>ignored</m:comment>
  <m:serviceID>urn:bcastd:sim:sport</m:serviceID>
</m:mbmsSecurityRegister>`,
    ['urn:bcastd:sim:news', 'urn:bcastd:sim:sport'],
  ],
  ['deregistration, default namespace', parseDeregisterRequest, '<mbmsSecurityDeregister xmlns="urn:x"><serviceID>urn:a</serviceID><serviceID>urn:b</serviceID></mbmsSecurityDeregister>', ['urn:a', 'urn:b']],
];

for (const [name, read, body, expected] of REQUESTS) {
  test(`reads a request: ${name}`, () => {
    assert.deepEqual(read(body), expected);
  });
}

const MSK_REQUESTS: Array<[string, string, Array<[string, string]>]> = [
  ['one MSK', '<mbmsMSKRequest><MSK><keyDomainID>APEQ</keyDomainID><MSKID>AQIAAA==</MSKID></MSK></mbmsMSKRequest>', [['00f110', '01020000']]],
  [
    'two MSKs, children reversed, prefixes, base64 over lines',
    `<k:mbmsMSKRequest xmlns:k="urn:3GPP:metadata:2005:MBMS:mskRequest">
  <k:MSK><k:MSKID>
      AQIA
      AA==
  </k:MSKID><k:keyDomainID> APEQ </k:keyDomainID></k:MSK>
  <k:MSK><k:keyDomainID>MhQA</k:keyDomainID><k:MSKID>AwMAAQ==</k:MSKID></k:MSK>
</k:mbmsMSKRequest>`,
    [['00f110', '01020000'], ['321400', '03030001']],
  ],
];

for (const [name, body, expected] of MSK_REQUESTS) {
  test(`reads an MSK request: ${name}`, () => {
    assert.deepEqual(parseMskRequest(body).map((k) => [toHex(k.keyDomainId), toHex(k.mskId)]), expected);
  });
}

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

// ---- tolerant reading of what a real BSM may send (hand-written documents) ----

const REGISTER_RESPONSES: Array<[string, string, ServiceStatus[]]> = [
  [
    'the SPEC §7 layout, two items',
    `<mbmsSecurityRegisterResponse><Response><serviceID>urn:a</serviceID><ResponseCode>200</ResponseCode></Response><Response><serviceID>urn:b</serviceID><ResponseCode>404</ResponseCode></Response></mbmsSecurityRegisterResponse>`,
    [
      { serviceId: 'urn:a', status: 200 },
      { serviceId: 'urn:b', status: 404 },
    ],
  ],
  [
    'another root, prefixes, whitespace, unknown elements, children reordered',
    `<?xml version="1.0"?>
<r:registerResponse xmlns:r="urn:elsewhere" build="7">
  <r:header><r:time>now</r:time></r:header>
  <r:Response>
    <r:ResponseCode> 403 </r:ResponseCode>
    <r:extra/>
    <r:serviceID>
      urn:c
    </r:serviceID>
  </r:Response>
</r:registerResponse>`,
    [{ serviceId: 'urn:c', status: 403 }],
  ],
  [
    'a ResponseCode with a reason phrase',
    `<mbmsSecurityRegisterResponse xmlns="urn:3GPP:metadata:2005:MBMS:registerResponse"><Response><serviceID>urn:d</serviceID><ResponseCode>403 Forbidden</ResponseCode></Response></mbmsSecurityRegisterResponse>`,
    [{ serviceId: 'urn:d', status: 403, reason: 'Forbidden' }],
  ],
  ['no items at all', `<mbmsSecurityRegisterResponse xmlns="${BSM_NAMESPACE.registerResponse}"/>`, []],
];

for (const [name, body, expected] of REGISTER_RESPONSES) {
  test(`reads a registration response: ${name}`, () => {
    assert.deepEqual(parseRegisterResponse(body), expected);
  });
}

const MSK_RESPONSES: Array<[string, string, Array<[string, string, number, string | undefined]>]> = [
  [
    'the SPEC §7 layout',
    `<mbmsMSKResponse xmlns="urn:3GPP:metadata:2005:MBMS:mskResponse"><Response><MSK><keyDomainID>APEQ</keyDomainID><MSKID>AQIAAw==</MSKID></MSK><ResponseCode>200</ResponseCode></Response></mbmsMSKResponse>`,
    [['00f110', '01020003', 200, undefined]],
  ],
  [
    'base64 wrapped over lines, prefixes, an unknown sibling, ResponseCode first',
    `<s:mbmsMSKResponse xmlns:s="urn:3GPP:metadata:2005:MBMS:mskResponse">
  <s:Response>
    <s:ResponseCode>200</s:ResponseCode>
    <s:MSK><s:MSKID>
      AQIA
      AA==
    </s:MSKID><s:keyDomainID>APEQ</s:keyDomainID></s:MSK>
    <s:validity>later</s:validity>
  </s:Response>
  <s:Response><s:MSK><s:keyDomainID>APEQ</s:keyDomainID><s:MSKID>AQMAAA==</s:MSKID></s:MSK><s:ResponseCode>401 MRK expired</s:ResponseCode></s:Response>
</s:mbmsMSKResponse>`,
    [
      ['00f110', '01020000', 200, undefined],
      ['00f110', '01030000', 401, 'MRK expired'],
    ],
  ],
  // SPEC §7 [I]: MSKID holds at most 4 bytes; a shorter one is the same number, written without leading zeros.
  ['an MSKID of 2 bytes', '<mbmsMSKResponse><Response><MSK><keyDomainID>APEQ</keyDomainID><MSKID>AQI=</MSKID></MSK><ResponseCode>200</ResponseCode></Response></mbmsMSKResponse>', [['00f110', '00000102', 200, undefined]]],
  [
    'one Response answering two MSKs',
    '<mbmsMSKResponse><Response><MSK><keyDomainID>APEQ</keyDomainID><MSKID>AQIAAA==</MSKID></MSK><MSK><keyDomainID>APEQ</keyDomainID><MSKID>AQMAAA==</MSKID></MSK><ResponseCode>404</ResponseCode></Response></mbmsMSKResponse>',
    [
      ['00f110', '01020000', 404, undefined],
      ['00f110', '01030000', 404, undefined],
    ],
  ],
  ['no items at all', '<mbmsMSKResponse/>', []],
];

for (const [name, body, expected] of MSK_RESPONSES) {
  test(`reads an MSK response: ${name}`, () => {
    assert.deepEqual(
      parseMskResponse(body).map((i) => [toHex(i.keyDomainId), toHex(i.mskId), i.status, i.reason]),
      expected,
    );
  });
}

const item = (inner: string): string => `<mbmsSecurityRegisterResponse><Response>${inner}</Response></mbmsSecurityRegisterResponse>`;
const mskItem = (inner: string): string => `<mbmsMSKResponse><Response><MSK>${inner}</MSK><ResponseCode>200</ResponseCode></Response></mbmsMSKResponse>`;
const mskReq = (inner: string): string => `<mbmsMSKRequest><MSK>${inner}</MSK></mbmsMSKRequest>`;

const BAD: Array<[string, () => unknown, string]> = [
  ['register request with another root', () => parseRegisterRequest('<mbmsSecurityDeregister><serviceID>a</serviceID></mbmsSecurityDeregister>'), 'unexpected-root'],
  ['register request with the old root name', () => parseRegisterRequest('<mbmsRegister><serviceID>a</serviceID></mbmsRegister>'), 'unexpected-root'],
  ['deregister request with another root', () => parseDeregisterRequest('<mbmsSecurityRegister><serviceID>a</serviceID></mbmsSecurityRegister>'), 'unexpected-root'],
  ['MSK request with another root', () => parseMskRequest('<mbmsSecurityRegister><serviceID>a</serviceID></mbmsSecurityRegister>'), 'unexpected-root'],
  ['register request without services', () => parseRegisterRequest('<mbmsSecurityRegister/>'), 'missing'],
  ['register request spelling serviceId', () => parseRegisterRequest('<mbmsSecurityRegister><serviceId>a</serviceId></mbmsSecurityRegister>'), 'missing'],
  ['register request with an empty service', () => parseRegisterRequest('<mbmsSecurityRegister><serviceID>a</serviceID><serviceID> </serviceID></mbmsSecurityRegister>'), 'missing'],
  ['MSK request without keys', () => parseMskRequest('<mbmsMSKRequest><other/></mbmsMSKRequest>'), 'missing'],
  ['MSK request without MSKID', () => parseMskRequest(mskReq('<keyDomainID>APEQ</keyDomainID>')), 'missing'],
  ['MSK request without keyDomainID', () => parseMskRequest(mskReq('<MSKID>AQIAAA==</MSKID>')), 'missing'],
  ['keyDomainID of 4 bytes', () => parseMskRequest(mskReq('<keyDomainID>AQIDBA==</keyDomainID><MSKID>AQIAAA==</MSKID>')), 'bad-value'],
  ['MSKID of 3 bytes in a request', () => parseMskRequest(mskReq('<keyDomainID>APEQ</keyDomainID><MSKID>AQIA</MSKID>')), 'bad-value'],
  ['MSKID not base64', () => parseMskRequest(mskReq('<keyDomainID>APEQ</keyDomainID><MSKID>01020000</MSKID>')), 'bad-value'],
  ['MSKID with bad padding', () => parseMskRequest(mskReq('<keyDomainID>APEQ</keyDomainID><MSKID>AQIAAA=</MSKID>')), 'bad-value'],
  ['MSKID in base64url', () => parseMskRequest(mskReq('<keyDomainID>APEQ</keyDomainID><MSKID>_-IAAA==</MSKID>')), 'bad-value'],
  ['item without ResponseCode', () => parseRegisterResponse(item('<serviceID>a</serviceID>')), 'missing'],
  ['item without service', () => parseRegisterResponse(item('<ResponseCode>200</ResponseCode>')), 'missing'],
  ['ResponseCode in words', () => parseRegisterResponse(item('<serviceID>a</serviceID><ResponseCode>OK</ResponseCode>')), 'bad-value'],
  ['ResponseCode 700', () => parseRegisterResponse(item('<serviceID>a</serviceID><ResponseCode>700</ResponseCode>')), 'bad-value'],
  ['ResponseCode 99', () => parseRegisterResponse(item('<serviceID>a</serviceID><ResponseCode>99</ResponseCode>')), 'bad-value'],
  ['ResponseCode 2000', () => parseRegisterResponse(item('<serviceID>a</serviceID><ResponseCode>2000</ResponseCode>')), 'bad-value'],
  ['ResponseCode 200OK', () => parseRegisterResponse(item('<serviceID>a</serviceID><ResponseCode>200OK</ResponseCode>')), 'bad-value'],
  ['MSK item without ResponseCode', () => parseMskResponse('<mbmsMSKResponse><Response><MSK><keyDomainID>APEQ</keyDomainID><MSKID>AQIAAA==</MSKID></MSK></Response></mbmsMSKResponse>'), 'missing'],
  ['MSK Response without MSK', () => parseMskResponse('<mbmsMSKResponse><Response><ResponseCode>200</ResponseCode></Response></mbmsMSKResponse>'), 'missing'],
  ['MSK Response with the key ids outside MSK', () => parseMskResponse('<mbmsMSKResponse><Response><keyDomainID>APEQ</keyDomainID><MSKID>AQIAAA==</MSKID><ResponseCode>200</ResponseCode></Response></mbmsMSKResponse>'), 'missing'],
  ['MSK item with an MSKID of 5 bytes', () => parseMskResponse(mskItem('<keyDomainID>APEQ</keyDomainID><MSKID>AQIAAAA=</MSKID>')), 'bad-value'],
  ['MSK item with an empty MSKID', () => parseMskResponse(mskItem('<keyDomainID>APEQ</keyDomainID><MSKID>====</MSKID>')), 'bad-value'],
  ['MSK item with a keyDomainID of 2 bytes', () => parseMskResponse(mskItem('<keyDomainID>APE=</keyDomainID><MSKID>AQIAAA==</MSKID>')), 'bad-value'],
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
  expectEncodeError(() => buildMskResponse([]));
  expectEncodeError(() => buildMskResponse([{ keyDomainId: kd, mskId: id, status: 600 }]));
});

test('a reason is not written: ResponseCode carries the code alone', () => {
  const xml = buildRegisterResponse([{ serviceId: 'a', status: 404, reason: 'gone' }]);
  assert.ok(!xml.includes('gone'), xml);
  assert.deepEqual(parseRegisterResponse(xml), [{ serviceId: 'a', status: 404 }]);
});

// ---- properties ----

const serviceIds = fc.array(token(40), { minLength: 1, maxLength: 8 });
const status = fc.integer({ min: 100, max: 599 });
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
    fc.tuple(token(40), status).map(([serviceId, s]) => ({ serviceId, status: s })),
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
    fc.tuple(mskRef, status).map(([k, s]) => ({ ...k, status: s })),
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
