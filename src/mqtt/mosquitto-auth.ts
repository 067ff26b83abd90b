/**
 * The password and ACL files of the local mosquitto. The password file is hashed by mosquitto's own tool
 * (`mosquitto_passwd -U` upgrades a plain `user:password` file in place), so no password ever sits on a command
 * line where /proc would show it to other users. Started as root, mosquitto drops to its own user before it reads
 * these files: then they live in a dir of their own handed to that user, still closed to everyone else.
 */
import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { BrokerUnavailableError } from './errors.js';
import { createPrivateDir, writePrivateFile, type BrokerLogin } from './broker-accounts.js';
import { ROLES, type Role } from './roles.js';

const run = promisify(execFile);

export interface MosquittoAuthFiles {
  /** The dir holding conf, password, ACL and log files (name starts with `bcastd-broker-`). */
  readonly dir: string;
  readonly passwordFile: string;
  readonly aclFile: string;
  remove(): Promise<void>;
}

/** mosquitto_passwd next to the broker binary, else on PATH. */
function passwdTool(mosquittoBin: string): string[] {
  const near = join(dirname(mosquittoBin).replace(/sbin$/, 'bin'), 'mosquitto_passwd');
  return [near, 'mosquitto_passwd'];
}

/** The uid/gid mosquitto drops to when started as root (its `user` option, default `mosquitto`). */
async function brokerAccount(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  try {
    const uid = Number((await run('id', ['-u', 'mosquitto'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'mosquitto'])).stdout.trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : null;
  } catch {
    return null;
  }
}

export async function writeMosquittoAuth(mosquittoBin: string, logins: Readonly<Record<Role, BrokerLogin>>, acl: string): Promise<MosquittoAuthFiles & { owner: { uid: number; gid: number } | null }> {
  const owner = await brokerAccount();
  // Root: a dir of its own under the temp dir, since mosquitto (then unprivileged) cannot enter root's runtime dir.
  const dir = owner ? await mkdtemp(join(tmpdir(), 'bcastd-broker-')) : await createPrivateDir('bcastd-broker-');
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const passwordFile = join(dir, 'passwd');
    const aclFile = join(dir, 'acl');
    await writePrivateFile(passwordFile, ROLES.map((r) => `${logins[r].username}:${logins[r].password}\n`).join(''));
    let hashed = false;
    let why = '';
    for (const tool of passwdTool(mosquittoBin)) {
      try {
        await run(tool, ['-U', passwordFile]);
        hashed = true;
        break;
      } catch (e) {
        why = (e as Error).message;
      }
    }
    if (!hashed) throw new BrokerUnavailableError(`cannot hash the broker passwords with mosquitto_passwd: ${why}`);
    await writePrivateFile(aclFile, acl);
    if (owner) {
      for (const p of [dir, passwordFile, aclFile]) await chown(p, owner.uid, owner.gid);
    }
    return { dir, passwordFile, aclFile, owner, remove };
  } catch (e) {
    await remove();
    throw e;
  }
}
