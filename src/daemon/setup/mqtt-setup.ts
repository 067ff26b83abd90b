// MQTT first, so that every later step is visible: the board's broker (mqtt.url), or a local one the daemon
// starts with one generated login per role (anonymous clients get nothing), then the publisher as `bcastd`.
import type { Logger } from 'pino';
import type { BoardConfig } from '../config/index.js';
import { MqttPublisher, createBrokerAccounts, startLocalBroker, stopStaleBroker, type BrokerAccounts, type LocalBroker } from '../../mqtt/index.js';
import { readRuntimeInfo } from '../runtime-file.js';
import type { Closers } from './closers.js';

const SIM_BROKER_PORT = 1883;

export interface MqttSetup {
  mqtt: MqttPublisher;
  /** The broker the daemon started (none when mqtt.url names one). */
  broker: LocalBroker | null;
  accounts: BrokerAccounts | null;
}

export async function connectMqtt(config: BoardConfig, log: (component: string) => Logger, closers: Closers): Promise<MqttSetup> {
  let broker: LocalBroker | null = null;
  let accounts: BrokerAccounts | null = null;
  if (!config.mqtt.url) {
    // A previous bcastd killed without its shutdown left its broker running on our port: stop that one first.
    const previous = await readRuntimeInfo(config.stateDir);
    if (previous?.brokerPid !== undefined && previous.pid !== process.pid && (await stopStaleBroker(previous.brokerPid))) {
      log('daemon').warn({ pid: previous.brokerPid }, 'stopped the local MQTT broker a previous, killed bcastd left behind');
    }
    const acc = await createBrokerAccounts();
    accounts = acc;
    closers.add('broker accounts', () => acc.remove());
    const roles = { logins: acc.logins, topicPrefix: config.mqtt.topicPrefix, deviceId: config.deviceId };
    const started = await startLocalBroker({ roles, port: SIM_BROKER_PORT, logger: log('mqtt') }).catch(() => startLocalBroker({ roles, logger: log('mqtt') }));
    broker = started;
    closers.add('broker', () => started.close());
  }
  const mqtt = new MqttPublisher({
    // The local broker decides the protocol: MQTT 5 with mosquitto, 3.1.1 with the embedded aedes.
    config: broker ? { ...config.mqtt, protocolVersion: broker.protocolVersion } : config.mqtt,
    deviceId: config.deviceId,
    logger: log('mqtt'),
    ...(broker ? { url: broker.url } : {}),
    ...(accounts ? { login: accounts.logins.bcastd } : {}),
    playerExchange: config.terminal.playerExchange.enabled,
  });
  await mqtt.start();
  closers.add('mqtt', () => mqtt.close({ finalStatus: 'offline' }));
  mqtt.setStatus('init');
  return { mqtt, broker, accounts };
}
