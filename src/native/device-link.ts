// A stable device path (like /dev/serial/by-id/usb-…) that is a symlink to a pty slave. Tests simulate
// USB re-enumeration with it: detach() removes the node as a vanished device does, attach() makes it
// appear again, possibly pointing at a new pty.
import { mkdir, readlink, rename, symlink, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}

export class DeviceLink {
  constructor(readonly path: string) {}

  /** Create (or atomically re-point) the link so that `path` opens `target`. */
  async attach(target: string): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    // symlink beside it, then rename over it: an opener never sees a missing or half-made node
    const tmp = `${this.path}.${process.pid}.tmp`;
    await unlink(tmp).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
    await symlink(target, tmp);
    await rename(tmp, this.path);
  }

  /** Remove the link; an open fd on the target is not affected. No error when already absent. */
  async detach(): Promise<void> {
    await unlink(this.path).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }

  /** Where the link points now, or null when it does not exist. */
  async target(): Promise<string | null> {
    try {
      return await readlink(this.path);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }
}
