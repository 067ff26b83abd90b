// How bcastctl reaches the broker: the location options every daemon command shares (board, broker, device)
// and the broker's TLS and login, from the board config unless the command line says otherwise — the same
// files and checks as the daemon's own client (src/mqtt/tls.ts), so a wrong certificate reads the same here.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import pino from 'pino';
import { describeConnectFailure, loadTlsOptions, type BrokerLogin, type MqttTlsSettings } from '../../mqtt/index.js';
import { UsageError } from '../io.js';

export interface BrokerCliOptions {
  board?: string;
  broker?: string;
  device?: string | string[];
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  insecure?: boolean;
  username?: string;
  passwordFile?: string;
}

/** The broker credentials a location carries (board config, overridden by the command line). */
export interface BrokerAuth {
  tls?: MqttTlsSettings;
  username?: string;
  passwordFile?: string;
  /** From the tester credentials file the daemon names (used only when no --username/--password-file). */
  password?: string;
}

/** Adds --board/--broker/--device (single or repeatable) and the TLS/login options. */
export function withBrokerOptions(cmd: Command, device: 'one' | 'many' = 'one'): Command {
  return cmd
    .option('--board <name|path>', 'board config of the daemon (finds its runtime file and its broker settings)', 'sim')
    .option('--broker <url>', 'MQTT broker URL (default: from the running daemon)')
    .option(device === 'one' ? '--device <id>' : '--device <id...>', device === 'one' ? 'device id ("+" for every device on the broker)' : 'device id, or a prefix ending in * ("box-*"); "+" for every device; several may be given')
    .option('--ca <file>', 'CA certificate (PEM) the broker certificate must chain to (default: the board config\'s mqtt.tls.ca)')
    .option('--cert <file>', 'client certificate (PEM) for mutual TLS (default: mqtt.tls.cert)')
    .option('--key <file>', 'client private key (PEM) (default: mqtt.tls.key)')
    .option('--servername <name>', 'name the broker certificate must carry, when not the URL host')
    .option('--insecure', 'do not verify the broker certificate (lab only)')
    .option('--username <name>', 'broker user name (default: mqtt.username)')
    .option('--password-file <file>', 'file holding the broker password (default: mqtt.passwordFile)');
}

/**
 * Merges the command line over the board config's broker settings. A tester login (the daemon's
 * testerCredentials file) replaces the board config's login, and the command line replaces both.
 */
export function brokerAuth(o: BrokerCliOptions, config: BrokerAuth, tester?: BrokerLogin): BrokerAuth {
  if (tester && o.username === undefined && o.passwordFile === undefined) {
    const { username: _u, passwordFile: _p, ...rest } = brokerAuth(o, config);
    return { ...rest, username: tester.username, password: tester.password };
  }
  const base = config.tls ?? {};
  const tlsGiven = o.ca !== undefined || o.cert !== undefined || o.key !== undefined || o.servername !== undefined || o.insecure === true;
  const tls: MqttTlsSettings | undefined = config.tls || tlsGiven
    ? {
        ...base,
        ...(o.ca ? { ca: o.ca } : {}),
        ...(o.cert ? { cert: o.cert } : {}),
        ...(o.key ? { key: o.key } : {}),
        ...(o.servername ? { servername: o.servername } : {}),
        ...(o.insecure ? { rejectUnauthorized: false } : {}),
      }
    : undefined;
  const username = o.username ?? config.username;
  const passwordFile = o.passwordFile ?? config.passwordFile;
  return { ...(tls ? { tls } : {}), ...(username ? { username } : {}), ...(passwordFile ? { passwordFile } : {}) };
}

/** mqtt.js connect options for `auth`: certificates read and checked, password read. */
export async function brokerConnectOptions(url: string, auth: BrokerAuth | undefined): Promise<Record<string, unknown>> {
  // No 65,536-entry packet-id buffer table (mqtt-packet's number cache) for a client that sends a handful.
  const out: Record<string, unknown> = { writeCache: false };
  if (auth?.tls && /^(mqtts|wss):/.test(url)) {
    try {
      Object.assign(out, await loadTlsOptions(auth.tls, pino({ level: 'silent' })));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  if (auth?.username) out['username'] = auth.username;
  if (auth?.password !== undefined) out['password'] = auth.password;
  else if (auth?.passwordFile) {
    try {
      out['password'] = (await readFile(auth.passwordFile)).toString('utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new UsageError(`cannot read the broker password file ${auth.passwordFile}: ${(e as Error).message}`);
    }
  }
  return out;
}

/** One sentence for a failed connection, in the daemon's words (certificate, name, refusal, unreachable). */
export function connectFailureText(err: unknown, url: string, auth: BrokerAuth | undefined): string {
  return describeConnectFailure(err, {
    url,
    caConfigured: auth?.tls?.ca !== undefined,
    certConfigured: auth?.tls?.cert !== undefined,
    ...(auth?.tls?.servername ? { servername: auth.tls.servername } : {}),
  }).message;
}
