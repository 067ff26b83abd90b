/** Why the terminal talks to the BSM. Every registration records the trigger that caused it (SPEC "change request"). */
export const TRIGGER_KINDS = [
  'power-up', // application start / power-up
  'connectivity', // coverage regained, or the PDP context re-activated after a network release
  'trigger-message', // Smartcard Profile Trigger Message
  'solicited-pull', // BSM solicited pull (Key Number 0, empty KEMAC, V clear)
  'command', // MQTT or bcastctl command
  'renewal', // B-TID lifetime ending: re-bootstrap and register again
] as const;
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
