// The ports the terminal domain talks to. Adapters (modem, card, gba, bsm, mqtt, store) implement them; the daemon
// wires adapters to ports. Nothing here imports an adapter.
import type { EventPayload, EventType } from './events.js';
import type { KeyGroupPayload, RegistrationPayload, TrafficPayload } from './state-payloads.js';
import type { Trigger } from './triggers.js';

export interface PdpPort {
  /** Activates the PDP context if it is not active; resolves with the terminal's IP address on it. */
  ensureActive(): Promise<{ address: string | null }>;
  /** Releases it (only at de-registration / shutdown). */
  release(): Promise<void>;
  readonly active: boolean;
}

export interface CardInfo {
  /** Home network as Key Domain ID (MCC||MNC, 3 bytes hex), for MSK IDs without one. */
  homeKeyDomainId: string;
  gbaMode: 'gba-u' | 'gba-me';
}

export interface CardPort {
  /** Waits until the USIM is selected and ready; resolves with what the terminal needs to know. */
  ready(): Promise<CardInfo>;
}

export interface GbaSession {
  /** B-TID masked for display (never the whole B-TID). */
  btidMasked: string;
  lifetime: Date;
}

export interface GbaPort {
  /** Bootstraps if there is no valid B-TID (or `force`); resolves with the session. */
  ensure(opts?: { force?: boolean }): Promise<GbaSession>;
  current(): GbaSession | null;
}

export interface ServiceResult {
  serviceId: string;
  status: number;
  reason?: string;
}

export interface MskResult {
  keyDomainId: string;
  keyGroup: number;
  keyNumber: number;
  status: number;
  reason?: string;
}

export interface BsmPort {
  register(services: string[]): Promise<ServiceResult[]>;
  deregister(services: string[]): Promise<ServiceResult[]>;
  requestMsk(keyDomainId: string, keyGroups: number[]): Promise<MskResult[]>;
}

/**
 * What the terminal publishes: its retained state topics and one-off events, typed by the contract tables
 * (events.ts, state-payloads.ts). The adapter behind it names the topics; the terminal never spells one.
 */
export interface PublishPort {
  /** `registration`. */
  registration(payload: RegistrationPayload): void;
  /** `keys/<keyDomainId>/<keyGroup>`. */
  keyGroup(keyDomainId: string, keyGroup: number, payload: KeyGroupPayload): void;
  /** `traffic/<keyDomainId>/<mskId>` (mskId: 8 hex digits). */
  traffic(keyDomainId: string, mskId: string, payload: TrafficPayload): void;
  /** Removes a traffic topic (an MSK gone for good): no longer kept, no longer republished. */
  clearTraffic(keyDomainId: string, mskId: string): void;
  event<T extends EventType>(type: T, payload: EventPayload<T>): void;
  status(state: string, reason?: string): void;
}

export interface PersistedRegistration {
  state: 'unregistered' | 'registered';
  services: string[];
  registeredAt?: string;
  lastTrigger?: { kind: Trigger['kind']; at: string; source?: string };
}

export interface PersistedKey {
  keyDomainId: string;
  keyGroup: number;
  keyNumber: number;
  storedAt: string;
  validity?: { from: number; to: number };
}

export interface TerminalStatePort {
  registration(): PersistedRegistration | null;
  keys(): PersistedKey[];
  saveRegistration(r: PersistedRegistration): void;
  /** Stores `k`; `superseded` are MSKs it replaced, to forget. */
  saveKey(k: PersistedKey, superseded?: PersistedKey[]): void;
}
