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

const NAME = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/** Expand every string inside `value` in place; returns the problems (unset variables, bad syntax). */
export function interpolateEnv(value: unknown, env: Readonly<Record<string, string | undefined>>): InterpolationProblem[] {
  const problems: InterpolationProblem[] = [];
  const resolve = (inner: string, whole: string, path: string): string => {
    const m = NAME.exec(inner);
    if (m === null) {
      // JSON quoting keeps the message on one line whatever the value holds.
      problems.push({ path, message: `has ${JSON.stringify(`\${${inner}}`)}, expected \${NAME} or \${NAME:-default}` });
      return whole;
    }
    const [, name, fallback] = m as unknown as [string, string, string | undefined];
    const v = env[name];
    if (v !== undefined && (v !== '' || fallback === undefined)) return v;
    // A default may name another variable: ${BCASTD_STATE_DIR:-${XDG_RUNTIME_DIR:-/tmp}/bcastd-sim}.
    if (fallback !== undefined) return fallback.includes('${') ? expand(fallback, path) : fallback;
    problems.push({ path, message: `uses environment variable ${name}, which is not set` });
    return whole;
  };
  /** `$$` → `$`; `${…}` up to its matching brace (defaults may nest); any other `$` stays. */
  const expand = (s: string, path: string): string => {
    let out = '';
    let i = 0;
    while (i < s.length) {
      const c = s[i]!;
      if (c !== '$' || (s[i + 1] !== '$' && s[i + 1] !== '{')) {
        out += c;
        i++;
        continue;
      }
      if (s[i + 1] === '$') {
        out += '$';
        i += 2;
        continue;
      }
      let depth = 1;
      let j = i + 2;
      for (; j < s.length && depth > 0; j++) {
        if (s[j] === '$' && (s[j + 1] === '$' || s[j + 1] === '{')) {
          if (s[j + 1] === '{') depth++;
          j++;
        } else if (s[j] === '}') depth--;
      }
      if (depth > 0) {
        problems.push({ path, message: `has an unterminated "\${" (write "$$" for a literal "$")` });
        out += '${';
        i += 2;
        continue;
      }
      out += resolve(s.slice(i + 2, j - 1), s.slice(i, j), path);
      i = j;
    }
    return out;
  };
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
