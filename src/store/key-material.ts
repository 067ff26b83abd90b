/**
 * Last line of defence before anything reaches the state file: refuses values that look like key
 * material, with a precise error, before the schema would refuse them anyway (additionalProperties is
 * false everywhere, so no field can hold a key). Checked by name (any depth) and by kind (bytes, a
 * serialised Buffer, a crypto Secret) so that a mistake reads "key material", not "unknown property".
 */
import { StoreError } from './errors.js';

/** Field names that only ever hold secrets in this project (compared case-insensitively). */
const SECRET_NAMES = new Set(
  ['key', 'keydata', 'keymaterial', 'k', 'opc', 'ks', 'ksnaf', 'ksextnaf', 'ksintnaf', 'msk', 'muk', 'mrk', 'mtk', 'tek',
    'salt', 'ck', 'ik', 'res', 'xres', 'secret', 'password', 'pin'],
);

function isBytes(v: object): boolean {
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return true;
  // Buffer#toJSON's shape, in case someone serialised before handing it over.
  const o = v as { type?: unknown; data?: unknown };
  return o.type === 'Buffer' && Array.isArray(o.data);
}

function isSecretHolder(v: object): boolean {
  return typeof (v as { reveal?: unknown }).reveal === 'function';
}

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Throws StoreError('key-material') at the first offending field; returns when there is none. */
export function assertNoKeyMaterial(value: unknown, path = ''): void {
  if (value === null || typeof value !== 'object') return;
  if (isBytes(value) || isSecretHolder(value)) {
    throw new StoreError('key-material', `refusing to persist raw bytes or a secret at ${path || '/'}: the state file holds no key material`, path);
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertNoKeyMaterial(item, `${path}/${i}`));
    return;
  }
  for (const [name, item] of Object.entries(value)) {
    const at = `${path}/${escapePointer(name)}`;
    if (SECRET_NAMES.has(name.toLowerCase())) {
      throw new StoreError('key-material', `refusing to persist field ${at}: the state file holds no key material`, at);
    }
    assertNoKeyMaterial(item, at);
  }
}
