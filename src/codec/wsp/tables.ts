/**
 * WSP (WAP-230) and OMNA assigned numbers: every well-known code the push codec knows, one table per
 * name space. Codes not listed here still decode (shown as `0x..`) and encode back to the same code.
 */

/** Well-known content types (WAP-230 Appendix A table 40 + OMNA registry). Codes > 0x7F are sent as Long-integer. */
const CONTENT_TYPES: ReadonlyArray<readonly [number, string]> = [
  [0x00, '*/*'],
  [0x01, 'text/*'],
  [0x02, 'text/html'],
  [0x03, 'text/plain'],
  [0x04, 'text/x-hdml'],
  [0x05, 'text/x-ttml'],
  [0x06, 'text/x-vCalendar'],
  [0x07, 'text/x-vCard'],
  [0x08, 'text/vnd.wap.wml'],
  [0x09, 'text/vnd.wap.wmlscript'],
  [0x0a, 'text/vnd.wap.wta-event'],
  [0x0b, 'multipart/*'],
  [0x0c, 'multipart/mixed'],
  [0x0d, 'multipart/form-data'],
  [0x0e, 'multipart/byteranges'],
  [0x0f, 'multipart/alternative'],
  [0x10, 'application/*'],
  [0x11, 'application/java-vm'],
  [0x12, 'application/x-www-form-urlencoded'],
  [0x13, 'application/x-hdmlc'],
  [0x14, 'application/vnd.wap.wmlc'],
  [0x15, 'application/vnd.wap.wmlscriptc'],
  [0x16, 'application/vnd.wap.wta-eventc'],
  [0x17, 'application/vnd.wap.uaprof'],
  [0x18, 'application/vnd.wap.wtls-ca-certificate'],
  [0x19, 'application/vnd.wap.wtls-user-certificate'],
  [0x1a, 'application/x-x509-ca-cert'],
  [0x1b, 'application/x-x509-user-cert'],
  [0x1c, 'image/*'],
  [0x1d, 'image/gif'],
  [0x1e, 'image/jpeg'],
  [0x1f, 'image/tiff'],
  [0x20, 'image/png'],
  [0x21, 'image/vnd.wap.wbmp'],
  [0x22, 'application/vnd.wap.multipart.*'],
  [0x23, 'application/vnd.wap.multipart.mixed'],
  [0x24, 'application/vnd.wap.multipart.form-data'],
  [0x25, 'application/vnd.wap.multipart.byteranges'],
  [0x26, 'application/vnd.wap.multipart.alternative'],
  [0x27, 'application/xml'],
  [0x28, 'text/xml'],
  [0x29, 'application/vnd.wap.wbxml'],
  [0x2a, 'application/x-x968-cross-cert'],
  [0x2b, 'application/x-x968-ca-cert'],
  [0x2c, 'application/x-x968-user-cert'],
  [0x2d, 'text/vnd.wap.si'],
  [0x2e, 'application/vnd.wap.sic'],
  [0x2f, 'text/vnd.wap.sl'],
  [0x30, 'application/vnd.wap.slc'],
  [0x31, 'text/vnd.wap.co'],
  [0x32, 'application/vnd.wap.coc'],
  [0x33, 'application/vnd.wap.multipart.related'],
  [0x34, 'application/vnd.wap.sia'],
  [0x35, 'text/vnd.wap.connectivity-xml'],
  [0x36, 'application/vnd.wap.connectivity-wbxml'],
  [0x37, 'application/pkcs7-mime'],
  [0x38, 'application/vnd.wap.hashed-certificate'],
  [0x39, 'application/vnd.wap.signed-certificate'],
  [0x3a, 'application/vnd.wap.cert-response'],
  [0x3b, 'application/xhtml+xml'],
  [0x3c, 'application/wml+xml'],
  [0x3d, 'text/css'],
  [0x3e, 'application/vnd.wap.mms-message'],
  [0x3f, 'application/vnd.wap.rollover-certificate'],
  [0x40, 'application/vnd.wap.locc+wbxml'],
  [0x41, 'application/vnd.wap.loc+xml'],
  [0x42, 'application/vnd.syncml.dm+wbxml'],
  [0x43, 'application/vnd.syncml.dm+xml'],
  [0x44, 'application/vnd.syncml.notification'],
  [0x45, 'application/vnd.wap.xhtml+xml'],
  [0x46, 'application/vnd.wv.csp.cir'],
  [0x47, 'application/vnd.oma.dd+xml'],
  [0x48, 'application/vnd.oma.drm.message'],
  [0x49, 'application/vnd.oma.drm.content'],
  [0x4a, 'application/vnd.oma.drm.rights+xml'],
  [0x4b, 'application/vnd.oma.drm.rights+wbxml'],
  [0x4c, 'application/vnd.wv.csp+xml'],
  [0x4d, 'application/vnd.wv.csp+wbxml'],
  [0x4e, 'application/vnd.syncml.ds.notification'],
  [0x4f, 'audio/*'],
  [0x50, 'video/*'],
  [0x51, 'application/vnd.oma.dd2+xml'],
  [0x52, 'application/mikey'],
  [0x53, 'application/vnd.oma.dcd'],
  [0x54, 'application/vnd.oma.dcdc'],
  [0x0201, 'application/vnd.uplanet.cacheop-wbxml'],
  [0x0202, 'application/vnd.uplanet.signal'],
  [0x0203, 'application/vnd.uplanet.alert-wbxml'],
  [0x0204, 'application/vnd.uplanet.list-wbxml'],
  [0x0205, 'application/vnd.uplanet.listcmd-wbxml'],
  [0x0206, 'application/vnd.uplanet.channel-wbxml'],
  [0x0207, 'application/vnd.uplanet.provisioning-status-uri'],
  [0x0208, 'x-wap.multipart/vnd.uplanet.header-set'],
  [0x0209, 'application/vnd.uplanet.bearer-choice-wbxml'],
  [0x020a, 'application/vnd.phonecom.mmc-wbxml'],
  [0x020b, 'application/vnd.nokia.syncset+wbxml'],
  [0x020c, 'image/x-up-wpng'],
  [0x0300, 'application/iota.mmc-wbxml'],
  [0x0301, 'application/iota.mmc-xml'],
  [0x0302, 'application/vnd.syncml+xml'],
  [0x0303, 'application/vnd.syncml+wbxml'],
  [0x0304, 'text/vnd.wap.emn+xml'],
  [0x0305, 'text/calendar'],
  [0x0306, 'application/vnd.omads-email+xml'],
  [0x0307, 'application/vnd.omads-file+xml'],
  [0x0308, 'application/vnd.omads-folder+xml'],
  [0x030a, 'application/vnd.wap.emn+wbxml'],
  [0x0312, 'application/vnd.omaloc-supl-init'],
  [0x0316, 'application/vnd.oma.drm.roap-trigger+wbxml'],
  [0x031b, 'application/vnd.oma.bcast.provisioningtrigger'],
];

