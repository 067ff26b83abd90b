/**
 * Replace a file so that a reader (or the next start after a crash or power cut) sees either the old
 * content or the new, never a mix: write a uniquely named temp file in the same directory (rename is
 * only atomic within one file system), fsync it, rename it over the target, then fsync the directory
 * so the rename itself is durable. The file system calls go through `AtomicFs` so tests can record
 * their order on the real file system, or inject ENOSPC/EACCES.
 */
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The part of a fs/promises FileHandle used here. */
export interface AtomicHandle {
  writeFile(data: string | Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The part of node:fs/promises used here. */
export interface AtomicFs {
  open(path: string, flags: string, mode?: number): Promise<AtomicHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
}

export const nodeFs: AtomicFs = {
  open: (path, flags, mode) => fsp.open(path, flags, mode),
  rename: (from, to) => fsp.rename(from, to),
  unlink: (path) => fsp.unlink(path),
  readdir: (path) => fsp.readdir(path),
};

/** Owner read/write only: the file holds a B-TID and the service list. */
export const STATE_FILE_MODE = 0o600;

function tempPrefix(target: string): string {
  return `.${basename(target)}.tmp-`;
}

export function tempPathFor(target: string): string {
  return join(dirname(target), `${tempPrefix(target)}${process.pid}-${randomBytes(6).toString('hex')}`);
}

export function isTempFor(target: string, name: string): boolean {
  return name.startsWith(tempPrefix(target));
}

export async function writeFileAtomic(target: string, data: string | Uint8Array, fs: AtomicFs = nodeFs): Promise<void> {
  const tmp = tempPathFor(target);
  // 'wx': never follow or reuse an existing file of that name.
  const handle = await fs.open(tmp, 'wx', STATE_FILE_MODE);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(dirname(target), fs);
}

/** fsync a directory so that a rename in it survives a power cut. */
export async function syncDir(dir: string, fs: AtomicFs = nodeFs): Promise<void> {
  const h = await fs.open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/**
 * Removes temp files a killed writer left beside `target`. Call before this process starts writing
 * (one writer per state file); returns the names removed.
 */
export async function removeStaleTemps(target: string, fs: AtomicFs = nodeFs): Promise<string[]> {
  const dir = dirname(target);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const removed: string[] = [];
  for (const name of names.filter((n) => isTempFor(target, n))) {
    try {
      await fs.unlink(join(dir, name));
      removed.push(name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return removed;
}
