/**
 * YAML text → plain value, keeping the syntax tree so a JSON pointer found wrong later (by the
 * schema or a rule) can be traced back to a line and column. Syntax problems become ConfigIssues.
 */
import { LineCounter, parseAllDocuments, isAlias, isMap, isScalar, isSeq, visit, type Document, type Node } from 'yaml';
import { ConfigError, type ConfigIssue } from './errors.js';

/** Point at a field's key (`modme:`) or at its value (`fast`). */
export type Anchor = 'key' | 'value';

export interface Position {
  readonly line: number;
  readonly col: number;
}

export interface YamlSource {
  /** The document as plain JS (mappings → objects, sequences → arrays). */
  readonly value: unknown;
  /** Where the field at `pointer` is written, if it is. */
  locate(pointer: string, at: Anchor): Position | undefined;
}

/** Parse one YAML document; throws ConfigError (with line/col) for anything that is not clean YAML. */
export function parseYaml(text: string, source: string): YamlSource {
  const lines = new LineCounter();
  const at = (offset: number | undefined): Position | undefined => (offset === undefined ? undefined : lines.linePos(offset));
  const fail = (problems: ConfigIssue[]): never => {
    throw new ConfigError(source, problems as [ConfigIssue, ...ConfigIssue[]]);
  };

  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, logLevel: 'silent', uniqueKeys: true });
  // parseAllDocuments returns an EmptyStream (an array with no documents) for an empty file.
  const list = Array.from(docs);
  if (list.length > 1) fail([syntax('one YAML document per file (found more than one "---")', at(list[1]!.range[0]))]);
  const doc = list[0];
  if (doc === undefined) return { value: null, locate: () => undefined };

  const problems = [...doc.errors, ...doc.warnings].map((e) => syntax(firstLine(e.message), at(e.pos[0])));
  visit(doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key)) problems.push(syntax('keys must be plain strings', at((pair.key as Node | null)?.range?.[0])));
    },
    // An alias inside the node its anchor names (`a: &a [*a]`) makes a cyclic value that no walker survives.
    Alias(_, alias, path) {
      const recursive = path.some((p) => (isMap(p) || isSeq(p) || isScalar(p)) && p.anchor === alias.source);
      if (recursive) problems.push(syntax(`alias *${alias.source} refers to a node that contains it (recursive alias)`, at(alias.range?.[0])));
    },
  });
  if (problems.length > 0) fail(problems);

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // toJS refuses unresolved or excessive aliases by throwing; it is the parser's boundary, so wrap it.
    fail([syntax(firstLine((e as Error).message), undefined)]);
  }
  return { value, locate: (pointer, anchor) => locate(doc, pointer, anchor, at) };
}

function syntax(message: string, pos: Position | undefined): ConfigIssue {
  return { path: '', ...pos, expected: 'valid YAML', message: `YAML syntax: ${message}` };
}

function firstLine(s: string): string {
  return s.split('\n', 1)[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** Split a JSON pointer (RFC 6901) into its reference tokens. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function locate(doc: Document, pointer: string, anchor: Anchor, at: (o: number | undefined) => Position | undefined): Position | undefined {
  let node: unknown = doc.contents;
  let keyPos: Position | undefined;
  const tokens = pointerTokens(pointer);
  if (tokens.length === 0 && anchor === 'key') return undefined; // the whole file has no key
  for (const [i, token] of tokens.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === token);
      if (pair === undefined) return undefined;
      keyPos = at((pair.key as Node).range?.[0]);
      if (i === tokens.length - 1 && anchor === 'key') return keyPos;
      node = pair.value;
    } else if (isSeq(node)) {
      node = /^\d+$/.test(token) ? node.items[Number(token)] : undefined;
      if (node === undefined) return undefined;
      keyPos = undefined;
    } else {
      return undefined;
    }
  }
  const range = (node as Node | null)?.range;
  // An empty value (`key:`) is a zero-width node: point at its key instead.
  return range && range[1] > range[0] ? at(range[0]) : (keyPos ?? (range ? at(range[0]) : undefined));
}
