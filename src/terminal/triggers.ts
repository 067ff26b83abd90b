/** Why the terminal talks to the BSM. Every registration records the trigger that caused it (SPEC "change request"). */
import { TRIGGER_KINDS } from '../codec/xml/bsm-names.js';

export { TRIGGER_KINDS };
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

export interface Trigger {
  kind: TriggerKind;
  /** Wall-clock time the trigger was received (ms since epoch). */
  at: number;
  /** Where it came from, for the event log: "sms", "udp", "mqtt", "+CGEV: NW DEACT"… */
  source?: string;
}

/** What a trigger asks of the BSM. */
export type BsmAction =
  /** rebootstrap: a fresh GBA run first (the `bootstrap` command), paced and coalesced like any request. */
  | { type: 'register'; services: string[]; rebootstrap?: boolean }
  | { type: 'msk-request'; keyDomainId: string; keyGroups: number[] }
  | { type: 'deregister'; services: string[] };
