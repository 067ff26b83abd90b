// Throwaway X.509 material for TLS tests, made with the `openssl` CLI (Debian package `openssl`) in a temp dir:
// a CA, a second unrelated CA, broker certificates (for localhost/127.0.0.1, and for a wrong name) and client
// certificates whose CN is the device id (good, from the other CA, expired). EC P-256 keys, mode 0600.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const OPENSSL_BIN = 'openssl';

export interface CertFiles {
  /** PEM certificate. */
  cert: string;
  /** PEM private key, mode 0600. */
  key: string;
}

export interface TlsFixture {
  readonly dir: string;
  /** The CA the broker and the good clients chain to. */
  readonly ca: CertFiles;
  /** An unrelated CA nobody trusts. */
  readonly otherCa: CertFiles;
  /** Broker certificate for localhost / 127.0.0.1, from `ca`. */
  readonly server: CertFiles;
  /** Broker certificate from `ca`, but only for broker.example.net (name mismatch on 127.0.0.1). */
  readonly serverWrongName: CertFiles;
  /** A client certificate (CN = the device id) from `ca`; made on first use. */
  client(cn: string): Promise<CertFiles>;
  /** A client certificate with this CN from `otherCa`. */
  clientOtherCa(cn: string): Promise<CertFiles>;
  /** A client certificate with this CN from `ca` that expired yesterday. */
  clientExpired(cn: string): Promise<CertFiles>;
  /** See giveToBrokerUser below (the broker certificates' keys are handed over already). */
  giveToBrokerUser(...files: string[]): Promise<void>;
  close(): Promise<void>;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run(OPENSSL_BIN, args, { cwd });
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(`openssl ${args[0]} failed: ${err.stderr ?? err.message}`, { cause: e });
  }
}

async function brokerUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const { stdout } = await run('id', ['-u', 'mosquitto']);
    const { stdout: g } = await run('id', ['-g', 'mosquitto']);
    return { uid: Number(stdout.trim()), gid: Number(g.trim()) };
  } catch {
    return undefined;
  }
}

/**
 * mosquitto 2.0 started as root drops to the `mosquitto` user before it reads its certificates and keys: hand
 * 0600 key files to that user, as a packaged install would (no-op when not root or without that user).
 */
export async function giveToBrokerUser(...files: string[]): Promise<void> {
  const user = await brokerUser();
  if (user === undefined) return;
  for (const f of files) await chown(f, user.uid, user.gid);
}

export async function makeTlsFixture(): Promise<TlsFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'bcastd-tls-'));
  // mosquitto (dropped to its own user) must reach the certificates and the public files in here.
  await chmod(dir, 0o755);
  const made = new Map<string, Promise<CertFiles>>();

  async function makeCa(name: string): Promise<CertFiles> {
    const f = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
    await openssl(['req', '-x509', ...EC, '-keyout', f.key, '-out', f.cert, '-days', '2', '-subj', `/CN=bcastd test ${name}`], dir);
    await chmod(f.key, 0o600);
    return f;
  }

  /** A leaf signed by `ca`; `days` negative gives an already expired certificate. */
  async function leaf(name: string, cn: string, ca: CertFiles, ext: string[], days = 2): Promise<CertFiles> {
    const f = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
    const csr = join(dir, `${name}.csr`);
    const extFile = join(dir, `${name}.ext`);
    await writeFile(extFile, [...ext, ''].join('\n'));
    await openssl(['req', ...EC, '-keyout', f.key, '-out', csr, '-subj', `/CN=${cn}`], dir);
    const serial = `0x${randomBytes(12).toString('hex')}`;
    await openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-set_serial', serial, '-days', String(days), '-extfile', extFile, '-out', f.cert], dir);
    await chmod(f.key, 0o600);
    await chmod(f.cert, 0o644);
    return f;
  }

  const serverExt = (san: string) => ['basicConstraints = CA:FALSE', 'keyUsage = digitalSignature', 'extendedKeyUsage = serverAuth', `subjectAltName = ${san}`];
  const clientExt = ['basicConstraints = CA:FALSE', 'keyUsage = digitalSignature', 'extendedKeyUsage = clientAuth'];

  const ca = await makeCa('ca');
  const otherCa = await makeCa('other-ca');
  await chmod(ca.cert, 0o644);
  await chmod(otherCa.cert, 0o644);
  const server = await leaf('server', 'localhost', ca, serverExt('DNS:localhost, IP:127.0.0.1'));
  const serverWrongName = await leaf('server-wrong-name', 'broker.example.net', ca, serverExt('DNS:broker.example.net'));

  const once = (tag: string, make: () => Promise<CertFiles>) => {
    let f = made.get(tag);
    if (f === undefined) made.set(tag, (f = make()));
    return f;
  };
  const safe = (cn: string) => cn.replace(/[^A-Za-z0-9_.-]/g, '_');

  const fixture: TlsFixture = {
    dir,
    ca,
    otherCa,
    server,
    serverWrongName,
    client: (cn) => once(`good:${cn}`, () => leaf(`client-${safe(cn)}`, cn, ca, clientExt)),
    clientOtherCa: (cn) => once(`other:${cn}`, () => leaf(`client-other-ca-${safe(cn)}`, cn, otherCa, clientExt)),
    clientExpired: (cn) => once(`expired:${cn}`, () => leaf(`client-expired-${safe(cn)}`, cn, ca, clientExt, -1)),
    giveToBrokerUser,
    close: () => rm(dir, { recursive: true, force: true }),
  };
  for (const f of [server, serverWrongName]) await fixture.giveToBrokerUser(f.key);
  return fixture;
}
