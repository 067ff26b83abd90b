/**
 * The USIM PIN from the file the board config names (e.g. a systemd credential): 4..8 digits,
 * surrounding whitespace ignored. A file others can read is accepted but warned about.
 */
import { readFile, stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import { encodePin } from '../codec/usim/index.js';
import { Secret } from '../crypto/index.js';
import { CardStateError } from './errors.js';

/** The PIN, encoded for VERIFY (ASCII digits padded with FF), in a Secret. */
export async function readPinFile(path: string, log?: Logger): Promise<Secret> {
  let text: string;
  try {
    const st = await stat(path);
    if ((st.mode & 0o077) !== 0) log?.warn({ path, mode: (st.mode & 0o777).toString(8) }, 'PIN file is readable by others; use mode 0600');
    text = (await readFile(path, 'utf8')).trim();
  } catch (e) {
    throw new CardStateError(`cannot read the PIN file ${path}: ${(e as Error).message}`);
  }
  if (!/^\d{4,8}$/.test(text)) throw new CardStateError(`the PIN file ${path} does not hold a PIN of 4..8 digits`);
  return new Secret(encodePin(text));
}
