// Topic payloads shaped as bcastd publishes them (src/daemon/daemon.ts, src/terminal/terminal.ts, key-status.ts),
// as TopicMessages the watch model folds.
import type { TopicMessage } from '../../../src/cli/daemon/mqtt-session.js';

export const PREFIX = 'bcastd/v1';
export const T0 = Date.parse('2024-05-01T12:00:00.000Z');
export const iso = (ms: number) => new Date(ms).toISOString();

export function msg(device: string, name: string, payload: Record<string, unknown> | null, retained = true): TopicMessage {
  return { topic: `${PREFIX}/${device}/${name}`, device, name, payload, retained };
}

/** The retained state of a healthy, registered terminal, dated `at`. */
export function healthyDevice(device: string, at = T0): TopicMessage[] {
  const ts = iso(at);
  return [
    msg(device, 'status', { state: 'ready', ts }),
    msg(device, 'info', { board: 'rpi4-quectel-ec25', deviceId: device, version: '0.1.0', modemProfile: 'quectel-ec25', card: 'pcsc', node: 'v20.20.2', ts }),
    msg(device, 'health', { uptimeS: 3725, rssBytes: 47_185_920, heapUsedBytes: 1, heapTotalBytes: 2, eventLoopLagMs: { mean: 0.4, p99: 1.25, max: 3 }, counters: {}, ts }),
    msg(device, 'modem', {
      state: 'ready',
      coverage: true,
      registration: { command: '+CEREG', n: null, stat: 1, statName: 'registered, home network', registered: true, roaming: false, area: '1A2B', ci: '01ABCDEF', act: 7, rac: null, causeType: null, rejectCause: null },
      ts,
    }),
    msg(device, 'pdp', { state: 'active', previous: 'activating', reason: null, address: { cid: 1, ipv4: '10.64.0.2', ipv6: null }, ts }),
    msg(device, 'card', { state: 'ready', previous: 'selecting', reason: null, imsi: '00101*******01', mcc: '001', mnc: '01', gbaMode: 'gba-u', mbms: true, reader: 'Virtual PCD 00 00', ts }),
    msg(device, 'gba', { state: 'bootstrapped', reason: null, btid: 'AbCd…@bsf.sim.bcastd.test', lifetime: iso(at + 3_600_000), mode: 'gba-u', ts }),
    msg(device, 'registration', { state: 'registered', services: ['urn:svc:news', 'urn:svc:sport'], registeredAt: ts, lastTrigger: { kind: 'solicited-pull', at: iso(at - 60_000), source: 'sms' }, ts }),
    msg(device, 'keys/00f110/1', { keyDomainId: '00f110', keyGroup: 1, count: 2, msks: [{ mskId: '00010001', keyNumber: 1, storedAt: ts }, { mskId: '00010002', keyNumber: 2, storedAt: ts }], ts }),
    msg(device, 'traffic/00f110/00010001', { keyDomainId: '00f110', mskId: '00010001', keyGroup: 1, keyNumber: 1, ready: false, reason: 'superseded', ts }),
    msg(device, 'traffic/00f110/00010002', { keyDomainId: '00f110', mskId: '00010002', keyGroup: 1, keyNumber: 2, ready: true, ts }),
  ];
}

/** A terminal whose PDP context failed: status degraded. */
export function degradedDevice(device: string, at = T0): TopicMessage[] {
  const ts = iso(at);
  return [
    msg(device, 'status', { state: 'degraded', reason: 'pdp activation failed', ts }),
    msg(device, 'modem', { state: 'ready', coverage: false, registration: { statName: 'searching', registered: false, act: null, rejectCause: null }, ts }),
    msg(device, 'pdp', { state: 'failed', previous: 'activating', reason: '+CME ERROR: 30', address: null, ts }),
    msg(device, 'card', { state: 'ready', gbaMode: 'gba-me', imsi: '00101*******02', ts }),
    msg(device, 'gba', { state: 'idle', reason: null, btid: null, lifetime: null, mode: null, ts }),
    msg(device, 'registration', { state: 'unregistered', services: [], registeredAt: null, lastTrigger: null, ts }),
  ];
}