/** How a header's value is encoded (WAP-230 §8.4.2): decides both decoding and encoding. */
export type HeaderKind =
  | 'integer' // Integer-value (Short- or Long-integer), shown in decimal
  | 'date' // Date-value = Long-integer seconds since 1970, shown as ISO-8601
  | 'text' // Text-string / Uri-value
  | 'quoted' // Quoted-string (leading 0x22)
  | 'app-id' // X-Wap-Application-Id: Integer-value (OMNA app id) or Uri-value
  | 'raw'; // any other structure: kept as hex of the encoded value

/** Well-known header field names, code page 1 (WAP-230 table 39, WSP 1.1 - 1.4). */
const HEADERS: ReadonlyArray<readonly [number, string, HeaderKind]> = [
  [0x00, 'Accept', 'raw'],
  [0x01, 'Accept-Charset', 'raw'],
  [0x02, 'Accept-Encoding', 'raw'],
  [0x03, 'Accept-Language', 'raw'],
  [0x04, 'Accept-Ranges', 'raw'],
  [0x05, 'Age', 'integer'],
  [0x06, 'Allow', 'raw'],
  [0x07, 'Authorization', 'raw'],
  [0x08, 'Cache-Control', 'raw'],
  [0x09, 'Connection', 'raw'],
  [0x0a, 'Content-Base', 'text'],
  [0x0b, 'Content-Encoding', 'raw'],
  [0x0c, 'Content-Language', 'raw'],
  [0x0d, 'Content-Length', 'integer'],
  [0x0e, 'Content-Location', 'text'],
  [0x0f, 'Content-MD5', 'raw'],
  [0x10, 'Content-Range', 'raw'],
  [0x11, 'Content-Type', 'raw'],
  [0x12, 'Date', 'date'],
  [0x13, 'Etag', 'text'],
  [0x14, 'Expires', 'date'],
  [0x15, 'From', 'text'],
  [0x16, 'Host', 'text'],
  [0x17, 'If-Modified-Since', 'date'],
  [0x18, 'If-Match', 'text'],
  [0x19, 'If-None-Match', 'text'],
  [0x1a, 'If-Range', 'raw'],
  [0x1b, 'If-Unmodified-Since', 'date'],
  [0x1c, 'Location', 'text'],
  [0x1d, 'Last-Modified', 'date'],
  [0x1e, 'Max-Forwards', 'integer'],
  [0x1f, 'Pragma', 'raw'],
  [0x20, 'Proxy-Authenticate', 'raw'],
  [0x21, 'Proxy-Authorization', 'raw'],
  [0x22, 'Public', 'raw'],
  [0x23, 'Range', 'raw'],
  [0x24, 'Referer', 'text'],
  [0x25, 'Retry-After', 'raw'],
  [0x26, 'Server', 'text'],
  [0x27, 'Transfer-Encoding', 'raw'],
  [0x28, 'Upgrade', 'text'],
  [0x29, 'User-Agent', 'text'],
  [0x2a, 'Vary', 'raw'],
  [0x2b, 'Via', 'text'],
  [0x2c, 'Warning', 'raw'],
  [0x2d, 'WWW-Authenticate', 'raw'],
  [0x2e, 'Content-Disposition', 'raw'],
  [0x2f, 'X-Wap-Application-Id', 'app-id'],
  [0x30, 'X-Wap-Content-URI', 'text'],
  [0x31, 'X-Wap-Initiator-URI', 'text'],
  [0x32, 'Accept-Application', 'raw'],
  [0x33, 'Bearer-Indication', 'integer'],
  [0x34, 'Push-Flag', 'integer'],
  [0x35, 'Profile', 'text'],
  [0x36, 'Profile-Diff', 'raw'],
  [0x37, 'Profile-Warning', 'raw'],
  [0x38, 'Expect', 'raw'],
  [0x39, 'TE', 'raw'],
  [0x3a, 'Trailer', 'raw'],
  [0x3b, 'Accept-Charset', 'raw'],
  [0x3c, 'Accept-Encoding', 'raw'],
  [0x3d, 'Cache-Control', 'raw'],
  [0x3e, 'Content-Range', 'raw'],
  [0x3f, 'X-Wap-Tod', 'date'],
  [0x40, 'Content-ID', 'quoted'],
  [0x41, 'Set-Cookie', 'raw'],
  [0x42, 'Cookie', 'raw'],
  [0x43, 'Encoding-Version', 'raw'],
  [0x44, 'Profile-Warning', 'raw'],
  [0x45, 'Content-Disposition', 'raw'],
  [0x46, 'X-WAP-Security', 'raw'],
  [0x47, 'Cache-Control', 'raw'],
];

