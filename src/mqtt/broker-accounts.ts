/**
 * The accounts of the local broker bcastd starts (mosquitto or the embedded aedes): one generated password per
 * role, kept in a private runtime dir (`$XDG_RUNTIME_DIR` or the temp dir, mkdtemp, mode 0700, owner checked with
 * lstat — never a fixed /tmp path). The tester's and the player's logins are JSON files there
 * (`{"username","password"}`, mode 0600) for bcastctl and the local player; the daemon's own stays in memory.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MqttError } from './errors.js';
import { ROLES, type Role } from './roles.js';

export interface BrokerLogin {
  username: string;
  password: string;
}

export interface BrokerAccounts {
  /** The private runtime dir (0700, ours). */
  readonly dir: string;
  readonly logins: Readonly<Record<Role, BrokerLogin>>;
  /** `{"username","password"}` files (0600) of the roles other processes use. */
  readonly credentialFiles: Readonly<Record<'tester' | 'player', string>>;
  /** Removes the dir and everything in it. */
  remove(): Promise<void>;
}

const myUid = () => process.getuid?.() ?? -1;

/** Fails unless `path` is a real directory (no symlink) or regular file of ours with no group/other access. */
export async function assertPrivate(path: string, kind: 'dir' | 'file'): Promise<void> {
  const st = await lstat(path);
  const rightKind = kind === 'dir' ? st.isDirectory() : st.isFile();
  if (!rightKind || st.isSymbolicLink()) throw new MqttError('config_invalid', `${path} is not a plain ${kind === 'dir' ? 'directory' : 'file'}`);
  if (myUid() >= 0 && st.uid !== myUid()) throw new MqttError('config_invalid', `${path} belongs to uid ${st.uid}, not to us (uid ${myUid()})`);
  if ((st.mode & 0o077) !== 0) throw new MqttError('config_invalid', `${path} is open to other users (mode ${(st.mode & 0o777).toString(8)})`);
}

/** A fresh private dir under $XDG_RUNTIME_DIR (else the temp dir). */
export async function createPrivateDir(prefix: string): Promise<string> {
  const base = process.env['XDG_RUNTIME_DIR'] || tmpdir();
  const dir = await mkdtemp(join(base, prefix));
  await assertPrivate(dir, 'dir');
  return dir;
}

/** Writes a secret file no other user can open, not even for an instant (created 0600, exclusive). */
export async function writePrivateFile(path: string, content: string): Promise<void> {
  await writeFile(path, content, { mode: 0o600, flag: 'wx' });
  await assertPrivate(path, 'file');
}

export async function createBrokerAccounts(): Promise<BrokerAccounts> {
  const dir = await createPrivateDir('bcastd-run-');
  try {
    const logins = {} as Record<Role, BrokerLogin>;
    for (const role of ROLES) logins[role] = { username: role, password: randomBytes(18).toString('base64url') };
    const credentialFiles = { tester: join(dir, 'tester.json'), player: join(dir, 'player.json') };
    for (const role of ['tester', 'player'] as const) await writePrivateFile(credentialFiles[role], JSON.stringify(logins[role]) + '\n');
    return { dir, logins, credentialFiles, remove: () => rm(dir, { recursive: true, force: true }) };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

/** A credentials file written by createBrokerAccounts (or the board's account script), checked before use. */
export async function readCredentialFile(path: string): Promise<BrokerLogin> {
  await assertPrivate(path, 'file');
  const v = JSON.parse(await readFile(path, 'utf8')) as unknown;
  if (v === null || typeof v !== 'object' || typeof (v as BrokerLogin).username !== 'string' || typeof (v as BrokerLogin).password !== 'string') {
    throw new MqttError('config_invalid', `${path} is not {"username","password"}`);
  }
  return { username: (v as BrokerLogin).username, password: (v as BrokerLogin).password };
}
