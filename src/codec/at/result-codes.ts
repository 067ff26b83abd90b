/**
 * Final result codes (V.250 §5.7.2, TS 27.007 §9.2, TS 27.005 §3.2.5) and the error-code tables that
 * give `+CME ERROR` / `+CMS ERROR` numbers their texts. Modems in verbose mode (`AT+CMEE=2`) print the
 * text instead of the number; `errorCodeForText` maps the known texts back. One table per result code.
 */

export type FinalResult = 'OK' | 'ERROR' | 'NO CARRIER' | 'BUSY' | 'NO ANSWER' | 'NO DIALTONE' | 'CME ERROR' | 'CMS ERROR';

/** Result codes that end a command without a parameter, as modems print them (V.250 §5.7.2). */
export const PLAIN_FINALS: ReadonlyMap<string, FinalResult> = new Map<string, FinalResult>([
  ['OK', 'OK'],
  ['ERROR', 'ERROR'],
  ['NO CARRIER', 'NO CARRIER'],
  ['BUSY', 'BUSY'],
  ['NO ANSWER', 'NO ANSWER'],
  ['NO DIALTONE', 'NO DIALTONE'],
  // Seen spelled with a space on some modules; same meaning.
  ['NO DIAL TONE', 'NO DIALTONE'],
]);

/** TS 27.007 §9.2.1 (general) and §9.2.2 (GPRS/EPS) `<err>` values. */
export const CME_ERRORS: ReadonlyMap<number, string> = new Map([
  [0, 'phone failure'],
  [1, 'no connection to phone'],
  [2, 'phone-adaptor link reserved'],
  [3, 'operation not allowed'],
  [4, 'operation not supported'],
  [5, 'PH-SIM PIN required'],
  [6, 'PH-FSIM PIN required'],
  [7, 'PH-FSIM PUK required'],
  [10, 'SIM not inserted'],
  [11, 'SIM PIN required'],
  [12, 'SIM PUK required'],
  [13, 'SIM failure'],
  [14, 'SIM busy'],
  [15, 'SIM wrong'],
  [16, 'incorrect password'],
  [17, 'SIM PIN2 required'],
  [18, 'SIM PUK2 required'],
  [20, 'memory full'],
  [21, 'invalid index'],
  [22, 'not found'],
  [23, 'memory failure'],
  [24, 'text string too long'],
  [25, 'invalid characters in text string'],
  [26, 'dial string too long'],
  [27, 'invalid characters in dial string'],
  [30, 'no network service'],
  [31, 'network timeout'],
  [32, 'network not allowed - emergency calls only'],
  [40, 'network personalization PIN required'],
  [41, 'network personalization PUK required'],
  [42, 'network subset personalization PIN required'],
  [43, 'network subset personalization PUK required'],
  [44, 'service provider personalization PIN required'],
  [45, 'service provider personalization PUK required'],
  [46, 'corporate personalization PIN required'],
  [47, 'corporate personalization PUK required'],
  [48, 'hidden key required'],
  [49, 'EAP method not supported'],
  [50, 'incorrect parameters'],
  [51, 'command implemented but currently disabled'],
  [52, 'command aborted by user'],
  [53, 'not attached to network due to MT functionality restrictions'],
  [54, 'modem not allowed - MT restricted to emergency calls only'],
  [55, 'operation not allowed because of MT functionality restrictions'],
  [56, 'fixed dial number only allowed - called number is not a fixed dial number'],
  [57, 'temporarily out of service due to other MT usage'],
  [58, 'language/alphabet not supported'],
  [59, 'unexpected data value'],
  [60, 'system failure'],
  [61, 'data missing'],
  [62, 'call barred'],
  [63, 'message waiting indication subscription failure'],
  [100, 'unknown'],
  [103, 'illegal MS'],
  [106, 'illegal ME'],
  [107, 'GPRS services not allowed'],
  [108, 'GPRS services and non-GPRS services not allowed'],
  [111, 'PLMN not allowed'],
  [112, 'location area not allowed'],
  [113, 'roaming not allowed in this location area'],
  [114, 'GPRS services not allowed in this PLMN'],
  [115, 'no suitable cells in location area'],
  [122, 'congestion'],
  [125, 'not authorized for this CSG'],
  [126, 'insufficient resources'],
  [127, 'missing or unknown APN'],
  [128, 'unknown PDP address or PDP type'],
  [129, 'user authentication failed'],
  [130, 'activation rejected by GGSN, Serving GW or PDN GW'],
  [131, 'activation rejected, unspecified'],
  [132, 'service option not supported'],
  [133, 'requested service option not subscribed'],
  [134, 'service option temporarily out of order'],
  [140, 'feature not supported'],
  [141, 'semantic error in the TFT operation'],
  [142, 'syntactical error in the TFT operation'],
  [143, 'unknown PDP context'],
  [144, 'semantic errors in packet filter(s)'],
  [145, 'syntactical errors in packet filter(s)'],
  [146, 'PDP context without TFT already activated'],
  [148, 'unspecified GPRS error'],
  [149, 'PDP authentication failure'],
  [150, 'invalid mobile class'],
]);