/** OMNA push application ids (X-Wap-Application-Id values). */
const APPLICATION_IDS: ReadonlyArray<readonly [number, string]> = [
  [0x00, 'x-wap-application:*'],
  [0x01, 'x-wap-application:push.sia'],
  [0x02, 'x-wap-application:wml.ua'],
  [0x03, 'x-wap-application:wta.ua'],
  [0x04, 'x-wap-application:mms.ua'],
  [0x05, 'x-wap-application:push.syncml'],
  [0x06, 'x-wap-application:loc.ua'],
  [0x07, 'x-wap-application:syncml.dm'],
  [0x08, 'x-wap-application:drm.ua'],
  [0x09, 'x-wap-application:emn.ua'],
  [0x0a, 'x-wap-application:wv.ua'],
  [0x10, 'x-oma-application:ulp.ua'],
  [0x11, 'x-oma-application:dlota.ua'],
  [0x12, 'x-oma-application:java-ams'],
  [0x13, 'x-oma-application:bcast.ua'],
  [0x14, 'x-oma-application:dpe.ua'],
  [0x15, 'x-oma-application:cpm:ua'],
  [0x8000, 'x-wap-microsoft:localcontent.ua'],
  [0x8001, 'x-wap-microsoft:IMclient.ua'],
  [0x9023, 'x-3gpp:mbms.service.announcement.ua'],
];

/** How a content-type parameter's value is encoded. */
export type ParamKind =
  | 'q' // Q-value: uintvar 1..1099
  | 'charset' // Well-known-charset: Integer-value (IANA MIBenum), 0 = '*'
  | 'media' // Constrained-encoding: well-known content type or text
  | 'value'; // Integer-value or Text-value, shown as decimal or text

/**
 * Well-known parameter tokens (WAP-230 table 38). Names are lower case (MIME parameter names are
 * case-insensitive). Where a name has two codes the later (WSP 1.4) one is used when encoding.
 */
