/**
 * Every name of the BSM HTTP procedures (SPEC §7): the one place to correct once the governing
 * clauses (TS 33.246 §6.3.2, the XML schemas of TS 26.346 §11.8) are read.
 *
 * [U] — SPEC §7 project choice. The element names, the request/response namespaces other than
 * mskResponse, the `requesttype` values and the layout of the bodies were NOT available in any
 * public text or code found (searched: public code for `mbmsRegister`, `mskRequest`, `keyDomainID`,
 * `MSKID`, `natureOfError`, `urn:3GPP:metadata:2005:MBMS:*`; only media-type lists and the TS 26.346
 * Annex C registrations turned up). The names below follow the 3GPP MBMS naming style seen in
 * TS 26.237 Annex I (`mbmsAuthorizedSecurityRegister`, namespace `urn:3GPP:metadata:2005:MBMS:…`).
 *
 * [C] — the five media types (IANA registrations, TS 26.346 Annex C) and the mskResponse namespace
 * (TS 26.346 C.12: "in accordance with the XML scheme urn:3GPP:metadata:2005:MBMS:mskResponse").
 */

/** `POST /keymanagement?requesttype=…` [U]. */
export const BSM_REQUEST_TYPE = {
  register: 'register',
  deregister: 'deregister',
  mskRequest: 'msk-request',
} as const;

/** Content-Type of each body [C]. There is no deregister-response type: it reuses register-response. */
export const BSM_MEDIA_TYPE = {
  register: 'application/mbms-register+xml',
  deregister: 'application/mbms-deregister+xml',
  registerResponse: 'application/mbms-register-response+xml',
  deregisterResponse: 'application/mbms-register-response+xml',
  mskRequest: 'application/mbms-msk+xml',
  mskResponse: 'application/mbms-msk-response+xml',
} as const;

/** Default namespace of each body: [U] except `mskResponse` [C]. */
export const BSM_NAMESPACE = {
  register: 'urn:3GPP:metadata:2005:MBMS:register',
  deregister: 'urn:3GPP:metadata:2005:MBMS:deregister',
  registerResponse: 'urn:3GPP:metadata:2005:MBMS:registerResponse',
  mskRequest: 'urn:3GPP:metadata:2005:MBMS:mskRequest',
  mskResponse: 'urn:3GPP:metadata:2005:MBMS:mskResponse',
} as const;

/**
 * Element local names [U]. Layouts (project choice):
 * - register / deregister: `<root><serviceId>…</serviceId>+</root>`
 * - register (and deregister) response: `<root><serviceStatus><serviceId/><status/>[<natureOfError/>]</serviceStatus>+</root>`
 * - MSK request: `<root><msk><keyDomainID>b64(3)</keyDomainID><MSKID>b64(4)</MSKID></msk>+</root>`
 * - MSK response: `<root><mskStatus><keyDomainID/><MSKID/><status/>[<natureOfError/>]</mskStatus>+</root>`
 * `status` is an HTTP-style code (200 OK, 4xx per item); `natureOfError` is optional free text.
 */
export const BSM_ELEMENT = {
  registerRoot: 'mbmsRegister',
  deregisterRoot: 'mbmsDeregister',
  registerResponseRoot: 'mbmsRegisterResponse',
  mskRequestRoot: 'mbmsMskRequest',
  mskResponseRoot: 'mbmsMskResponse',
  serviceId: 'serviceId',
  serviceStatus: 'serviceStatus',
  msk: 'msk',
  mskStatus: 'mskStatus',
  keyDomainId: 'keyDomainID',
  mskId: 'MSKID',
  status: 'status',
  reason: 'natureOfError',
} as const;

/** The MBMS User Service ID a Key Group 0 solicited pull registers for [R]. */
export const ALL_SERVICES = 'urn:allServices';
