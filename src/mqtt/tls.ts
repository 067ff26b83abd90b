/**
 * mqtt.tls of the board config → the TLS part of the mqtt.js connect options. The PEM files are read when the
 * daemon connects (so a renewed certificate needs only a restart, not a config change) and checked up front:
 * a missing, unreadable or non-PEM file, an encrypted key or a key that does not belong to the certificate
 * is a TlsConfigError naming the option and the path, before any connection attempt. Nothing here logs the
 * key or puts it in a message.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import { MqttError } from './errors.js';

/** The config's mqtt.tls (servername is optional here so a config without it still fits). */
export interface MqttTlsSettings {
  ca?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
  rejectUnauthorized?: boolean | undefined;
  /** The name to verify the broker certificate against (and send as SNI) instead of mqtt.url's host. */
  servername?: string | undefined;
}

/** The options mqtt.js hands to tls.connect (wss:// to the WebSocket agent). */
export interface TlsConnectOptions {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized: boolean;
  servername?: string;
}

export type TlsOption = 'mqtt.tls.ca' | 'mqtt.tls.cert' | 'mqtt.tls.key';

const OPTION_LABEL: Record<TlsOption, string> = { 'mqtt.tls.ca': 'TLS CA file', 'mqtt.tls.cert': 'TLS client certificate', 'mqtt.tls.key': 'TLS client key' };

export type TlsProblem = 'missing' | 'unreadable' | 'not_pem' | 'encrypted' | 'mismatch' | 'incomplete';

/** A TLS file the daemon cannot use; `code` is 'config_invalid' like every other config problem. */
export class TlsConfigError extends MqttError {
  constructor(
    readonly option: TlsOption,
    readonly path: string,
    readonly problem: TlsProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('config_invalid', `${option} (${OPTION_LABEL[option]}) ${path}: ${message}`, options);
  }
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const KEY_BLOCK = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/;

async function readPem(option: TlsOption, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new TlsConfigError(option, path, 'missing', 'file not found', { cause: e });
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new TlsConfigError(option, path, 'unreadable', `cannot read the file (${why})`, { cause: e });
  }
}

/** Every certificate block in a PEM file (a CA file may be a bundle), each checked; none is a TlsConfigError. */
function certificates(option: TlsOption, path: string, pem: Buffer): { blocks: string[]; certs: X509Certificate[] } {
  const blocks = pem.toString('latin1').match(CERT_BLOCK) ?? [];
  if (blocks.length === 0) throw new TlsConfigError(option, path, 'not_pem', 'not a PEM certificate (no "-----BEGIN CERTIFICATE-----" block; DER files need `openssl x509 -inform der -out file.pem`)');
  const certs = blocks.map((b, i) => {
    try {
      return new X509Certificate(b);
    } catch (e) {
      throw new TlsConfigError(option, path, 'not_pem', `certificate ${i + 1} in the file does not parse (corrupt PEM)`, { cause: e });
    }
  });
  return { blocks, certs };
}

