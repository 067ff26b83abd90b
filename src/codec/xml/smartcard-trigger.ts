import { TRIGGER_CONTENT_TYPE } from '../wsp/bcast.js';
import { parseXmlDocument, type XmlElement } from './xml-document.js';

/**
 * Smartcard Profile Trigger Message (BCAST Services 5.1.8.1, SPEC §3.4).
 * The media type exists [C]; its schema was not available.
 *
 * [U] — SPEC §3.4 project choice: any well-formed XML document of this type is a trigger that makes
 * the terminal run Registration. No element is known, so every element below the root is reported
 * in `unknownElements` for the log. Correct `KNOWN_ELEMENTS` here once the schema is read.
 */
/** The push content type (one home: codec/wsp/bcast.ts). */
export const SMARTCARD_TRIGGER_MEDIA_TYPE = TRIGGER_CONTENT_TYPE;

/** Local names this reader understands below the root [U]: none yet. */
const KNOWN_ELEMENTS: ReadonlySet<string> = new Set<string>();

/** Enough distinct names to explain a trigger in a log line, not an unbounded list. */
const MAX_REPORTED = 32;

export interface SmartcardTrigger {
  /** Local name of the root element. */
  readonly rootElement: string;
  readonly rootNamespace: string | undefined;
  /** Distinct local names of unknown elements below the root, in document order (at most 32). */
  readonly unknownElements: string[];
}

export function parseSmartcardTrigger(body: string | Uint8Array): SmartcardTrigger {
  const root = parseXmlDocument(body);
  const unknown = new Set<string>();
  const pending: XmlElement[] = [...root.children].reverse();
  while (pending.length > 0 && unknown.size < MAX_REPORTED) {
    const el = pending.pop()!;
    if (!KNOWN_ELEMENTS.has(el.local)) unknown.add(el.local);
    for (let i = el.children.length - 1; i >= 0; i--) pending.push(el.children[i]!);
  }
  return { rootElement: root.local, rootNamespace: root.namespace, unknownElements: [...unknown] };
}
