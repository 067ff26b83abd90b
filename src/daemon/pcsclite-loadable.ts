// pcsclite is an optional dependency: it is missing when libpcsclite-dev was absent at npm ci.
import { createRequire } from 'node:module';

export function pcscliteLoadable(): boolean {
  try {
    createRequire(import.meta.url)('pcsclite');
    return true;
  } catch {
    return false;
  }
}
