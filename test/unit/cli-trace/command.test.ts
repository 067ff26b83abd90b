// `bcastctl trace` run in-process through commander: from a saved capture (--input) and from a daemon's event
// buffer over a real MQTT broker (the embedded aedes, MQTT 3.1.1) answered by a stand-in using the daemon's
// EventLog, the way bcastd answers the `events` command.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Command, CommanderError } from 'commander';
import mqtt, { type MqttClient } from 'mqtt';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { registerTrace, type TraceEnv } from '../../../src/cli/trace/command.js';
import { buildSequence } from '../../../src/cli/trace/model.js';
import { UsageError, type CliIo } from '../../../src/cli/io.js';
import { locateDaemon } from '../../../src/cli/daemon/locate.js';
import { EventLog } from '../../../src/daemon/event-log.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../src/mqtt/embedded-broker.js';
import { createBrokerAccounts } from '../../../src/mqtt/broker-accounts.js';
import { at, purchaseFlowEvents, purchaseFlowFile, PURCHASE_ARROWS, PURCHASE_PARTICIPANTS } from './fixture.js';

interface Run {
  code: number;
  out: string[];
  err: string[];
}

const NOW = Date.parse(at(1500));
const offTty: TraceEnv = { now: () => NOW, isTty: false, columns: undefined, env: {} };

/** What runBcastctl does for a program holding only `trace`: exit 0, 2 for usage errors, 1 otherwise. */
async function trace(argv: string[], env: TraceEnv = offTty): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const program = new Command('bcastctl').exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  registerTrace(program, io, () => env);
  try {
    await program.parseAsync(['trace', ...argv], { from: 'user' });
    return { code: 0, out, err };
  } catch (e) {
    if (e instanceof CommanderError) return { code: e.exitCode === 0 ? 0 : 2, out, err };
    err.push(`bcastctl: ${e instanceof Error ? e.message : String(e)}`);
    return { code: e instanceof UsageError ? 2 : 1, out, err };
  }
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bcastctl-trace-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('--input a watch capture: the diagram in the order of the flow, then the summary; no colour off a terminal', async () => {
  const r = await trace(['--input', purchaseFlowFile]);
  assert.equal(r.code, 0, r.err.join('\n'));
  assert.deepEqual(r.err, []);
  const text = r.out.join('\n');
  let from = 0;
  for (const [, , label] of PURCHASE_ARROWS) {
    const i = text.indexOf(label, from);
    assert.ok(i >= from, `${label} after offset ${from}`);
    from = i + label.length;
  }
  assert.match(r.out.at(-1)!, /^trace: 14 events, 16 steps; 10:14:00\.120–10:14:01\.463 UTC \(1\.34 s\); modem, terminal, card, BSM, player$/);
  assert.ok(!text.includes('\u001b'));
  assert.ok(r.out.slice(0, -1).every((l) => Array.from(l).length <= 100), 'default width off a terminal: 100');
});

test('--svg writes the diagram and prints one line; the file holds the participants and arrows in order', async () => {
  const file = join(dir, 'purchase.svg');
  const r = await trace(['--input', purchaseFlowFile, '--svg', file]);
  assert.equal(r.code, 0, r.err.join('\n'));
  assert.equal(r.out.length, 1);
  assert.match(r.out[0]!, /^trace: 14 events, 16 steps; .*; SVG written to .*purchase\.svg$/);
  const svg = await readFile(file, 'utf8');
  assert.equal(XMLValidator.validate(svg), true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (n) => n === 'g' }).parse(svg) as { svg: { title: string; g: Array<{ g: Array<Record<string, string>> }> } };
  assert.equal(doc.svg.title, 'bcastd trace: purchase-flow.jsonl');
  const groups = doc.svg.g[0]!.g;
  assert.deepEqual(groups.filter((g) => g['@class'] === 'participant').map((g) => g['@data-name']), PURCHASE_PARTICIPANTS);
  assert.deepEqual(groups.filter((g) => g['@class'] === 'arrow').map((g) => [g['@data-from'], g['@data-to']]), PURCHASE_ARROWS.map(([f, t]) => [f, t]));
});

