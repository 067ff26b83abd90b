// The terminal's publish port over the MQTT publisher: retained state topics, events, status. Events are also
// kept in the event log (the same object, the same time stamp), for tools that ask for the recent flow.
import type { MqttPublisher } from '../../mqtt/index.js';
import type { PublishPort } from '../../terminal/ports.js';
import type { EventLog } from '../event-log.js';

export function publishPort(mqtt: MqttPublisher, events?: EventLog): PublishPort {
  return {
    state: (topic, payload) => {
      const keys = /^keys\/([0-9a-f]{6})\/(\d+)$/.exec(topic);
      const traffic = /^traffic\/([0-9a-f]{6})\/([0-9a-f]{8})$/.exec(topic);
      if (keys) mqtt.publishState(mqtt.topics.keys(keys[1]!, keys[2]!), payload);
      else if (traffic) mqtt.publishState(mqtt.topics.traffic(traffic[1]!, traffic[2]!), payload);
      else mqtt.publishState(topic as Parameters<MqttPublisher['publishState']>[0], payload);
    },
    clear: (topic) => {
      const traffic = /^traffic\/([0-9a-f]{6})\/([0-9a-f]{8})$/.exec(topic);
      const keys = /^keys\/([0-9a-f]{6})\/(\d+)$/.exec(topic);
      if (traffic) mqtt.clearState(mqtt.topics.traffic(traffic[1]!, traffic[2]!));
      else if (keys) mqtt.clearState(mqtt.topics.keys(keys[1]!, keys[2]!));
      else throw new Error(`${topic} is not a topic that can be cleared`);
    },
    event: (type, payload) => {
      const event = { type, ...payload, ts: new Date().toISOString() };
      events?.add(event);
      mqtt.publishEvent(event);
    },
    status: (state, reason) => mqtt.setStatus(state, reason),
  };
}
