// The `bcastctl watch` screen from the model: a header, one panel per device (one line per device when the
// panels do not fit), and the newest log entries at the bottom. Pure: model, size, time and colour in; lines out,
// each at most `width` cells and never more than `height` of them.
import type { DeviceState, Held, LogEntry, Payload, StateTopic, Verdict, WatchModel } from './model.js';
import { eventSeverity, severityOf, type Severity } from './states.js';
import { clean, fit, padTo, seg, toAnsi, type Line, type Seg, type Style } from './text.js';

export interface RenderOptions {
  width: number;
  height: number;
  color: boolean;
  /** Now, in ms (ages and staleness). */
  now: number;
  /** What is watched, for the header: e.g. "bcastd/v1/box-*". */
  watching?: string;
  /** The broker URL, for the header. */
  broker?: string;
  /** The watcher's own broker connection. */
  link?: { state: 'connected' | 'reconnecting'; since: number };
}

const LABEL = 8; // " modem  ": the label column of a panel
const MIN_LOG = 3; // the log title and at least two entries before panels give way to one line per device
const SEP = ' · ';

const two = (n: number) => String(n).padStart(2, '0');
/** Local wall-clock time, HH:MM:SS. */
export const clock = (ms: number): string => {
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
};

/** A duration, short: "4 s", "12 min", "3 h 05 min", "2 d 4 h". */
export function span(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${two(m % 60)} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

const text = (v: unknown): string => clean(v === undefined || v === null ? '-' : typeof v === 'object' ? JSON.stringify(v) : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));
const isoMs = (v: unknown): number | null => {
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  const t = new Date(v).getTime();
  return Number.isFinite(t) ? t : null;
};

const STYLE: Record<Severity, Style> = { good: 'good', warn: 'warn', bad: 'bad', none: 'plain' };

/** A state word in its colour; problems are also upper case, so they stand out without colour. */
function stateSeg(v: unknown): Seg {
  const sev = severityOf(v);
  const t = text(v);
  return seg(sev === 'bad' ? t.toUpperCase() : t, STYLE[sev]);
}

function reasonSegs(p: Payload): Seg[] {
  const r = p['reason'];
  if (r === undefined || r === null || r === '') return [];
  const sev = severityOf(p['state']);
  return [seg(` (${text(r)})`, sev === 'bad' ? 'bad' : 'dim')];
}

// 3GPP TS 27.007 +CREG/+CGREG/+CEREG <AcT>, as a field tester says it.
const ACT: readonly string[] = ['GSM', 'GSM compact', 'UMTS', 'EDGE', 'HSDPA', 'HSUPA', 'HSPA', 'LTE', 'EC-GSM-IoT', 'NB-IoT', 'LTE/5GC', 'NR/5GC', 'NG-RAN', 'EN-DC'];

function modemSegs(p: Payload): Seg[] {
  const out: Seg[] = [stateSeg(p['state']), ...reasonSegs(p)];
  const cov = p['coverage'];
  out.push(seg(`${SEP}coverage `), cov === true ? seg('yes', 'good') : cov === false ? seg('NO', 'bad') : seg('unknown', 'warn'));
  const reg = p['registration'];
  if (reg && typeof reg === 'object') {
    const r = reg as Payload;
    const served = r['registered'] === true;
    out.push(seg(SEP), seg(text(r['statName'] ?? r['stat']), served ? 'plain' : 'bad'));
    if (typeof r['act'] === 'number') out.push(seg(` ${ACT[r['act']] ?? `AcT ${r['act']}`}`));
    if (r['area']) out.push(seg(` area ${text(r['area'])}`, 'dim'));
    if (r['ci']) out.push(seg(` cell ${text(r['ci'])}`, 'dim'));
    if (typeof r['rejectCause'] === 'number') out.push(seg(` reject cause ${r['rejectCause']}`, 'bad'));
  }
  const who = [p['manufacturer'], p['model']].filter((x) => typeof x === 'string' && x !== '');
  if (who.length) out.push(seg(`${SEP}${who.map(text).join(' ')}`, 'dim'));
  return out;
}

