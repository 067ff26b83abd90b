/**
 * Checks a parsed config against BoardConfigSchema with ajv (filling defaults in place) and turns
 * ajv's errors into one-line, located problems: `/modem/baudRate must be integer (got "fast")`.
 * The validator is ajv's code for the schema, generated at build time (scripts/gen-validators.mjs).
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { validate as generatedValidator } from './board-validator.generated.js';
import { EXPECTED } from './schema-kit.js';
import { didYouMean } from './did-you-mean.js';
import { escapeToken } from './interpolate.js';
import type { Anchor } from './yaml-source.js';

/** A problem before it is located in the source: `locateAt` is the pointer whose `anchor` to point at. */
export interface Problem {
  readonly path: string;
  readonly locateAt: string;
  readonly anchor: Anchor;
  readonly expected: string;
  readonly message: string;
  /** Unknown key: the pointer of the known key it probably meant. */
  readonly suggests?: string;
  /** Set on "is required" problems. */
  readonly missing?: true;
}

const validateBoard = generatedValidator as unknown as ValidateFunction;

/** Validate (and complete with defaults) in place; returns every problem found, or none. */
export function checkSchema(value: unknown): Problem[] {
  if (validateBoard(value)) return [];
  const errors = validateBoard.errors ?? [];
  // A failed anyOf is reported once, as a whole, rather than as one complaint per branch.
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const e of errors) {
    if (e.keyword === 'if' || anyOfs.some((p) => e.schemaPath.startsWith(p))) continue;
    const p = describe(e);
    const id = `${p.path}\u0000${p.message}`; // e.g. pattern and format both failing on one URL
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push(p);
  }
  // `modme:` written for `modem:` is one mistake: the did-you-mean already says what is missing.
  const suggested = new Set(problems.flatMap((p) => (p.suggests === undefined ? [] : [p.suggests])));
  return problems.filter((p) => !(p.missing && suggested.has(p.path)));
}

/** How a pointer reads in a message. */
export function subject(pointer: string): string {
  return pointer === '' ? 'the config' : pointer;
}

function describe(e: ErrorObject): Problem {
  const at = e.instancePath;
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  const hint = typeof parent[EXPECTED] === 'string' ? (parent[EXPECTED] as string) : undefined;
  const value = (expected: string, must = `must be ${expected}`, got = ` (got ${show(e.data)})`): Problem => ({
    path: at,
    locateAt: at,
    anchor: 'value',
    expected,
    message: `${subject(at)} ${must}${got}`,
  });
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const path = `${at}/${escapeToken(key)}`;
      const known = Object.keys((parent['properties'] as object | undefined) ?? {});
      const guess = didYouMean(key, known);
      const expected = known.length > 0 ? `one of the keys ${known.join(', ')}` : (hint ?? 'no other keys');
      const why = guess !== undefined ? `did you mean "${guess}"?` : known.length > 0 ? `known keys: ${known.join(', ')}` : expected;
      const suggests = guess === undefined ? {} : { suggests: `${at}/${escapeToken(guess)}` };
      return { path, locateAt: path, anchor: 'key', expected, message: `${path} is not a known key (${why})`, ...suggests };
    }
    case 'required': {
      const key = String(params['missingProperty']);
      const path = `${at}/${escapeToken(key)}`;
      const field = ((parent['properties'] as Record<string, Record<string, unknown>> | undefined) ?? {})[key];
      const expected = hint ?? (typeof field?.['description'] === 'string' ? (field['description'] as string) : 'a value');
      return { path, locateAt: at, anchor: 'key', expected, message: `${path} is required${hint ? ` (${hint})` : ''}`, missing: true };
    }
    case 'type': {
      const types = String(params['type']).split(',').map(typeWord);
      return value(types.join(' or '));
    }
    case 'enum':
      return value(hint ?? `one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`);
    case 'const':
      return value(JSON.stringify(params['allowedValue']));
    case 'anyOf':
      return value(hint ?? 'one of the allowed forms (see the schema)');
    case 'pattern':
      return value(hint ?? `a string matching /${String(params['pattern'] ?? '')}/`);
    case 'format':
      return value(hint ?? `a valid ${String(params['format'])}`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const expected = `${String(params['comparison'])} ${String(params['limit'])}`;
      return value(expected, `must be ${expected}`);
    }
    case 'minLength':
      return params['limit'] === 1 ? value('a non-empty string', 'must not be empty') : value(`at least ${String(params['limit'])} characters`, `must be at least ${String(params['limit'])} characters long`);
    case 'maxLength':
      return value(`at most ${String(params['limit'])} characters`, `must be at most ${String(params['limit'])} characters long`);
    case 'minItems':
      return value(`at least ${String(params['limit'])} item(s)`, `must have at least ${String(params['limit'])} item(s)`);
    case 'uniqueItems':
    {
      const [a, b] = [Number(params['i']), Number(params['j'])].sort((x, y) => x - y);
      return value('a list without repeats', `must not repeat an item (items ${a} and ${b} are equal)`, '');
    }
    default:
      return value(e.message ?? e.keyword, e.message ?? `fails ${e.keyword}`);
  }
}

function typeWord(t: string): string {
  const words: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', boolean: 'true or false', number: 'a number', null: 'null' };
  return words[t] ?? t;
}

/** A login inside a URL (scheme://user:password@host): never echoed back in an error. */
const URL_LOGIN = /^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i;

/** A value as it reads in "(got …)": short, never multi-line, no password. */
export function show(v: unknown): string {
  if (typeof v === 'string') {
    const s = v.replace(URL_LOGIN, '$1***@');
    return JSON.stringify(s.length > 40 ? `${s.slice(0, 37)}...` : s);
  }
  if (Array.isArray(v)) return 'a list';
  if (v !== null && typeof v === 'object') return 'a mapping';
  return String(v);
}
