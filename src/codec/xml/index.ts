// XML bodies: GBA Ub answer (TS 24.109), BSM procedures (SPEC §7), smartcard trigger (SPEC §3.4).
export {
  BSF_MEDIA_TYPE,
  GBA_NAMESPACE,
  buildBootstrappingInfo,
  parseBootstrappingInfo,
  type BootstrappingInfo,
} from './bootstrapping-info.js';
export {
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
  type MskRef,
  type MskStatus,
  type ServiceStatus,
} from './bsm-bodies.js';
export {
  ALL_SERVICES,
  TRIGGER_KINDS,
  BSM_ELEMENT,
  BSM_MEDIA_TYPE,
  BSM_NAMESPACE,
  BSM_REQUEST_TYPE,
} from './bsm-names.js';
export {
  SMARTCARD_TRIGGER_MEDIA_TYPE,
  parseSmartcardTrigger,
  type SmartcardTrigger,
} from './smartcard-trigger.js';
export { XML_LIMITS, parseXmlDocument, type XmlElement } from './xml-document.js';
export { formatXsDateTime, parseXsDateTime } from './xs-datetime.js';
