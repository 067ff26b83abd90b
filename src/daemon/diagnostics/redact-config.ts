/**
 * A board config fit for a bug report: a deep copy where secret-named fields are "[redacted]", identity fields
 * keep a maskId form, and every string passes the masker (a broker URL with user:password@, a key pasted
 * into a field, an IMSI). File paths stay, even under a secret-looking name (`mqtt.passwordFile`, `card.pinFile`,
 * `mqtt.tls.key`): they say where a secret lives, not what it is. The files themselves are never read.
 */
import { isSecretName } from '../../mqtt/sanitize.js';
import { maskValue, maskPlain } from './masker.js';

export const REDACTED = '[redacted]';

/** Names the MQTT sanitizer does not know but a config might still carry. */
const EXTRA_SECRET_NAMES = new Set(['token', 'accesstoken', 'apikey', 'privatekey', 'ki', 'auts', 'sqn']);
/** `passwordFile`, `pinPath`, `keyDir`: a field naming where something is. */
const PATH_FIELD = /(?:file|path|dir)$/i;

function secretField(key: string): boolean {
  return isSecretName(key) || EXTRA_SECRET_NAMES.has(key.replace(/[^A-Za-z0-9]/g, '').toLowerCase());
}

export function redactConfig(config: unknown): unknown {
  return walk(config, undefined, 0);
}

function walk(v: unknown, key: string | undefined, depth: number): unknown {
  if (depth > 32) return REDACTED;
  if (key !== undefined && secretField(key)) {
    // A path under a secret name stays (masked as text anyway); a value does not.
    return typeof v === 'string' && PATH_FIELD.test(key) && v.startsWith('/') ? maskPlain(v) : REDACTED;
  }
  if (Array.isArray(v)) return v.map((item) => walk(item, undefined, depth + 1));
  if (v instanceof Date) return v.toISOString();
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v)) out[k] = walk(item, k, depth + 1);
    return out;
  }
  // Strings and numbers: the masker's text and identity-field rules.
  return maskValue(v, key);
}
