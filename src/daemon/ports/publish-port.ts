// The terminal's publish port over the MQTT publisher: retained state topics, events, status. Events are also
// kept in the event log (the same object, the same time stamp), for tools that ask for the recent flow.
import type { MqttPublisher } from '../../mqtt/index.js';
import type { StateTopicName, Topic } from '../../mqtt/topics.js';
import type { PublishPort } from '../../terminal/ports.js';
import type { EventLog } from '../event-log.js';

/** The terminal names state topics by path; the per-key ones are resolved (and checked) by the topic table. */
function stateTopic(mqtt: MqttPublisher, path: string): Topic | StateTopicName {
  const keys = /^keys\/([0-9a-f]{6})\/(\d+)$/.exec(path);
  if (keys) return mqtt.topics.keys(keys[1]!, keys[2]!);
  const traffic = /^traffic\/([0-9a-f]{6})\/([0-9a-f]{8})$/.exec(path);
  if (traffic) return mqtt.topics.traffic(traffic[1]!, traffic[2]!);
  return path as StateTopicName;
}

export function publishPort(mqtt: MqttPublisher, events?: EventLog): PublishPort {
  return {
    state: (topic, payload) => mqtt.publishState(stateTopic(mqtt, topic), payload),
    clear: (path) => {
      const topic = stateTopic(mqtt, path);
      if (typeof topic === 'string') throw new Error(`${path} is not a topic that can be cleared`);
      mqtt.clearState(topic);
    },
    event: (type, payload) => {
      const event = { type, ...payload, ts: new Date().toISOString() };
      events?.add(event);
      mqtt.publishEvent(event);
    },
    status: (state, reason) => mqtt.setStatus(state, reason),
  };
}
