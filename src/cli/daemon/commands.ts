// bcastctl status | watch | register | deregister | pull | sim …: talk to a running bcastd over MQTT, and to the
// simulated world's portal and control API on the sim board.
import type { Command } from 'commander';
import { locateDaemon, type LocateOptions } from './locate.js';
import { withBrokerOptions } from './broker-options.js';
import { MqttSession } from './mqtt-session.js';
import { statusLines } from './render.js';
import { UnreachableError, UsageError, type CliIo } from '../io.js';
import { eventLine, judge, type Verdict } from './outcome.js';

type Common = LocateOptions & { json?: boolean };

const withLocation = (cmd: Command): Command => withBrokerOptions(cmd);

async function session(o: Common): Promise<MqttSession> {
  return MqttSession.connect(await locateDaemon(o));
}

async function simPost(o: Common, which: 'controlUrl' | 'portalUrl', path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const where = await locateDaemon(o);
  const base = where.sim?.[which];
  if (!base) throw new UsageError('no simulated world: `bcastctl sim` works with a bcastd running on the sim board');
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new Error(`simulator answered ${res.status}: ${String(json['error'] ?? '')}`);
  return json;
}

async function simGet(o: Common, path: string): Promise<unknown> {
  const where = await locateDaemon(o);
  const base = where.sim?.controlUrl;
  if (!base) throw new UsageError('no simulated world: `bcastctl sim` works with a bcastd running on the sim board');
  const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(15_000) });
  return res.json();
}

const SIM_TERMINAL = '001010000000001';

