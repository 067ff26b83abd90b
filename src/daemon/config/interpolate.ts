/**
 * `${VAR}` / `${VAR:-default}` in string values, from the environment: secrets and per-host paths
 * (systemd's $CREDENTIALS_DIRECTORY, a test's state dir) stay out of the committed board file.
 * `$$` is a literal `$`; a `$` not followed by `{` or `$` is kept as is (regexes, AT command names).
 * Only values are expanded, never keys, and the result stays a string.
 */

export interface InterpolationProblem {
  /** JSON pointer of the string value. */
  readonly path: string;
  readonly message: string;
}

const TOKEN = /\$(?:\$|\{([^}]*)\}|\{)/g;
const NAME = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/** Expand every string inside `value` in place; returns the problems (unset variables, bad syntax). */
export function interpolateEnv(value: unknown, env: Readonly<Record<string, string | undefined>>): InterpolationProblem[] {
  const problems: InterpolationProblem[] = [];
  const expand = (s: string, path: string): string =>
    s.replace(TOKEN, (whole, inner: string | undefined) => {
      if (whole === '$$') return '$';
      if (inner === undefined) {
        problems.push({ path, message: `has an unterminated "\${" (write "$$" for a literal "$")` });
        return whole;
      }
      const m = NAME.exec(inner);
      if (m === null) {
        // JSON quoting keeps the message on one line whatever the value holds.
        problems.push({ path, message: `has ${JSON.stringify(`\${${inner}}`)}, expected \${NAME} or \${NAME:-default}` });
        return whole;
      }
      const [, name, fallback] = m as unknown as [string, string, string | undefined];
      const v = env[name];
      if (v !== undefined && (v !== '' || fallback === undefined)) return v;
      if (fallback !== undefined) return fallback;
      problems.push({ path, message: `uses environment variable ${name}, which is not set` });
      return whole;
    });
  const walk = (node: unknown, path: string, set: (v: string) => void): void => {
    if (typeof node === 'string') {
      if (node.includes('$')) set(expand(node, path));
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${path}/${i}`, (v) => (node[i] = v)));
    } else if (node !== null && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      for (const key of Object.keys(obj)) walk(obj[key], `${path}/${escapeToken(key)}`, (v) => (obj[key] = v));
    }
  };
  walk(value, '', () => undefined);
  return problems;
}

export function escapeToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
