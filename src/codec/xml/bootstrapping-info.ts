import { DecodeError } from '../errors.js';
import { parseXmlDocument, requiredChildText } from './xml-document.js';
import { requireToken, writeXml } from './xml-writer.js';
import { formatXsDateTime, parseXsDateTime } from './xs-datetime.js';

/**
 * The BSF's 200 OK body on Ub (TS 24.109, SPEC §5) [C]:
 * `<BootstrappingInfo xmlns="uri:3gpp-gba"><btid>…</btid><lifetime>xs:dateTime</lifetime></BootstrappingInfo>`.
 * Read by local name, so a prefixed namespace works too; elements we do not know are ignored.
 */
export const BSF_MEDIA_TYPE = 'application/vnd.3gpp.bsf+xml';
export const GBA_NAMESPACE = 'uri:3gpp-gba';

export interface BootstrappingInfo {
  /** B-TID: base64(RAND)@BSF domain. */
  readonly btid: string;
  /** When the bootstrapped key Ks (and the B-TID) stops being valid. */
  readonly lifetime: Date;
}

export function parseBootstrappingInfo(body: string | Uint8Array): BootstrappingInfo {
  const root = parseXmlDocument(body);
  if (root.local !== 'BootstrappingInfo') {
    throw new DecodeError('xml', 'unexpected-root', `expected <BootstrappingInfo>, found <${root.name.slice(0, 40)}>`);
  }
  const btid = requiredChildText(root, 'btid');
  const lifetime = parseXsDateTime(requiredChildText(root, 'lifetime'));
  return { btid, lifetime };
}

/** For the simulated BSF. */
export function buildBootstrappingInfo(info: BootstrappingInfo): string {
  return writeXml('BootstrappingInfo', GBA_NAMESPACE, [
    { btid: requireToken(info.btid, 'btid') },
    { lifetime: formatXsDateTime(info.lifetime) },
  ]);
}
