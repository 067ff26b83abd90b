// `bcastctl watch`: the live view a field tester keeps open. On a terminal a full screen (one panel per device,
// the log at the bottom); into a pipe or a dumb terminal one line per change; with --json one object per message.
import type { Command } from 'commander';
import { locateDaemon } from '../daemon/locate.js';
import { brokerConnectOptions, withBrokerOptions, type BrokerCliOptions } from '../daemon/broker-options.js';
import type { TopicMessage } from '../daemon/mqtt-session.js';
import { watchLine } from '../daemon/render.js';
import { UsageError, type CliIo } from '../io.js';
import { deviceMatcher } from './devices.js';
import { WatchFeed, type LinkState } from './feed.js';
import { WatchModel } from './model.js';
import { renderScreen } from './render.js';
import { FullScreen, type WatchTerminal } from './screen.js';
import { clean } from './text.js';

export interface WatchCliOptions extends Omit<BrokerCliOptions, 'device'> {
  device?: string[];
  json?: boolean;
  /** false with --no-color */
  color?: boolean;
  for?: string;
  stale?: string;
}

/** What the command needs of the process: whether stdout is a terminal, the environment, the terminal itself. */
export interface WatchHost {
  isTTY: boolean;
  env: Record<string, string | undefined>;
  terminal: WatchTerminal;
}

export type WatchMode = 'screen' | 'lines' | 'json';

/** Full screen only on a real terminal that can address its cursor; colour unless --no-color, NO_COLOR or TERM=dumb. */
export function chooseMode(o: Pick<WatchCliOptions, 'json' | 'color'>, isTTY: boolean, env: WatchHost['env']): { mode: WatchMode; color: boolean } {
  if (o.json) return { mode: 'json', color: false };
  if (!isTTY || env['TERM'] === 'dumb') return { mode: 'lines', color: false };
  const noColor = env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '';
  return { mode: 'screen', color: o.color !== false && !noColor };
}

export function processTerminal(): WatchTerminal {
  const out = process.stdout;
  const inp = process.stdin;
  return {
    columns: () => out.columns ?? 0,
    rows: () => out.rows ?? 0,
    write: (s) => void out.write(s),
    onResize: (cb) => {
      out.on('resize', cb);
      return () => void out.off('resize', cb);
    },
    ...(inp.isTTY
      ? {
          onKeys: (cb: (keys: string) => void) => {
            inp.setRawMode(true);
            inp.setEncoding('utf8');
            inp.on('data', cb);
            inp.resume();
            return () => {
              inp.off('data', cb);
              inp.setRawMode(false);
              inp.pause();
            };
          },
        }
      : {}),
  };
}

const processHost = (): WatchHost => ({ isTTY: process.stdout.isTTY === true, env: process.env, terminal: processTerminal() });

function seconds(what: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${what} takes a number of seconds above 0, not '${v}'`);
  return n * 1000;
}

/** Keys that end the full screen: q, Q, Ctrl-C (raw mode turns it into a byte), Ctrl-D. */
const QUIT_KEYS = /[qQ\u0003\u0004]/;

export function registerWatch(program: Command, io: CliIo, host: () => WatchHost = processHost): void {
  withBrokerOptions(
    program
      .command('watch')
      .description('live view of bcastd: status, modem/network, PDP, card, GBA, BSM registration, keys and a log, per device (one line per change when not on a terminal)'),
    'many',
  )
    .option('--json', 'one JSON object per message, for scripts')
    .option('--no-color', 'no colour (also when NO_COLOR is set or TERM=dumb)')
    .option('--for <seconds>', 'stop after this many seconds')
    .option('--stale <seconds>', 'mark a device STALE when nothing was heard of it for this long', '150')
    .action(async (o: WatchCliOptions) => {
      const forMs = seconds('--for', o.for);
      const staleMs = seconds('--stale', o.stale);
      const { device: _devices, ...location } = o;
      const where = await locateDaemon(location);
      const matcher = deviceMatcher(o.device?.length ? o.device : [where.deviceId]);
      const h = host();
      const { mode, color } = chooseMode(o, h.isTTY, h.env);
      const model = new WatchModel(staleMs !== undefined ? { staleMs } : {});
      let link: { state: LinkState; since: number } = { state: 'connected', since: Date.now() };
      let screen: FullScreen | null = null;

      const onMessage = (m: TopicMessage) => {
        if (mode === 'json') io.out(JSON.stringify({ topic: m.topic, device: m.device, name: m.name, retained: m.retained, payload: m.payload }));
        else if (mode === 'lines') io.out(clean(watchLine(m)));
        else {
          model.apply(m, Date.now());
          screen?.invalidate();
        }
      };
      const onLink = (state: LinkState, at: number) => {
        link = { state, since: at };
        if (mode === 'screen') screen?.invalidate();
        else io.err(state === 'connected' ? `bcastctl: broker ${where.mqttUrl} connected again` : `bcastctl: lost the broker ${where.mqttUrl}; reconnecting`);
      };
      const feed = await WatchFeed.open(
        { url: where.mqttUrl, connectOptions: await brokerConnectOptions(where.mqttUrl, where.auth), topicPrefix: where.topicPrefix, filters: matcher.filters(where.topicPrefix), accept: (m) => matcher.matches(m.device) },
        { message: onMessage, link: onLink },
      );

      let finish: () => void = () => undefined;
      const stopped = new Promise<void>((resolve) => (finish = resolve));
      const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
      for (const s of signals) process.on(s, finish);
      const timer = forMs !== undefined ? setTimeout(finish, forMs) : null;
      // Whatever happens (an exception, process.exit), the terminal is given back.
      const restore = () => screen?.stop();
      let offKeys: (() => void) | undefined;
      if (mode === 'screen') {
        const watching = `${where.topicPrefix}/${matcher.label}`;
        screen = new FullScreen(h.terminal, (width, height) => renderScreen(model, { width, height, color, now: Date.now(), watching, broker: where.mqttUrl, link }));
        process.once('exit', restore);
        screen.start();
        offKeys = h.terminal.onKeys?.((keys) => {
          if (QUIT_KEYS.test(keys)) finish();
        });
      }
      try {
        await stopped;
      } finally {
        if (timer) clearTimeout(timer);
        for (const s of signals) process.off(s, finish);
        offKeys?.();
        restore();
        process.off('exit', restore);
        await feed.close();
      }
    });
}
