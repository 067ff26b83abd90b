// The operator's push proxy + SMSC in one step: a WSP push from the BSM becomes the SMS-DELIVER PDUs (SMSC
// prefix included, as +CMT/+CMGR show them) that reach the terminal's modem — the WAP push port from the WSP port, 8-bit data,
// concatenated when it does not fit one SMS (SPEC §1).
import { encodeDatagramAsSms } from '../../codec/index.js';
import { WDP_PORT } from '../../codec/wsp/ports.js';

export const SIM_SMSC = '+447785016005';
export const BSM_SMS_ORIGINATOR = '+447700900123';

export class WapPushSmsGateway {
  private reference = 0;

  /** The PDUs carrying `push`, each with the SMSC prefix; a new concatenation reference per push. */
  encode(push: Uint8Array, timestamp: Date = new Date()): Uint8Array[] {
    this.reference = (this.reference + 1) & 0xff;
    return encodeDatagramAsSms({
      originator: BSM_SMS_ORIGINATOR,
      smsc: SIM_SMSC,
      destinationPort: WDP_PORT.wapPush,
      sourcePort: WDP_PORT.wsp,
      payload: push,
      reference: this.reference,
      timestamp,
    });
  }
}