function pdpSegs(p: Payload): Seg[] {
  const out: Seg[] = [stateSeg(p['state']), ...reasonSegs(p)];
  const a = p['address'];
  if (typeof a === 'string') out.push(seg(`${SEP}${text(a)}`));
  else if (a && typeof a === 'object') {
    const ips = [(a as Payload)['ipv4'], (a as Payload)['ipv6']].filter((x) => typeof x === 'string' && x !== '');
    if (ips.length) out.push(seg(`${SEP}${ips.map(text).join(' ')}`));
  }
  return out;
}

function cardSegs(p: Payload): Seg[] {
  const out: Seg[] = [stateSeg(p['state']), ...reasonSegs(p)];
  if (p['gbaMode']) out.push(seg(`${SEP}${text(p['gbaMode']).toUpperCase().replace('-', '_')}`));
  if (p['imsi']) out.push(seg(`${SEP}IMSI ${text(p['imsi'])}`));
  if (p['mbms'] !== undefined && p['mbms'] !== null) out.push(seg(`${SEP}MBMS `), p['mbms'] === false ? seg('NO', 'bad') : seg(text(p['mbms'])));
  if (p['reader']) out.push(seg(`${SEP}${text(p['reader'])}`, 'dim'));
  return out;
}

function gbaSegs(p: Payload, now: number): Seg[] {
  const out: Seg[] = [stateSeg(p['state']), ...reasonSegs(p)];
  if (p['mode']) out.push(seg(`${SEP}${text(p['mode'])}`));
  if (p['btid']) out.push(seg(`${SEP}B-TID ${text(p['btid'])}`));
  const until = isoMs(p['lifetime']);
  if (until !== null) out.push(until > now ? seg(`${SEP}until ${clock(until)} (${span(until - now)} left)`) : seg(`${SEP}EXPIRED at ${clock(until)}`, 'bad'));
  return out;
}

function registrationSegs(p: Payload): Seg[] {
  const out: Seg[] = [stateSeg(p['state'])];
  const services = Array.isArray(p['services']) ? p['services'].map(text) : [];
  if (services.length) out.push(seg(`${SEP}${services.join(', ')}`));
  const refused = Array.isArray(p['refused']) ? (p['refused'] as Payload[]) : [];
  if (refused.length) out.push(seg(`${SEP}REFUSED ${refused.map((r) => `${text(r?.['serviceId'])} (${text(r?.['status'])})`).join(', ')}`, 'bad'));
  const t = p['lastTrigger'];
  if (t && typeof t === 'object') {
    const tr = t as Payload;
    const at = isoMs(tr['at']);
    out.push(seg(`${SEP}last trigger `), seg(text(tr['kind']), 'bold'), seg(`${tr['source'] ? ` via ${text(tr['source'])}` : ''}${at !== null ? ` at ${clock(at)}` : ''}`));
  }
  return out;
}

function daemonSegs(info: Payload | undefined, health: Payload | undefined): Seg[] {
  const out: string[] = [];
  if (info) {
    if (info['version']) out.push(`v${text(info['version'])}`);
    if (info['board']) out.push(`board ${text(info['board'])}`);
  }
  if (health) {
    if (typeof health['uptimeS'] === 'number') out.push(`up ${span(health['uptimeS'] * 1000)}`);
    if (typeof health['rssBytes'] === 'number') out.push(`RSS ${Math.round(health['rssBytes'] / 1048576)} MB`);
    const lag = health['eventLoopLagMs'];
    if (lag && typeof lag === 'object' && typeof (lag as Payload)['p99'] === 'number') out.push(`loop lag p99 ${(lag as Payload)['p99'] as number} ms`);
  }
  return out.length ? [seg(out.join(SEP), 'dim')] : [seg('-', 'dim')];
}

/** One line per key group: its MSKs and whether the player can decrypt traffic under each. */
function keyLines(d: DeviceState): Seg[][] {
  const groups = [...d.keys.entries()].sort(([a], [b]) => a.localeCompare(b));
  if (groups.length === 0) return [[seg('no MSK yet', 'warn')]];
  return groups.map(([, held]) => {
    const p = held.payload;
    const kd = text(p['keyDomainId']);
    const msks = Array.isArray(p['msks']) ? (p['msks'] as Payload[]) : [];
    const count = typeof p['count'] === 'number' ? p['count'] : msks.length;
    const out: Seg[] = [seg(`${kd}/${text(p['keyGroup'])}  `), seg(`${count} MSK${count === 1 ? '' : 's'}`, count > 0 ? 'plain' : 'warn')];
    for (const msk of msks) {
      const id = text(msk?.['mskId']);
      const t = d.traffic.get(`${kd}/${id}`)?.payload;
      out.push(seg(`  ${id} `));
      if (!t) out.push(seg('?', 'dim'));
      else if (t['ready'] === true) out.push(seg('ready', 'good'));
      else out.push(seg(text(t['reason'] ?? 'not ready'), 'warn'));
    }
    return out;
  });
}