const PARAMETERS: ReadonlyArray<readonly [number, string, ParamKind]> = [
  [0x00, 'q', 'q'],
  [0x01, 'charset', 'charset'],
  [0x02, 'level', 'value'],
  [0x03, 'type', 'value'],
  [0x05, 'name', 'value'],
  [0x06, 'filename', 'value'],
  [0x07, 'differences', 'value'],
  [0x08, 'padding', 'value'],
  [0x09, 'type', 'media'],
  [0x0a, 'start', 'value'],
  [0x0b, 'start-info', 'value'],
  [0x0c, 'comment', 'value'],
  [0x0d, 'domain', 'value'],
  [0x0e, 'max-age', 'value'],
  [0x0f, 'path', 'value'],
  [0x10, 'secure', 'value'],
  [0x11, 'sec', 'value'],
  [0x12, 'mac', 'value'],
  [0x13, 'creation-date', 'value'],
  [0x14, 'modification-date', 'value'],
  [0x15, 'read-date', 'value'],
  [0x16, 'size', 'value'],
  [0x17, 'name', 'value'],
  [0x18, 'filename', 'value'],
  [0x19, 'start', 'value'],
  [0x1a, 'start-info', 'value'],
  [0x1b, 'comment', 'value'],
  [0x1c, 'domain', 'value'],
  [0x1d, 'path', 'value'],
];

/** Character sets by IANA MIBenum (WAP-230 table 42 subset); 0 is Any-charset. */
const CHARSETS: ReadonlyArray<readonly [number, string]> = [
  [0, '*'],
  [3, 'us-ascii'],
  [4, 'iso-8859-1'],
  [5, 'iso-8859-2'],
  [6, 'iso-8859-3'],
  [7, 'iso-8859-4'],
  [8, 'iso-8859-5'],
  [9, 'iso-8859-6'],
  [10, 'iso-8859-7'],
  [11, 'iso-8859-8'],
  [12, 'iso-8859-9'],
  [17, 'shift_jis'],
  [106, 'utf-8'],
  [1000, 'iso-10646-ucs-2'],
  [1015, 'utf-16'],
  [2026, 'big5'],
];

export const WSP_PDU_PUSH = 0x06;
export const WSP_PDU_CONFIRMED_PUSH = 0x07;
export const WSP_HEADER_X_WAP_APPLICATION_ID = 0x2f;

function byCode<T extends readonly [number, string, ...unknown[]]>(rows: ReadonlyArray<T>): Map<number, T> {
  return new Map(rows.map((r) => [r[0], r]));
}
/** Name (lower-cased) to code; a later row overrides an earlier one with the same name. */
function byName<T extends readonly [number, string, ...unknown[]]>(rows: ReadonlyArray<T>): Map<string, T> {
  return new Map(rows.map((r) => [r[1].toLowerCase(), r]));
}

const ctByCode = byCode(CONTENT_TYPES);
const ctByName = byName(CONTENT_TYPES);
// Encoding picks the first code of a header name (the WSP 1.1 one every decoder knows).
const hdrByCode = byCode(HEADERS);
const hdrByName = new Map([...HEADERS].reverse().map((r) => [r[1].toLowerCase(), r]));
const appByCode = byCode(APPLICATION_IDS);
const appByName = byName(APPLICATION_IDS);
const paramByCode = byCode(PARAMETERS);
const paramByName = byName(PARAMETERS);
const csByCode = byCode(CHARSETS);
const csByName = byName(CHARSETS);

/** `0x52`-style label for codes with no name in a table; encoders read it back as that code. */
export function codeLabel(code: number): string {
  return `0x${code.toString(16).padStart(2, '0')}`;
}
/** Parses a `0x..` label back to its code, or null. */
export function parseCodeLabel(s: string): number | null {
  return /^0x[0-9a-f]{1,8}$/i.test(s) ? Number.parseInt(s.slice(2), 16) : null;
}

export const contentTypeName = (code: number): string => ctByCode.get(code)?.[1] ?? codeLabel(code);
export const contentTypeCode = (name: string): number | null =>
  ctByName.get(name.toLowerCase())?.[0] ?? parseCodeLabel(name);

export const headerByCode = (code: number) => hdrByCode.get(code);
export const headerByName = (name: string) => hdrByName.get(name.toLowerCase());

export const applicationIdName = (code: number): string => appByCode.get(code)?.[1] ?? codeLabel(code);
export const applicationIdCode = (name: string): number | null =>
  appByName.get(name.toLowerCase())?.[0] ?? parseCodeLabel(name);

export const paramByCodeOf = (code: number) => paramByCode.get(code);
export const paramByNameOf = (name: string) => paramByName.get(name.toLowerCase());
export const paramCodeFor = (name: string, kind: ParamKind): number | undefined =>
  PARAMETERS.find((r) => r[1] === name && r[2] === kind)?.[0];

export const charsetName = (mib: number): string => csByCode.get(mib)?.[1] ?? String(mib);
export const charsetMib = (name: string): number | null => csByName.get(name.toLowerCase())?.[0] ?? null;