/** The private key's PEM block, parsed to check it; the error never carries the key's text. */
function privateKey(option: TlsOption, path: string, pem: Buffer): { block: string; key: KeyObject } {
  const block = pem.toString('latin1').match(KEY_BLOCK);
  if (!block) throw new TlsConfigError(option, path, 'not_pem', 'not a PEM private key (no "-----BEGIN … PRIVATE KEY-----" block)');
  if (block[1] === 'ENCRYPTED PRIVATE KEY' || /Proc-Type: 4,ENCRYPTED/.test(block[0])) {
    throw new TlsConfigError(option, path, 'encrypted', 'the private key is encrypted; bcastd needs it unencrypted (protect it with file permissions: `openssl pkey -in enc.key -out plain.key`, chmod 600)');
  }
  try {
    return { block: block[0], key: createPrivateKey(block[0]) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unparsable';
    throw new TlsConfigError(option, path, 'not_pem', `the private key does not parse (${code})`);
  }
}

/** Warns (does not fail: the file is the operator's) when the key file's mode is wider than 0600. */
async function checkKeyMode(path: string, log: Logger): Promise<void> {
  const st = await stat(path).catch(() => undefined);
  if (st === undefined || (st.mode & 0o177) === 0) return;
  const mode = `0${(st.mode & 0o777).toString(8)}`;
  log.warn({ option: 'mqtt.tls.key', path, mode }, `mqtt.tls.key ${path} has mode ${mode}, wider than 0600${(st.mode & 0o044) !== 0 ? ' (other users can read the key)' : ''}: chmod 600 it`);
}

/** Warns about our own certificate's validity (the broker will refuse it; or this device's clock is off). */
function checkValidity(cert: X509Certificate, path: string, log: Logger, now: Date): void {
  const from = new Date(cert.validFrom);
  const to = new Date(cert.validTo);
  if (to < now) log.warn({ option: 'mqtt.tls.cert', path, validTo: to.toISOString() }, `mqtt.tls.cert ${path} expired on ${to.toISOString()}: the broker will refuse it (or this device's clock is wrong)`);
  else if (from > now) log.warn({ option: 'mqtt.tls.cert', path, validFrom: from.toISOString() }, `mqtt.tls.cert ${path} is not valid before ${from.toISOString()}: check this device's clock`);
}

/**
 * Reads and checks the TLS files; undefined when mqtt.tls is absent. A cert without `key` must hold the key
 * itself (one combined PEM file).
 */
export async function loadTlsOptions(tls: MqttTlsSettings | undefined, log: Logger, now = new Date()): Promise<TlsConnectOptions | undefined> {
  if (tls === undefined) return undefined;
  const out: TlsConnectOptions = { rejectUnauthorized: tls.rejectUnauthorized ?? true };
  if (tls.servername !== undefined) out.servername = tls.servername;
  if (tls.ca !== undefined) {
    out.ca = await readPem('mqtt.tls.ca', tls.ca);
    certificates('mqtt.tls.ca', tls.ca, out.ca);
  }
  if (tls.key !== undefined && tls.cert === undefined) {
    throw new TlsConfigError('mqtt.tls.key', tls.key, 'incomplete', 'a client key without mqtt.tls.cert: set both (or neither)');
  }
  if (tls.cert !== undefined) {
    const certPem = await readPem('mqtt.tls.cert', tls.cert);
    const { blocks, certs } = certificates('mqtt.tls.cert', tls.cert, certPem);
    // Without mqtt.tls.key the certificate file must hold the key too (one combined PEM).
    const keyPath = tls.key ?? tls.cert;
    const keyOption: TlsOption = tls.key !== undefined ? 'mqtt.tls.key' : 'mqtt.tls.cert';
    const keyPem = tls.key !== undefined ? await readPem('mqtt.tls.key', tls.key) : certPem;
    if (tls.key === undefined && !KEY_BLOCK.test(certPem.toString('latin1'))) {
      throw new TlsConfigError('mqtt.tls.key', tls.cert, 'incomplete', 'mqtt.tls.cert holds no private key and mqtt.tls.key is not set');
    }
    const { block, key } = privateKey(keyOption, keyPath, keyPem);
    if (!certs[0]!.checkPrivateKey(key)) {
      throw new TlsConfigError(keyOption, keyPath, 'mismatch', `the private key does not belong to the certificate in mqtt.tls.cert ${tls.cert}`);
    }
    await checkKeyMode(keyPath, log);
    checkValidity(certs[0]!, tls.cert, log, now);
    // The leaf plus any intermediates, and the key alone (never the other blocks of a combined file).
    out.cert = Buffer.from(blocks.join('\n') + '\n');
    out.key = Buffer.from(block + '\n');
  }
  return out;
}

/** The client certificate's subject CN (the device id in a fleet), for log lines; undefined without one. */
export function clientCertCn(opts: TlsConnectOptions | undefined): string | undefined {
  if (opts?.cert === undefined) return undefined;
  const block = opts.cert.toString('latin1').match(CERT_BLOCK)?.[0];
  if (block === undefined) return undefined;
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(new X509Certificate(block).subject)?.[1];
  return cn;
}