test('--json prints the model; --since counts back from the newest event of the file, or is an absolute time', async () => {
  const all = await trace(['--input', purchaseFlowFile, '--json']);
  assert.equal(all.code, 0);
  assert.deepEqual(JSON.parse(all.out.join('\n')), JSON.parse(JSON.stringify(buildSequence(purchaseFlowEvents()))));

  const late = await trace(['--input', purchaseFlowFile, '--json', '--since', '300ms']);
  const m = JSON.parse(late.out.join('\n')) as { events: number; before: number; startMs: number };
  assert.deepEqual([m.events, m.before, m.startMs], [5, 9, Date.parse(at(1432))]);

  const iso = await trace(['--input', purchaseFlowFile, '--json', '--since', at(214)]);
  assert.equal((JSON.parse(iso.out.join('\n')) as { events: number }).events, 7);
});

test("--player merges the reference player's log: its STKM, TEK and first frame beside the daemon's flow", async () => {
  const daemon = join(dir, 'daemon.jsonl');
  const player = join(dir, 'player.jsonl');
  const t0 = Date.parse(at(0));
  await writeFile(daemon, [
    { type: 'stkm-received', ts: at(120), bytes: 60 },
    { type: 'tek-delivered', ts: at(170), mtkId: 7 },
  ].map((e) => JSON.stringify(e)).join('\n'));
  await writeFile(player, [
    // What examples/player prints: events with epoch seconds, figure lines once a second, and a broken line.
    { ts: (t0 + 100) / 1000, service: 'urn:s', event: 'stkm', mki: '0202' },
    { ts: (t0 + 180) / 1000, service: 'urn:s', event: 'tek', mki: '0202', ms: 80 },
    { ts: (t0 + 1000) / 1000, service: 'urn:s', decrypted: 0, droppedNoKey: 3 },
    { ts: (t0 + 1250) / 1000, service: 'urn:s', event: 'first-frame', mki: '0202' },
  ].map((e) => JSON.stringify(e)).join('\n') + '\nnot json\n');
  const r = await trace(['--input', daemon, '--player', player, '--json']);
  assert.equal(r.code, 0, r.err.join('\n'));
  const m = JSON.parse(r.out.join('\n')) as { skipped: number; steps: Array<{ kind: string; from?: string; to?: string; on?: string; label?: string; text?: string }> };
  assert.deepEqual(
    m.steps.map((s) => (s.kind === 'arrow' ? `${s.from}→${s.to} ${s.label}` : `${s.on}: ${s.text}`)),
    [
      'player: STKM from the broadcast, TEK asked (MKI 0202)',
      'player→terminal STKM (60 bytes)',
      'terminal→player TEK (MTK 7)',
      'player: TEK handed to srtpdec (MKI 0202, 80 ms after asking)',
      'player: first frame decrypted (MKI 0202)',
    ],
  );
  assert.equal(m.skipped, 1, 'the broken line is counted');
  const missing = await trace(['--input', daemon, '--player', join(dir, 'nope.jsonl')]);
  assert.equal(missing.code, 2);
});

test('--input with garbage lines: they are counted in the summary, the rest drawn', async () => {
  const file = join(dir, 'mixed.jsonl');
  const good = await readFile(purchaseFlowFile, 'utf8');
  await writeFile(file, `garbage\n${good}{"topic":"bcastd/v1/x/events","payload":{"type":"sms"}}\n[oops\n`);
  const r = await trace(['--input', file]);
  assert.equal(r.code, 0);
  assert.match(r.out.at(-1)!, /^trace: 14 events, 16 steps; .*; 3 garbled events skipped$/);
});

