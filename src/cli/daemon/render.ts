// One line per topic, for `bcastctl status` and `bcastctl watch`: what a field tester wants to read at a glance.
import type { TopicMessage } from './mqtt-session.js';

const str = (v: unknown) => (v === null || v === undefined ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v));
const time = (ts: unknown) => (typeof ts === 'string' ? ts.slice(11, 19) : '--:--:--');

/** Order in which status shows the state topics. */
export const STATUS_ORDER = ['status', 'info', 'modem', 'pdp', 'card', 'gba', 'registration', 'keys', 'traffic', 'health'];

export function summarize(m: TopicMessage): string {
  const p = m.payload ?? {};
  switch (m.name.split('/')[0]) {
    case 'status':
      return `status        ${str(p['state'])}${p['reason'] ? `  (${str(p['reason'])})` : ''}`;
    case 'info':
      return `info          board ${str(p['board'])}, modem ${str(p['modemProfile'])}, card via ${str(p['card'])}`;
    case 'modem':
      return `modem         ${str(p['state'])}, coverage ${str(p['coverage'])}${p['model'] ? `, ${str(p['manufacturer'])} ${str(p['model'])}` : ''}`;
    case 'pdp': {
      const a = p['address'] as { ipv4?: string; ipv6?: string } | null | undefined;
      return `pdp           ${str(p['state'])}${a ? ` ${a.ipv4 ?? a.ipv6 ?? ''}` : ''}${p['reason'] ? `  (${str(p['reason'])})` : ''}`;
    }
    case 'card':
      return `card          ${str(p['state'])}${p['gbaMode'] ? `, ${str(p['gbaMode'])}, IMSI ${str(p['imsi'])}` : ''}`;
    case 'gba':
      return `gba           ${str(p['state'])}${p['btid'] ? `, B-TID ${str(p['btid'])} until ${str(p['lifetime'])}` : ''}`;
    case 'registration': {
      const t = p['lastTrigger'] as { kind?: string; at?: string; source?: string } | null | undefined;
      return `registration  ${str(p['state'])} ${Array.isArray(p['services']) ? (p['services'] as unknown[]).join(', ') : ''}${t ? `  last trigger ${t.kind}${t.source ? ` via ${t.source}` : ''} at ${time(t.at)}` : ''}`;
    }
    case 'keys':
      return `keys          domain ${str(p['keyDomainId'])} group ${str(p['keyGroup'])}: ${str(p['count'])} MSK(s)`;
    case 'traffic':
      return `traffic       domain ${str(p['keyDomainId'])} MSK ${str(p['mskId'])}: ${p['ready'] ? 'can decrypt' : 'cannot decrypt'}`;
    case 'health': {
      const lag = p['eventLoopLagMs'] as { p99?: number } | undefined;
      return `health        up ${str(p['uptimeS'])} s, RSS ${typeof p['rssBytes'] === 'number' ? Math.round(p['rssBytes'] / 1048576) : '-'} MB, loop lag p99 ${str(lag?.p99)} ms`;
    }
    case 'events': {
      const { type, ts, ...rest } = p;
      void ts;
      return `event         ${str(type)} ${Object.entries(rest).map(([k, v]) => `${k}=${str(v)}`).join(' ')}`;
    }
    default:
      return `${m.name.padEnd(13)} ${JSON.stringify(p)}`;
  }
}

export function statusLines(messages: TopicMessage[]): string[] {
  const rank = (m: TopicMessage) => {
    const i = STATUS_ORDER.indexOf(m.name.split('/')[0]!);
    return i < 0 ? STATUS_ORDER.length : i;
  };
  const byDevice = new Map<string, TopicMessage[]>();
  for (const m of messages) byDevice.set(m.device, [...(byDevice.get(m.device) ?? []), m]);
  const lines: string[] = [];
  for (const [device, list] of [...byDevice.entries()].sort()) {
    lines.push(`device ${device}`);
    for (const m of list.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))) lines.push(`  ${summarize(m)}`);
  }
  return lines;
}

export function watchLine(m: TopicMessage): string {
  return `${time(m.payload?.['ts'] ?? new Date().toISOString())} ${m.device} ${summarize(m)}`;
}
