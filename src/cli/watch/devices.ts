// Which devices `bcastctl watch` shows: exact ids, id prefixes ("box-*"), or every device ("+" or "*"). Exact ids
// get their own subscription; a prefix needs `<prefix>/+/#` and is filtered here, since MQTT has no prefix match.
import { UsageError } from '../io.js';

export interface DeviceMatcher {
  /** Subscription filters under the topic prefix. */
  filters(topicPrefix: string): string[];
  matches(deviceId: string): boolean;
  /** For the header: "box-*", "box-1, box-2", "all devices". */
  readonly label: string;
}

export function deviceMatcher(patterns: readonly string[]): DeviceMatcher {
  if (patterns.length === 0) throw new UsageError('--device needs at least one device id or prefix');
  const all = patterns.some((p) => p === '+' || p === '*');
  const prefixes: string[] = [];
  const exact: string[] = [];
  for (const p of patterns) {
    if (p === '+' || p === '*') continue;
    const star = p.indexOf('*');
    if (star >= 0 && star !== p.length - 1) throw new UsageError(`--device '${p}': only a trailing * (a prefix) is supported`);
    if (/[/#+\u0000]/.test(p)) throw new UsageError(`--device '${p}' cannot hold /, # or +`);
    if (star >= 0) prefixes.push(p.slice(0, -1));
    else exact.push(p);
  }
  const wide = all || prefixes.length > 0;
  return {
    filters: (topicPrefix) => (wide ? [`${topicPrefix}/+/#`] : exact.map((id) => `${topicPrefix}/${id}/#`)),
    matches: (id) => all || exact.includes(id) || prefixes.some((p) => id.startsWith(p)),
    label: all ? 'all devices' : patterns.join(', '),
  };
}
