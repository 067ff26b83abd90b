/**
 * Opening the connection to the broker. mqtt.js's connect() loads every transport it knows on its first call —
 * WebSocket (the ws package, and with it https and zlib) and SOCKS (socks, ip-address) — ~2.5 MB resident and
 * 40 more Node built-ins for transports a board does not use. mqtt://, mqtt+unix:// and mqtts:// are opened here
 * on Node's net and tls directly; ws://, wss:// and a SOCKS proxy (mqtt.js's MQTTJS_SOCKS_PROXY) still go
 * through mqtt.js's connect().
 */
import { createConnection, isIP, type Socket } from 'node:net';
import mqtt, { MqttClient, type IClientOptions } from 'mqtt';

/** Where the broker is, as the stream builder needs it. */
export type BrokerTarget =
  | { transport: 'tcp'; host: string; port: number }
  | { transport: 'unix'; path: string }
  | { transport: 'tls'; host: string; port: number }
  | { transport: 'mqttjs' };

const DEFAULT_PORT = { tcp: 1883, tls: 8883 } as const;

/** The transport for a broker URL; anything but mqtt(s):// and mqtt+unix:// (or behind a SOCKS proxy) is mqtt.js's. */
export function brokerTarget(url: string, env: NodeJS.ProcessEnv = process.env): BrokerTarget {
  if (env['MQTTJS_SOCKS_PROXY'] !== undefined && env['MQTTJS_SOCKS_PROXY'] !== '') return { transport: 'mqttjs' };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { transport: 'mqttjs' }; // mqtt.js says what is wrong with it, as before
  }
  const scheme = u.protocol.replace(/:$/, '').toLowerCase();
  if (scheme === 'mqtt+unix') return { transport: 'unix', path: decodeURIComponent(u.pathname) };
  if (scheme !== 'mqtt' && scheme !== 'tcp' && scheme !== 'mqtts' && scheme !== 'ssl' && scheme !== 'tls') return { transport: 'mqttjs' };
  const transport = scheme === 'mqtt' || scheme === 'tcp' ? 'tcp' : 'tls';
  // WHATWG URLs keep an IPv6 host in brackets; sockets want it bare.
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost';
  return { transport, host, port: u.port === '' ? DEFAULT_PORT[transport] : Number(u.port) };
}

/**
 * A client for `url` with `options` (mqtt.js's IClientOptions: the TLS fields ca, cert, key, servername,
 * rejectUnauthorized included). Connects at once and again on each reconnect(), as mqtt.connect() does.
 */
export async function connectBroker(url: string, options: IClientOptions): Promise<MqttClient> {
  const target = brokerTarget(url);
  if (target.transport === 'mqttjs') return mqtt.connect(url, options);
  const tls = target.transport === 'tls' ? await import('node:tls') : undefined;
  const tcp = (): Socket => {
    if (target.transport === 'unix') return createConnection({ path: target.path });
    if (target.transport === 'tcp' || tls === undefined) return createConnection({ host: target.host, port: target.port });
    return tls.connect({
      host: target.host,
      port: target.port,
      // SNI and the name the certificate must carry: the configured one, else the URL's host unless it is an address.
      ...(options.servername !== undefined ? { servername: options.servername } : isIP(target.host) === 0 ? { servername: target.host } : {}),
      ...(options.ca !== undefined ? { ca: options.ca } : {}),
      ...(options.cert !== undefined ? { cert: options.cert } : {}),
      ...(options.key !== undefined ? { key: options.key } : {}),
      rejectUnauthorized: options.rejectUnauthorized !== false,
    });
  };
  // No Nagle: the publisher already gathers a turn's packets into one write (publisher.ts #coalesce), and with
  // Nagle a write that follows an unacknowledged one waits for the broker's delayed ACK — 40 ms on Linux — so
  // every second publication of a trigger reached the broker 40 ms late (purchase → key p50 49 → 13 ms with this
  // and the broker's set_tcp_nodelay; either alone changed nothing: bench/daemon.bench.ts purchase).
  const open = (): Socket => {
    const socket = tcp();
    if (target.transport !== 'unix') socket.setNoDelay(true);
    return socket;
  };
  // The client pipes the stream, sends CONNECT once it is writable, and turns stream errors that carry a code
  // (ECONNREFUSED, a certificate Node refused …) into its own 'error' events, the publisher's to describe.
  const client = new MqttClient(open, { ...options, protocol: target.transport === 'tls' ? 'mqtts' : 'mqtt' });
  // As mqtt.connect() does: an error before the caller's listener is on must not end the process.
  client.on('error', () => {});
  return client;
}
