/** What the command handlers of the simulated modem may see and do. */
import type { MessageStore } from './message-store.js';
import type { SimSmsc } from './sim-smsc.js';
import type { CnmiSupport, SimState } from './state.js';

export interface SimIdentity {
  readonly manufacturer: string;
  readonly model: string;
  readonly revision: string;
  readonly imei: string;
}

export interface SimCore {
  readonly state: SimState;
  readonly store: MessageStore;
  readonly cnmiSupport: CnmiSupport;
  readonly identity: SimIdentity;
  /** The address the next activated context gets. */
  readonly pdpAddress: string;
  /** Consumes one forced activation failure, returning its +CME code, or null when none is pending. */
  takeActivationFailure(): number | null;
  /** True when AT+CNMA must fail (fault injection). */
  readonly failAcks: boolean;
  /** The SMSC side AT+CNMA talks to. */
  readonly smsc: Pick<SimSmsc, 'awaitingAck' | 'acknowledge' | 'ackRefused' | 'pump'>;
  /** Queues an unsolicited line (CR LF framed). */
  urc(line: string): void;
  /** Registration URCs for the current state, as each +CxREG mode asks. */
  registrationUrcs(): void;
  reboot(): void;
  /** Records a message the terminal sent (AT+CMGS); returns its message reference. */
  recordSent(pdu: string): number;
}
