// The state dir is trusted with what the daemon writes (state, runtime file, the sim's AT log), so it must be
// ours alone: created 0700, or, when it already exists, a real directory (lstat: never a symlink), owned by
// this user and writable by nobody else. Anything else is refused: a directory another user made beforehand
// could hold a symlink that turns our next write into an overwrite of someone else's file.
import { chmod, lstat, mkdir } from 'node:fs/promises';

export class UnsafeDirError extends Error {
  override readonly name = 'UnsafeDirError';
  constructor(
    readonly dir: string,
    readonly why: string,
  ) {
    super(`state dir ${dir} is not private (${why}): remove it, or point stateDir (BCASTD_STATE_DIR on the sim board) at a directory of your own`);
  }
}

export interface PrivateDirResult {
  created: boolean;
  /** An existing dir of ours that others could read or enter was closed to 0700. */
  tightened: boolean;
}

export async function ensurePrivateDir(dir: string, uid: number | undefined = process.getuid?.()): Promise<PrivateDirResult> {
  let created = false;
  try {
    await mkdir(dir, { mode: 0o700 });
    created = true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      created = true;
    } else if (code !== 'EEXIST') throw err;
  }
  const st = await lstat(dir);
  if (st.isSymbolicLink()) throw new UnsafeDirError(dir, 'it is a symbolic link');
  if (!st.isDirectory()) throw new UnsafeDirError(dir, 'it is not a directory');
  if (uid !== undefined && st.uid !== uid) throw new UnsafeDirError(dir, `owned by uid ${st.uid}, not by this user (uid ${uid})`);
  // Writable by group or others (tmpfs-style 1777 included): anything may have been planted in it already.
  if ((st.mode & 0o022) !== 0) throw new UnsafeDirError(dir, `mode ${(st.mode & 0o7777).toString(8)} lets others write in it`);
  let tightened = false;
  if ((st.mode & 0o077) !== 0) {
    await chmod(dir, 0o700);
    tightened = true;
  }
  return { created, tightened };
}