function verdictSegs(v: Verdict): Seg[] {
  const style: Style = v.word === 'LOST' ? 'alarm' : STYLE[v.severity];
  // Without colour a problem still shouts: "!! LOST".
  const word = v.severity === 'bad' ? `!! ${v.word}` : v.word;
  return [seg(word, style), ...(v.detail ? [seg(` ${clean(v.detail)}`, STYLE[v.severity])] : [])];
}

function heardSegs(d: DeviceState, now: number): Seg[] {
  const status = d.topics.get('status');
  // The last will carries no ts: say when it arrived, or that it was already there.
  if (status && text(status.payload['state']) === 'lost') return [seg(status.retained ? '  before watch started' : `  at ${clock(status.receivedAt)}`, 'dim')];
  return d.lastHeard === null ? [] : [seg(`  heard ${clock(d.lastHeard)} (${span(now - d.lastHeard)} ago)`, 'dim')];
}

function row(label: string, body: Seg[]): Line {
  return [seg(` ${label.padEnd(LABEL - 1)}`, 'dim'), ...body];
}

const held = (d: DeviceState, name: StateTopic): Held | undefined => d.topics.get(name);
const none: Seg[] = [seg('-', 'dim')];

/** The full panel of one device. */
export function devicePanel(model: WatchModel, d: DeviceState, o: RenderOptions): Line[] {
  const v = model.verdict(d, o.now);
  const lines: Line[] = [padTo([seg('── ', 'dim'), seg(clean(d.id), 'bold'), seg('  '), ...verdictSegs(v), ...heardSegs(d, o.now), seg(' ')], o.width, '─', 'dim')];
  const p = (name: 'modem' | 'pdp' | 'card' | 'gba' | 'registration') => held(d, name)?.payload;
  lines.push(row('modem', p('modem') ? modemSegs(p('modem')!) : none));
  lines.push(row('pdp', p('pdp') ? pdpSegs(p('pdp')!) : none));
  lines.push(row('card', p('card') ? cardSegs(p('card')!) : none));
  lines.push(row('gba', p('gba') ? gbaSegs(p('gba')!, o.now) : none));
  lines.push(row('bsm', p('registration') ? registrationSegs(p('registration')!) : none));
  keyLines(d).forEach((k, i) => lines.push(row(i === 0 ? 'keys' : '', k)));
  lines.push(row('daemon', daemonSegs(held(d, 'info')?.payload, held(d, 'health')?.payload)));
  return lines;
}

/** One line of one device, for when the panels do not fit: its verdict, then only what is not fine. */
export function deviceLine(model: WatchModel, d: DeviceState, o: RenderOptions): Line {
  const v = model.verdict(d, o.now);
  const problems: Seg[] = [];
  const fine: string[] = [];
  const cov = held(d, 'modem')?.payload['coverage'];
  if (cov === false) problems.push(seg(SEP), seg('NO COVERAGE', 'bad'));
  for (const [label, name] of [['modem', 'modem'], ['pdp', 'pdp'], ['card', 'card'], ['gba', 'gba'], ['bsm', 'registration']] as const) {
    const state = held(d, name)?.payload['state'];
    if (severityOf(state) === 'good') fine.push(label);
    else problems.push(seg(`${SEP}${label} `), stateSeg(state));
  }
  const msks = [...d.keys.values()].reduce((n, k) => n + (typeof k.payload['count'] === 'number' ? k.payload['count'] : 0), 0);
  return [
    seg(clean(d.id), 'bold'),
    seg(' '),
    ...verdictSegs({ ...v, detail: null }),
    ...problems,
    // The fine parts only when all are: next to a problem they are noise.
    ...(problems.length === 0 ? [seg(`${SEP}${fine.join(' ')} `), seg('ok', 'good')] : []),
    seg(`${SEP}${msks} MSK${msks === 1 ? '' : 's'}`, msks > 0 ? 'plain' : 'warn'),
    ...(d.lastHeard !== null ? [seg(`${SEP}${span(o.now - d.lastHeard)} ago`, 'dim')] : []),
  ];
}

