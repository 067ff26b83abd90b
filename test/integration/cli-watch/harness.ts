// What the watch integration tests share: retained device state published to a real mosquitto as bcastd would,
// and a bounded wait.
import mqtt, { type MqttClient } from 'mqtt';

export const PREFIX = 'bcastd/v1';

export async function publisher(url: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0, clientId: `watch-test-${Math.random().toString(16).slice(2, 10)}` });
}

export async function publish(c: MqttClient, device: string, name: string, payload: Record<string, unknown> | string, retain = true): Promise<void> {
  await c.publishAsync(`${PREFIX}/${device}/${name}`, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 1, retain });
}

/** A registered-to-be terminal (box-1), a degraded one (box-2), and one the prefix must leave out (other-1). */
export async function publishFleet(c: MqttClient, now = Date.now()): Promise<void> {
  const ts = new Date(now).toISOString();
  await publish(c, 'box-1', 'status', { state: 'ready', ts });
  await publish(c, 'box-1', 'modem', { state: 'ready', coverage: true, registration: { statName: 'registered, home network', registered: true, act: 7, area: '1A2B', ci: '01ABCDEF' }, ts });
  await publish(c, 'box-1', 'pdp', { state: 'active', previous: 'activating', reason: null, address: { cid: 1, ipv4: '10.64.0.2', ipv6: null }, ts });
  await publish(c, 'box-1', 'card', { state: 'ready', imsi: '00101*******01', gbaMode: 'gba-u', mbms: true, ts });
  await publish(c, 'box-1', 'gba', { state: 'bootstrapped', btid: 'AbCd…@bsf.sim.bcastd.test', lifetime: new Date(now + 3_600_000).toISOString(), mode: 'gba-u', ts });
  await publish(c, 'box-1', 'registration', { state: 'unregistered', services: [], registeredAt: null, lastTrigger: null, ts });
  await publish(c, 'box-1', 'keys/00f110/1', { keyDomainId: '00f110', keyGroup: 1, count: 1, msks: [{ mskId: '00010002', keyNumber: 2, storedAt: ts }], ts });
  await publish(c, 'box-1', 'traffic/00f110/00010002', { keyDomainId: '00f110', mskId: '00010002', keyGroup: 1, keyNumber: 2, ready: true, ts });
  await publish(c, 'box-1', 'health', { uptimeS: 61, rssBytes: 52_428_800, eventLoopLagMs: { mean: 0.3, p99: 1.5, max: 2 }, ts });
  await publish(c, 'box-2', 'status', { state: 'degraded', reason: 'pdp activation failed', ts });
  await publish(c, 'box-2', 'modem', { state: 'ready', coverage: false, registration: { statName: 'searching', registered: false }, ts });
  await publish(c, 'box-2', 'pdp', { state: 'failed', previous: 'activating', reason: '+CME ERROR: 30', address: null, ts });
  await publish(c, 'other-1', 'status', { state: 'ready', ts });
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | null, timeoutMs = 8000, show: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false && v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${show()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