function seconds(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--wait takes a number of seconds above 0, not '${v}'`);
  return n;
}

export function registerDaemonCommands(program: Command, io: CliIo): void {
  withLocation(program.command('status').description('one screen of the daemon\'s retained state').option('--json', 'print the topics as one JSON object')).action(async (o: Common) => {
    const s = await session(o);
    try {
      const msgs = await s.snapshot();
      // The broker answered; no retained state means no daemon has ever published there (exit 3 as well).
      if (msgs.length === 0) throw new UnreachableError(`nothing published under ${s.where.topicPrefix}/${s.where.deviceId}/ on ${s.where.mqttUrl}`);
      if (o.json) io.out(JSON.stringify(Object.fromEntries(msgs.map((m) => [`${m.device}/${m.name}`, m.payload])), null, 2));
      else for (const l of statusLines(msgs)) io.out(l);
    } finally {
      await s.close();
    }
  });

  const send = (name: string, build: (o: Record<string, unknown>) => Record<string, unknown>) =>
    async (o: Common & Record<string, unknown>) => {
      const waitS = o['wait'] === undefined ? null : o['wait'] === true ? 60 : seconds(String(o['wait']));
      const s = await session(o);
      try {
        // Follow the events before the command goes out: its first events come within milliseconds.
        const seen: Array<Record<string, unknown>> = [];
        let onEvent: ((e: Record<string, unknown>) => void) | null = null;
        const stop = waitS === null ? () => undefined : s.follow((m) => {
          if (m.name !== 'events' || m.retained || m.payload === null) return;
          if (onEvent) onEvent(m.payload);
          else seen.push(m.payload);
        });
        try {
          const answer = await s.command(name, build(o));
          io.out(JSON.stringify(answer));
          if (answer['ok'] !== true) throw new Error(`${name} refused: ${JSON.stringify(answer['error'] ?? answer)}`);
          if (waitS === null) return;
          const result = (answer['result'] ?? {}) as Record<string, unknown>;
          const action = typeof result['action'] === 'string' ? result['action'] : name;
          const keyGroup = typeof o['keyGroup'] === 'string' ? Number(o['keyGroup']) : undefined;
          const verdict = await new Promise<Verdict & { done: true }>((resolve) => {
            const timer = setTimeout(() => resolve({ done: true, ok: false, why: `no outcome within ${waitS} s` }), waitS * 1000);
            let decided = false;
            onEvent = (e) => {
              // Several events may arrive in one read: nothing after the outcome is printed.
              if (decided) return;
              io.out(o.json ? JSON.stringify(e) : eventLine(e));
              const v = judge({ action, ...(action === 'msk-request' && keyGroup !== undefined ? { keyGroup } : {}) }, e);
              if (v.done) {
                decided = true;
                clearTimeout(timer);
                resolve(v);
              }
            };
            for (const e of seen.splice(0)) onEvent(e);
          });
          if (!verdict.ok) throw new Error(verdict.why);
          io.out(`ok: ${verdict.why}`);
        } finally {
          stop();
        }
      } finally {
        await s.close();
      }
    };
  const waitOption = (c: Command) => c.option('--wait [seconds]', 'follow the events until the outcome (exit 0 success, 1 failure; default 60 s)').option('--json', 'events as JSON lines');
  withLocation(waitOption(program.command('register')).description('register with the BSM now (trigger "command")').option('--service <id...>', 'service ids (default: the board config\'s)')).action(
    send('register', (o) => (o['service'] ? { services: o['service'] } : {})),
  );
  withLocation(waitOption(program.command('deregister')).description('de-register from the BSM').option('--service <id...>', 'service ids (default: those registered)')).action(
    send('deregister', (o) => (o['service'] ? { services: o['service'] } : {})),
  );
  withLocation(waitOption(program.command('pull')).description('act as on a BSM solicited pull: key group 0 re-registers, others request MSKs').option('--key-group <n>', 'key group', '0').option('--key-domain <hex>', 'key domain id (default: home network)')).action(
    send('pull', (o) => ({ keyGroup: Number(o['keyGroup']), ...(o['keyDomain'] ? { keyDomainId: o['keyDomain'] } : {}) })),
  );
  withLocation(waitOption(program.command('bootstrap')).description('run GBA bootstrapping again, then register')).action(send('bootstrap', () => ({})));

  const sim = program.command('sim').description('drive the simulated world of the sim board');
  withLocation(sim.command('purchase').description('buy a service out of band (web portal): the BSM sends a Key Group 0 solicited pull').argument('<serviceId>').option('--via <sms|udp>', 'how the pull travels (default: SMS unless registered)')).action(
    async (serviceId: string, o: Common & { via?: string }) => io.out(JSON.stringify(await simPost(o, 'portalUrl', '/purchase', { serviceId, terminal: SIM_TERMINAL, ...(o.via ? { via: o.via } : {}) }))),
  );
  withLocation(sim.command('pull').description('the BSM sends a solicited pull').option('--key-group <n>', 'key group (0: re-register)', '0').option('--via <sms|udp>', 'transport', 'sms')).action(
    async (o: Common & { keyGroup: string; via: string }) => io.out(JSON.stringify(await simPost(o, 'controlUrl', '/pull', { terminal: SIM_TERMINAL, keyGroup: Number(o.keyGroup), via: o.via }))),
  );
  withLocation(sim.command('coverage').description('lose or regain coverage').argument('<on|off>')).action(async (state: string, o: Common) => {
    if (state !== 'on' && state !== 'off') throw new UsageError(`coverage takes on or off, not '${state}'`);
    io.out(JSON.stringify(await simPost(o, 'controlUrl', '/coverage', { on: state === 'on' })));
  });
  withLocation(sim.command('card').description('take the virtual USIM out of its reader, or put it back').argument('<in|out>')).action(async (state: string, o: Common) => {
    if (state !== 'in' && state !== 'out') throw new UsageError(`card takes in or out, not '${state}'`);
    io.out(JSON.stringify(await simPost(o, 'controlUrl', '/card', { present: state === 'in' })));
  });
  withLocation(sim.command('pdp-release').description('the network releases the PDP context').argument('[variant]', 'the +CGEV form (default nw-pdn-deact)')).action(
    async (variant: string | undefined, o: Common) => io.out(JSON.stringify(await simPost(o, 'controlUrl', '/pdp-release', variant ? { variant } : {}))),
  );
  withLocation(sim.command('stkm').description('the BSM makes an STKM (MTK message) for a service, as the broadcast would carry it').argument('<serviceId>').option('--mtk-id <n>', 'MTK ID (default: the next one)').option('--salt', 'TEK with salt')).action(
    async (serviceId: string, o: Common & { mtkId?: string; salt?: boolean }) =>
      io.out(JSON.stringify(await simPost(o, 'controlUrl', '/stkm', { terminal: SIM_TERMINAL, serviceId, ...(o.mtkId ? { mtkId: Number(o.mtkId) } : {}), ...(o.salt ? { salt: true } : {}) }))),
  );
  withLocation(
    sim
      .command('broadcast')
      .description('put a service on the air (SRTP video + STKMs on loopback, MTK rotating), take it off, or list what is on')
      .argument('[serviceId]', 'e.g. urn:bcastd:sim:sport (none: list)')
      .argument('[state]', 'on or off', 'on')
      .option('--rotate-sec <n>', 'seconds between MTK rotations (default 10)'),
  ).action(async (serviceId: string | undefined, state: string, o: Common & { rotateSec?: string }) => {
    if (serviceId === undefined) return io.out(JSON.stringify(await simGet(o, '/broadcast'), null, 2));
    if (state !== 'on' && state !== 'off') throw new UsageError(`broadcast takes on or off, not '${state}'`);
    const rotateSec = o.rotateSec === undefined ? undefined : Number(o.rotateSec);
    if (rotateSec !== undefined && (!Number.isInteger(rotateSec) || rotateSec <= 0)) throw new UsageError('--rotate-sec takes a positive whole number of seconds');
    io.out(JSON.stringify(await simPost(o, 'controlUrl', '/broadcast', { serviceId, on: state === 'on', ...(rotateSec ? { rotateSec } : {}) })));
  });
  withLocation(sim.command('card-fault').description('arm a one-shot fault of the virtual USIM').argument('<fault>', 'wrongMac | sqnOutOfRange | wrongMtk')).action(
    async (fault: string, o: Common) => io.out(JSON.stringify(await simPost(o, 'controlUrl', '/card-fault', { fault }))),
  );
  withLocation(sim.command('registrations').description('what the simulated BSM knows of the terminal')).action(async (o: Common) => io.out(JSON.stringify(await simGet(o, '/registrations'), null, 2)));
  withLocation(sim.command('events').description('everything the simulated network saw')).action(async (o: Common) => io.out(JSON.stringify(await simGet(o, '/events'), null, 2)));
}
