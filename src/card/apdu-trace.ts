/**
 * How an APDU exchange appears in the trace log: header and status word always, data only when the
 * command is not marked secret. Secrets (RES, CK, IK, Ks_ext_NAF, MTK, PIN, the IMSI …) show as their
 * length, so a trace can be shared without leaking keys.
 */
import { toHex } from '../codec/hex.js';

export interface ApduMask {
  /** Hide the command data (PIN, MIKEY messages). */
  command?: boolean;
  /** Hide the response data (keys, RES, the IMSI). */
  response?: boolean;
}

const hidden = (n: number) => `<${n} bytes hidden>`;

export function formatCommand(apdu: Uint8Array, mask: ApduMask): string {
  const head = toHex(apdu.subarray(0, Math.min(apdu.length, 5)));
  if (apdu.length <= 5) return head;
  const rest = apdu.subarray(5);
  return `${head} ${mask.command ? hidden(rest.length) : toHex(rest)}`;
}

export function formatResponse(apdu: Uint8Array, mask: ApduMask): string {
  const sw = toHex(apdu.subarray(apdu.length - 2));
  const data = apdu.subarray(0, Math.max(0, apdu.length - 2));
  if (data.length === 0) return sw;
  return `${mask.response ? hidden(data.length) : toHex(data)} ${sw}`;
}