/** One log line: "12:00:01 box-1 trigger kind=…" or "12:00:02 box-2 status ready → LOST". */
export function logLine(e: LogEntry, deviceWidth: number): Line {
  const head: Seg[] = [seg(`${clock(e.at)} `, 'dim'), seg(`${clean(e.device).padEnd(deviceWidth)} `, 'bold')];
  if (e.kind === 'change') {
    const label = e.field === 'state' ? e.topic : `${e.topic} ${e.field}`;
    const toSev = e.field === 'coverage' ? (e.to === 'yes' ? 'good' : 'bad') : severityOf(e.to);
    const to = toSev === 'bad' ? e.to.toUpperCase() : e.to;
    return [...head, seg(`${label} `), seg(e.from === null ? '' : `${clean(e.from)} → `, 'dim'), seg(clean(to), STYLE[toSev]), ...(e.reason ? [seg(` (${clean(e.reason)})`, 'dim')] : [])];
  }
  const { type, ts, ...rest } = e.payload;
  void type;
  void ts;
  const detail = Object.entries(rest).map(([k, v]) => `${clean(k)}=${text(v)}`).join(' ');
  return [...head, seg(clean(e.type), STYLE[eventSeverity(e.type)]), seg(detail ? ` ${detail}` : '')];
}

function headerLine(model: WatchModel, o: RenderOptions): Line {
  const n = model.devices.size;
  const segs: Seg[] = [seg(' bcastctl watch ', 'head'), seg(`│ ${n} device${n === 1 ? '' : 's'} `, 'head')];
  if (o.link) {
    const ok = o.link.state === 'connected';
    segs.push(seg('│ ', 'head'), ok ? seg('broker connected ', 'head') : seg(`!! BROKER ${o.link.state.toUpperCase()} since ${clock(o.link.since)} `, 'alarm'));
  }
  segs.push(seg(`│ ${clock(o.now)} `, 'head'));
  if (o.watching) segs.push(seg(`│ ${clean(o.watching)} `, 'head'));
  if (o.broker) segs.push(seg(`│ ${clean(o.broker)} `, 'head'));
  return padTo(segs, o.width, ' ', 'head');
}

/** The screen as styled lines: at most `height`, each at most `width` cells. */
export function renderLines(model: WatchModel, o: RenderOptions): Line[] {
  if (o.height <= 0 || o.width <= 0) return [];
  const out: Line[] = [headerLine(model, o)];
  const room = o.height - 1;
  const devices = model.sorted();
  if (devices.length === 0) {
    out.push([seg(`waiting for ${o.watching ? clean(o.watching) : 'devices'} …`, 'dim')]);
  } else {
    const panels = devices.map((d) => devicePanel(model, d, o));
    const full = panels.reduce((n, p) => n + p.length, 0);
    if (full + MIN_LOG <= room) for (const p of panels) out.push(...p);
    else {
      const rows = Math.max(1, room - MIN_LOG);
      const shown = devices.length <= rows ? devices : devices.slice(0, rows - 1);
      for (const d of shown) out.push(deviceLine(model, d, o));
      if (shown.length < devices.length) out.push([seg(`… ${devices.length - shown.length} more device(s): widen the terminal or narrow --device`, 'dim')]);
    }
  }
  const left = o.height - out.length;
  if (left >= 2) {
    const entries = model.log.items().slice(-(left - 1));
    const dw = Math.min(16, Math.max(0, ...model.log.items().map((e) => e.device.length)));
    out.push(padTo([seg(`── log (${model.log.total}) `, 'dim')], o.width, '─', 'dim'));
    for (const e of entries) out.push(logLine(e, dw));
  }
  return out.slice(0, o.height).map((l) => fit(l, o.width));
}

/** The screen as terminal strings. */
export function renderScreen(model: WatchModel, o: RenderOptions): string[] {
  return renderLines(model, o).map((l) => toAnsi(l, o.color));
}
