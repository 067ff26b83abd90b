// The published event contract as a consumer sees it: docs/schema/events.json (the committed file, not the
// TypeBox table) compiled with ajv. Tests that run real emit sites record every event they see here and assert
// none broke the schema, so a field added at an emit site without the table fails.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { repoRoot } from './repo.js';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** An ajv instance that knows the schemas' formats and annotations, with both contract schemas added. */
export function contractAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  ajv.addFormat('date-time', ISO_MS);
  ajv.addKeyword('x-topics');
  for (const f of ['events.json', 'topics.json']) ajv.addSchema(JSON.parse(readFileSync(join(repoRoot, 'docs', 'schema', f), 'utf8')) as object);
  return ajv;
}

export class EventContract {
  readonly #validate: ValidateFunction;
  readonly violations: string[] = [];
  /** Event types seen, valid or not. */
  readonly types = new Set<string>();
  count = 0;

  constructor(ajv: Ajv = contractAjv()) {
    this.#validate = ajv.getSchema('urn:bcastd:events')!;
  }

  /** Checks one event as it travels (with `type` and `ts`); returns the ajv errors, or null when valid. */
  check(event: Record<string, unknown>): string | null {
    if (this.#validate(event)) return null;
    // oneOf reports every branch; the branch of the event's own type says what is wrong.
    const own = (this.#validate.errors ?? []).filter((e) => e.schemaPath.startsWith(`#/definitions/${String(event['type'])}/`));
    return JSON.stringify(own.length ? own : this.#validate.errors);
  }

  /** Records an event from an emit site: `type` and payload as the publish port gets them. */
  record(type: string, payload: Record<string, unknown>, ts = new Date().toISOString()): void {
    this.recordEvent({ type, ...payload, ts });
  }

  recordEvent(event: Record<string, unknown>): void {
    this.count++;
    this.types.add(String(event['type']));
    const bad = this.check(event);
    if (bad !== null) this.violations.push(`${JSON.stringify(event)}: ${bad}`);
  }
}
