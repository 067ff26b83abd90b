// The terminal's publish port over the MQTT publisher: retained state topics, events, status. Events are also
// kept in the event log (the same object, the same time stamp), for tools that ask for the recent flow.
import type { MqttPublisher } from '../../mqtt/index.js';
import type { BcastdEvent } from '../../terminal/events.js';
import type { PublishPort } from '../../terminal/ports.js';
import type { EventLog } from '../event-log.js';
import type { DaemonStateTopic, StatePayload } from '../state-topics.js';

/** The terminal's port plus the state topics the daemon publishes from the adapters' events. */
export interface DaemonPublishPort extends PublishPort {
  state<N extends DaemonStateTopic>(name: N, payload: StatePayload<N>): void;
}

export function publishPort(mqtt: MqttPublisher, events?: EventLog): DaemonPublishPort {
  return {
    state: (name, payload) => mqtt.publishState(name, payload),
    registration: (payload) => mqtt.publishState('registration', payload),
    keyGroup: (keyDomainId, keyGroup, payload) => mqtt.publishState(mqtt.topics.keys(keyDomainId, keyGroup), payload),
    traffic: (keyDomainId, mskId, payload) => mqtt.publishState(mqtt.topics.traffic(keyDomainId, mskId), payload),
    clearTraffic: (keyDomainId, mskId) => mqtt.clearState(mqtt.topics.traffic(keyDomainId, mskId)),
    event: (type, payload) => {
      const now = Date.now();
      const event = { type, ...payload, ts: new Date(now).toISOString() } as BcastdEvent;
      events?.add(event, now);
      mqtt.publishEvent(event);
    },
    status: (state, reason) => mqtt.setStatus(state, reason),
  };
}