/**
 * TS 27.005 §3.2.5 `<err>` values: 0-127 are TS 24.011 Annex E-2 RP causes, 128-255 TS 23.040
 * §9.2.3.22 TP-FCS values, 300-500 errors of the ME itself.
 */
export const CMS_ERRORS: ReadonlyMap<number, string> = new Map([
  [1, 'unassigned (unallocated) number'],
  [8, 'operator determined barring'],
  [10, 'call barred'],
  [21, 'short message transfer rejected'],
  [22, 'memory capacity exceeded'],
  [27, 'destination out of order'],
  [28, 'unidentified subscriber'],
  [29, 'facility rejected'],
  [30, 'unknown subscriber'],
  [38, 'network out of order'],
  [41, 'temporary failure'],
  [42, 'congestion'],
  [47, 'resources unavailable, unspecified'],
  [50, 'requested facility not subscribed'],
  [69, 'requested facility not implemented'],
  [81, 'invalid short message transfer reference value'],
  [95, 'semantically incorrect message'],
  [96, 'invalid mandatory information'],
  [97, 'message type non-existent or not implemented'],
  [98, 'message not compatible with short message protocol state'],
  [99, 'information element non-existent or not implemented'],
  [111, 'protocol error, unspecified'],
  [127, 'interworking, unspecified'],
  [128, 'telematic interworking not supported'],
  [129, 'short message type 0 not supported'],
  [130, 'cannot replace short message'],
  [143, 'unspecified TP-PID error'],
  [144, 'data coding scheme (alphabet) not supported'],
  [145, 'message class not supported'],
  [159, 'unspecified TP-DCS error'],
  [160, 'command cannot be actioned'],
  [161, 'command unsupported'],
  [175, 'unspecified TP-Command error'],
  [176, 'TPDU not supported'],
  [192, 'SC busy'],
  [193, 'no SC subscription'],
  [194, 'SC system failure'],
  [195, 'invalid SME address'],
  [196, 'destination SME barred'],
  [197, 'SM rejected-duplicate SM'],
  [198, 'TP-VPF not supported'],
  [199, 'TP-VP not supported'],
  [208, 'SIM SMS storage full'],
  [209, 'no SMS storage capability in SIM'],
  [210, 'error in MS'],
  [211, 'memory capacity exceeded'],
  [212, 'SIM Application Toolkit busy'],
  [213, 'SIM data download error'],
  [255, 'unspecified error cause'],
  [300, 'ME failure'],
  [301, 'SMS service of ME reserved'],
  [302, 'operation not allowed'],
  [303, 'operation not supported'],
  [304, 'invalid PDU mode parameter'],
  [305, 'invalid text mode parameter'],
  [310, 'SIM not inserted'],
  [311, 'SIM PIN required'],
  [312, 'PH-SIM PIN required'],
  [313, 'SIM failure'],
  [314, 'SIM busy'],
  [315, 'SIM wrong'],
  [316, 'SIM PUK required'],
  [317, 'SIM PIN2 required'],
  [318, 'SIM PUK2 required'],
  [320, 'memory failure'],
  [321, 'invalid memory index'],
  [322, 'memory full'],
  [330, 'SMSC address unknown'],
  [331, 'no network service'],
  [332, 'network timeout'],
  [340, 'no +CNMA acknowledgement expected'],
  [500, 'unknown error'],
]);

/** Texts compare loosely: case, punctuation, spacing and the "(U)" of "(U)SIM" do not matter. */
function normalizeText(text: string): string {
  return text.toLowerCase().replace(/\(u\)/g, '').replace(/[^a-z0-9]/g, '');
}

function reverse(table: ReadonlyMap<number, string>): Map<string, number> {
  const out = new Map<string, number>();
  // First entry wins, so a text that two codes share (CMS 22 and 211) maps to the lower code.
  for (const [code, text] of table) if (!out.has(normalizeText(text))) out.set(normalizeText(text), code);
  return out;
}

const CME_BY_TEXT = reverse(CME_ERRORS);
const CMS_BY_TEXT = reverse(CMS_ERRORS);

/** The standard text of an error number, or undefined when the table does not know it. */
export function errorTextForCode(result: 'CME ERROR' | 'CMS ERROR', code: number): string | undefined {
  return (result === 'CME ERROR' ? CME_ERRORS : CMS_ERRORS).get(code);
}

/** The number of a verbose error text, or undefined when the text is not a standard one. */
export function errorCodeForText(result: 'CME ERROR' | 'CMS ERROR', text: string): number | undefined {
  return (result === 'CME ERROR' ? CME_BY_TEXT : CMS_BY_TEXT).get(normalizeText(text));
}
