// The LTKM path's vocabulary, defined once: where a message came from, why one was not acted on, what the key
// processor (USIM or ME) answers, and the one outcome the terminal receives. Bearers (UDP, SMS) and the daemon's
// card wiring speak it; nothing here imports an adapter.
import type { DecodedMikey, MskId } from '../../codec/index.js';

/** Where an LTKM came from: a UDP sender (address and port), or the SMS path (address: the bearer's name). */
export interface LtkmSource {
  via: 'udp' | 'sms';
  address: string;
  port: number;
}

/** Why a message from the BSM side was not acted on (events `rejected`, health `ltkm.dropped.*`). */
export const LTKM_REJECT_REASONS = [
  'malformed', // not a MIKEY message, or not an MBMS one; or the key processor found it wrong
  'mac', // KEMAC MAC wrong
  'replay', // T counter not fresher than the stored one
  'not-bcast', // WAP push for another application
  'unsupported', // content type or MIKEY kind the terminal does not act on
  'keyless-v-set', // Key Number 0 and empty KEMAC but the V bit set: not a solicited pull (SPEC §3.3 [R])
  'no-keys', // no MUK yet (GBA has not run)
  'source', // a datagram from an address that is not the BSM's
  'port', // an SMS datagram to another application port than the WAP push port
  'overload', // dropped: more arrived than the terminal can check
  'card', // the card failed otherwise
] as const;
export type LtkmRejectReason = (typeof LTKM_REJECT_REASONS)[number];

/** Why a message was not acted on, thrown where a refusal is found deep in a check (push classification). */
export class LtkmRejected extends Error {
  override readonly name = 'LtkmRejected';
  constructor(
    readonly reason: LtkmRejectReason,
    message: string,
  ) {
    super(message);
  }
}

/** An MSK the card (GBA_U) or the ME (GBA_ME) has stored: metadata only. */
export interface StoredMsk {
  /** 6 hex digits. */
  keyDomainId: string;
  mskId: MskId;
  /** MTK ID range the MSK is valid for, when known. */
  validity?: { from: number; to: number };
}

/**
 * What the key processor made of one MSK message: judged (stored, or a checked key-less pull; the verification
 * message when V was set), refused by the card or ME, or not judged because the card cannot be reached now (the
 * intake keeps it until the card is back).
 */
export type KeyProcessorResult =
  | { kind: 'processed'; stored: StoredMsk | null; verification?: Uint8Array }
  | { kind: 'rejected'; reason: Extract<LtkmRejectReason, 'mac' | 'replay' | 'no-keys' | 'malformed'>; detail: string }
  | { kind: 'unavailable'; detail: string };

/**
 * The port that processes MSK messages, decoded once by the intake: the USIM in GBA_U (MBMS context, MSK update
 * mode, fed the bytes as received), the ME in GBA_ME. MAC, replay counter, MSK storage, verification message. A
 * key-less solicited pull goes through it too, so it is checked before anyone acts on it.
 */
export interface KeyProcessorPort {
  processMskMessage(ltkm: DecodedMikey): Promise<KeyProcessorResult>;
}

/** The one outcome of an LTKM, whichever bearer brought it. */
export type LtkmOutcome =
  | { kind: 'pull'; keyDomainId: string | null; keyGroup: number; source: LtkmSource }
  | { kind: 'stored'; msk: StoredMsk; source: LtkmSource }
  | { kind: 'rejected'; reason: LtkmRejectReason; detail: string; source: LtkmSource };

/** One step of an MSK message's way through the terminal (events `ltkm-received`, `mikey-checked`, `verification-sent`). */
export type LtkmFlowStep =
  | { step: 'received'; purpose: 'solicited-pull' | 'ltkm'; via: 'udp' | 'sms'; from: string; bytes: number }
  | { step: 'checked'; purpose: 'solicited-pull' | 'ltkm'; ok: boolean; reason?: string; durationMs: number; via: 'udp' | 'sms' }
  | { step: 'verification-sent'; to: string; bytes: number };
