/**
 * Every name of the BSM HTTP procedures (SPEC §7): the one place to correct once the governing
 * clauses (TS 33.246 §6.3.2, the XML schemas of TS 26.346 §11.8) are read.
 *
 * [I] — SPEC §7: the response element names (`mbmsSecurityRegisterResponse` › `Response` ›
 * `serviceID`, `ResponseCode`; `mbmsMSKResponse` › `Response` › `MSK` › `keyDomainID`, `MSKID`, and
 * `ResponseCode`) are those of an independent MBBMS terminal's key-management response parser.
 * [U] — SPEC §7: the request element names (`mbmsSecurityRegister`, `mbmsSecurityDeregister`,
 * `mbmsMSKRequest` › `MSK`) are inferred from the responses; the `requesttype` values, the request
 * namespaces and the meaning of `ResponseCode` (HTTP-style, 200 = OK) are project choices.
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

/** Default namespace of each body: [U] except `mskResponse` [C]. Readers do not check namespaces. */
export const BSM_NAMESPACE = {
  register: 'urn:3GPP:metadata:2005:MBMS:register',
  deregister: 'urn:3GPP:metadata:2005:MBMS:deregister',
  registerResponse: 'urn:3GPP:metadata:2005:MBMS:registerResponse',
  mskRequest: 'urn:3GPP:metadata:2005:MBMS:mskRequest',
  mskResponse: 'urn:3GPP:metadata:2005:MBMS:mskResponse',
} as const;

/**
 * Element local names (note the spelling `serviceID`). Layouts:
 * - register / deregister [U]: `<root><serviceID>…</serviceID>+</root>`
 * - register (and deregister) response [I]: `<root><Response><serviceID/><ResponseCode/></Response>+</root>`
 * - MSK request [U]: `<root><MSK><keyDomainID>b64(3)</keyDomainID><MSKID>b64(4)</MSKID></MSK>+</root>`
 * - MSK response [I]: `<root><Response><MSK><keyDomainID/><MSKID/></MSK><ResponseCode/></Response>+</root>`
 * `ResponseCode` [U] is an HTTP-style code (200 OK, 4xx per item), optionally followed by a phrase.
 */
export const BSM_ELEMENT = {
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
} as const;

/** The MBMS User Service ID a Key Group 0 solicited pull registers for [R]. */
export const ALL_SERVICES = 'urn:allServices';

/**
 * Why the terminal talks to the BSM (SPEC "change request": every registration records its trigger). One table for
 * the terminal's triggers and the state file's schema.
 */
export const TRIGGER_KINDS = [
  'power-up', // application start / power-up
  'connectivity', // coverage regained, or the PDP context re-activated after a network release
  'trigger-message', // Smartcard Profile Trigger Message
  'solicited-pull', // BSM solicited pull (Key Number 0, empty KEMAC, V clear)
  'command', // MQTT or bcastctl command
  'renewal', // B-TID lifetime ending: re-bootstrap and register again
] as const;
