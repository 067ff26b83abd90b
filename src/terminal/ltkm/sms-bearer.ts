// The SMS bearer of LTKMs and trigger messages: what the modem hands over (WAP pushes, reassembled and
// WSP-decoded; datagrams to other ports) is classified (push-filter.ts): MIKEY goes to the LTKM intake, exactly as
// a UDP datagram would (SPEC §1-§2), never dropped for overload (the modem has acknowledged it already); a
// Smartcard Profile Trigger Message goes to the terminal; anything else is a rejection, reported each time.
import { DecodeError, parseSmartcardTrigger, type WspPush } from '../../codec/index.js';
import { WDP_PORT } from '../../codec/wsp/ports.js';
import { classifyPush } from '../push-filter.js';
import type { LtkmIntake } from './intake.js';
import { LtkmRejected, type LtkmSource } from './types.js';

/** SMS-borne messages name the bearer, not a number: the originator is the SMSC's business. */
const SMS_SOURCE: LtkmSource = { via: 'sms', address: 'sms', port: 0 };

export interface SmsBearerOptions {
  intake: Pick<LtkmIntake, 'accept' | 'refuse'>;
  /** A Smartcard Profile Trigger Message (SPEC §3.4) arrived: the terminal registers. */
  onTriggerMessage(source: string): void;
}

export class SmsBearer {
  constructor(private readonly o: SmsBearerOptions) {}

  /** A WAP push from the modem. Resolves with what it carried once the intake is done with it (null: rejected). */
  async wapPush(push: WspPush): Promise<'mikey' | 'trigger-message' | null> {
    let content;
    try {
      content = classifyPush(push);
      if (content.kind === 'trigger-message') parseSmartcardTrigger(content.body);
    } catch (err) {
      if (err instanceof LtkmRejected) return this.#refuse(err.reason, err.message);
      if (err instanceof DecodeError) return this.#refuse('malformed', `trigger message: ${err.message}`);
      throw err;
    }
    if (content.kind === 'trigger-message') {
      this.o.onTriggerMessage(SMS_SOURCE.via);
      return 'trigger-message';
    }
    await this.o.intake.accept(content.mikey, SMS_SOURCE);
    return 'mikey';
  }

  /** An SMS datagram to another port than the WAP push port: not for bcastd, but reported, never silently lost. */
  datagram(port: number): void {
    this.#refuse('port', `SMS datagram to port ${port}, not the WAP push port ${WDP_PORT.wapPush}`);
  }

  #refuse(reason: LtkmRejected['reason'], detail: string): null {
    this.o.intake.refuse(reason, detail, SMS_SOURCE);
    return null;
  }
}