test('terminal: width from the terminal, colour unless NO_COLOR, TERM=dumb or --no-color; --color forces it; --ascii', async () => {
  const tty: TraceEnv = { now: () => NOW, isTty: true, columns: 64, env: {} };
  const coloured = await trace(['--input', purchaseFlowFile], tty);
  assert.ok(coloured.out.some((l) => l.includes('\u001b[')));
  assert.ok(coloured.out.slice(0, -1).every((l) => Array.from(l.replace(/\u001b\[\d+m/g, '')).length <= 64));
  for (const [env, argv] of [[{ ...tty, env: { NO_COLOR: '1' } }, []], [{ ...tty, env: { TERM: 'dumb' } }, []], [tty, ['--no-color']]] as Array<[TraceEnv, string[]]>) {
    const r = await trace(['--input', purchaseFlowFile, ...argv], env);
    assert.ok(r.out.every((l) => !l.includes('\u001b')), JSON.stringify(env.env) + argv.join(' '));
  }
  assert.ok((await trace(['--input', purchaseFlowFile, '--color'])).out.some((l) => l.includes('\u001b[')));
  const ascii = await trace(['--input', purchaseFlowFile, '--ascii', '--width', '72']);
  assert.ok(ascii.out.every((l) => /^[\x20-\x7e]*$/.test(l)));
  assert.ok(ascii.out.slice(0, -1).every((l) => l.length <= 72));
});

test('bad input: one line on stderr and exit 2 (usage) or 1 (could not write)', async () => {
  const cases: Array<[string[], number, RegExp]> = [
    [['--input', purchaseFlowFile, '--since', 'lately'], 2, /--since 'lately' is not a duration/],
    [['--input', join(dir, 'missing.jsonl')], 2, /cannot read .*missing\.jsonl/],
    [['--input', purchaseFlowFile, '--width', '5'], 2, /--width takes a number of columns, at least 20, not '5'/],
    [['--input', purchaseFlowFile, '--svg', join(dir, 'no', 'such', 'dir.svg')], 1, /cannot write .*dir\.svg/],
  ];
  for (const [argv, code, message] of cases) {
    const r = await trace(argv);
    assert.equal(r.code, code, argv.join(' '));
    assert.equal(r.err.length, 1, r.err.join('\n'));
    assert.match(r.err[0]!, message);
  }
});

test('from a daemon over MQTT: asks for the events since --since, draws them, reports what its buffer lost', async (t) => {
  const device = 'trace-test-1';
  // The broker roles as the daemon's local broker has them: the daemon as `bcastd`, bcastctl as `tester`.
  const accounts = await createBrokerAccounts();
  const broker: EmbeddedBroker = await startEmbeddedBroker(0, { logins: accounts.logins, topicPrefix: 'bcastd/v1', deviceId: device });
  let daemon: MqttClient | undefined;
  // The broker closes only once its clients have gone.
  t.after(async () => {
    await daemon?.endAsync();
    await broker.close();
    await accounts.remove();
  });
  const testerPassword = join(accounts.dir, 'tester-password');
  await writeFile(testerPassword, accounts.logins.tester.password, { mode: 0o600 });
  const where = await locateDaemon({ board: 'sim', broker: broker.url, device });
  const cmdTopic = `${where.topicPrefix}/${device}/cmd/events`;
  // The daemon side: its EventLog (small, so it overflows) answering `events` as bcastd does for 3.1.1 clients.
  const log = new EventLog(12);
  for (const e of purchaseFlowEvents()) log.add(e as { type: string; ts: string });
  let refuse = false;
  const asked: Array<Record<string, unknown>> = [];
  daemon = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0, ...accounts.logins.bcastd });
  await daemon.subscribeAsync(cmdTopic, { qos: 1 });
  daemon.on('message', (topic, payload) => {
    if (topic !== cmdTopic) return;
    const { transaction, ...args } = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
    asked.push(args);
    const answer = refuse
      ? { command: 'events', ok: false, error: { code: 'unknown_command', message: 'no such command' }, transaction }
      : { command: 'events', ok: true, result: log.query(args as { sinceMs?: number }), transaction };
    void daemon.publishAsync(`${cmdTopic}/response`, JSON.stringify(answer), { qos: 1 });
  });

  const loc = ['--broker', broker.url, '--device', device, '--username', 'tester', '--password-file', testerPassword];
  const recent = await trace([...loc, '--since', '1s', '--json']);
  assert.equal(recent.code, 0, recent.err.join('\n'));
  assert.deepEqual(asked.at(-1), { sinceMs: NOW - 1000 });
  const m = JSON.parse(recent.out.join('\n')) as ReturnType<typeof buildSequence>;
  assert.deepEqual([m.events, m.dropped, m.startMs], [5, 2, Date.parse(at(1432))]);

  const svgFile = join(dir, 'daemon.svg');
  const whole = await trace([...loc, '--svg', svgFile]);
  assert.equal(whole.code, 0, whole.err.join('\n'));
  assert.deepEqual(asked.at(-1), { sinceMs: NOW - 600_000 }, 'default --since 10m');
  assert.match(whole.out[0]!, /^trace: 12 events, .*; the daemon's buffer lost 2 older events: the start may be missing; SVG written to /);
  assert.match(await readFile(svgFile, 'utf8'), new RegExp(`<title>bcastd trace: ${device}</title>`));

  refuse = true;
  const refused = await trace(loc);
  assert.equal(refused.code, 1);
  assert.match(refused.err[0]!, /events refused: .*unknown_command/);
});
