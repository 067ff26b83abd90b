// `bcastctl watch` on a real pseudo-terminal (the project's own pty addon), against a real mosquitto: the
// compiled CLI runs as the session leader of the pty (setsid -c), so it sees a terminal, gets SIGWINCH on resize
// and reads keys; its output goes through a VT emulator and the test reads the screen a field tester would see.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MqttClient } from 'mqtt';
import { PtyPair } from '../../../src/native/pty.js';
import { bcastctlBin } from '../../helpers/repo.js';
import { startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';
import { publish, publishFleet, publisher, waitFor } from './harness.js';
import { VtScreen } from './vt.js';

let broker: Mosquitto;
before(async () => {
  broker = await startMosquitto();
});
after(async () => {
  await broker?.close();
});

interface OnPty {
  child: ChildProcess;
  vt: VtScreen;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The screen now, for failure messages. */
  show: () => string;
  has: (s: string) => boolean;
  resize: (cols: number, rows: number) => void;
  type: (keys: string) => void;
  dispose: () => Promise<void>;
}

function setWinSize(slavePath: string, cols: number, rows: number): void {
  const r = spawnSync('stty', ['-F', slavePath, 'cols', String(cols), 'rows', String(rows)], { encoding: 'utf8' });
  assert.equal(r.status, 0, `stty: ${r.stderr}`);
}

/** Runs `bcastctl watch <args>` with a pty of cols x rows as its terminal. */
function watchOnPty(args: string[], cols: number, rows: number, env: Record<string, string | undefined> = {}): OnPty {
  const pty = PtyPair.open();
  const vt = new VtScreen(cols, rows);
  pty.on('data', (d: Buffer) => vt.feed(d));
  setWinSize(pty.slavePath, cols, rows);
  const fd = openSync(pty.slavePath, constants.O_RDWR | constants.O_NOCTTY);
  const childEnv: Record<string, string | undefined> = { ...process.env, TERM: 'xterm-256color', NO_COLOR: undefined, ...env };
  for (const k of Object.keys(childEnv)) if (childEnv[k] === undefined) delete childEnv[k];
  // setsid -c: a new session whose controlling terminal is stdin (the pty), as a login shell would have it.
  const child = spawn('setsid', ['-c', process.execPath, bcastctlBin, 'watch', ...args], { stdio: [fd, fd, fd], env: childEnv as NodeJS.ProcessEnv });
  closeSync(fd);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const show = () => `--- screen ${vt.cols}x${vt.rows} ---\n${vt.text()}\n---`;
  return {
    child,
    vt,
    exited,
    show,
    has: (s) => vt.text().includes(s),
    resize: (c, r) => {
      vt.resize(c, r);
      setWinSize(pty.slavePath, c, r);
    },
    type: (keys) => void pty.write(keys),
    dispose: async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        process.kill(child.pid, 'SIGKILL');
        await exited;
      }
      await pty.close();
    },
  };
}

const HH = /\d\d:\d\d:\d\d/.source;

test('two devices by prefix on a real terminal: states, live changes, resize, broker outage, q restores the terminal', async () => {
  const pub: MqttClient = await publisher(broker.url);
  let run: OnPty | undefined;
  try {
    await publishFleet(pub);
    run = watchOnPty(['--broker', broker.url, '--device', 'box-*', '--for', '60'], 100, 40);
    const r = run;
    const rows = [
      ' modem  ready · coverage yes · registered, home network LTE area 1A2B cell 01ABCDEF',
      ' pdp    active · 10.64.0.2',
      ' card   ready · GBA_U · IMSI 00101*******01 · MBMS yes',
      ' bsm    unregistered',
      ' keys   00f110/1  1 MSK  00010002 ready',
      ' daemon up 61 s · RSS 50 MB · loop lag p99 1.5 ms',
      ' modem  ready · coverage NO · searching',
      ' pdp    FAILED (+CME ERROR: 30)',
    ];
    // The retained states arrive one by one (the broker no longer holds them for Nagle): a panel's header can be drawn
    // before its rows, so wait for the rows too; the assertions below then say which one is missing on a timeout.
    await waitFor('both panels', () => r.has('── box-1  READY') && r.has('── box-2  !! DEGRADED (pdp activation failed)') && rows.every((row) => r.vt.lines().includes(row)), 10_000, r.show);
    const lines = r.vt.lines();
    assert.match(lines[0]!, new RegExp(`^ bcastctl watch │ 2 devices │ broker connected │ ${HH} │ bcastd/v1/box-\\* │ mqtt://127\\.0\\.0\\.1:`)); // the port may be cut: the URL comes last
    for (const row of rows) assert.ok(lines.includes(row), `${row}\n${r.show()}`);
    assert.ok(!r.has('other-1'), 'the prefix leaves other devices out');
    assert.ok(r.vt.alt && !r.vt.cursorVisible, 'alternate screen, cursor hidden');
    assert.ok(r.vt.sgr.includes('32') && r.vt.sgr.includes('1;31'), `coloured: ${[...new Set(r.vt.sgr)].join(' ')}`);

    // Live: box-1 registers (trigger: a command over MQTT), stores an MSK; box-2's daemon vanishes (its LWT).
    const at = new Date().toISOString();
    await publish(pub, 'box-1', 'registration', { state: 'registered', services: ['urn:svc:news'], registeredAt: at, lastTrigger: { kind: 'command', at, source: 'mqtt' }, ts: at });
    await publish(pub, 'box-1', 'events', { type: 'key-stored', keyDomainId: '00f110', mskId: '00010003', source: 'udp', ts: at }, false);
    await publish(pub, 'box-2', 'status', '{"state":"lost"}');
    await waitFor('the changes', () => r.has('── box-2  !! LOST (MQTT last will)  at ') && r.has('box-1 key-stored keyDomainId=00f110 mskId=00010003 source=udp'), 8000, r.show);
    assert.match(r.vt.text(), new RegExp(` bsm    registered · urn:svc:news · last trigger command via mqtt at ${HH}`));
    assert.match(r.vt.text(), new RegExp(`${HH} box-1 registration unregistered → registered`));
    assert.match(r.vt.text(), new RegExp(`${HH} box-2 status degraded → LOST`));

    // Narrower: 60 columns, the panels still fit in 20 rows; every row cut, none wrapped.
    r.resize(60, 20);
    await waitFor('the 60-column screen', () => r.vt.lines()[0]!.endsWith('…') && r.has('── box-2  !! LOST (MQTT last will)  at '), 5000, r.show);
    // Shorter: one line per device.
    r.resize(60, 12);
    await waitFor('one line per device', () => r.vt.lines().some((l) => l.startsWith('box-2 !! LOST · NO COVERAGE · pdp FAILED')), 5000, r.show);
    assert.ok(r.vt.lines().some((l) => /^box-1 READY · .*\bbsm\b.*ok · 1 MSK/.test(l)), r.show());

    // The watcher's own broker goes away and comes back.
    await broker.stop();
    await waitFor('broker lost in the header', () => r.vt.lines()[0]!.includes('!! BROKER RECONNECTING since'), 8000, r.show);
    await broker.restart();
    await waitFor('broker back', () => r.vt.lines()[0]!.includes('broker connected'), 8000, r.show);
    assert.ok(r.has('box-2 !! LOST'), 'what it knew stays on screen');

    assert.ok(!r.vt.wrapped && !r.vt.scrolled, 'no line wrapped, nothing scrolled');
    r.type('q');
    const end = await Promise.race([r.exited, new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`no exit after q\n${r.show()}`)), 5000))]);
    assert.deepEqual(end, { code: 0, signal: null });
    assert.ok(!r.vt.alt, 'back on the normal screen');
    assert.ok(r.vt.cursorVisible, 'cursor shown again');
  } finally {
    await run?.dispose();
    await pub.endAsync(true);
  }
});

test('--for ends the view by itself and NO_COLOR draws it without a colour', async () => {
  const pub = await publisher(broker.url);
  let run: OnPty | undefined;
  try {
    await publishFleet(pub);
    run = watchOnPty(['--broker', broker.url, '--device', 'box-1', '--device', 'box-2', '--for', '2'], 80, 30, { NO_COLOR: '1' });
    const r = run;
    await waitFor('both panels', () => r.has('── box-1  READY') && r.has('── box-2  !! DEGRADED'), 10_000, r.show);
    const started = Date.now();
    const end = await Promise.race([r.exited, new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`--for 2 did not end it\n${r.show()}`)), 6000))]);
    assert.deepEqual(end, { code: 0, signal: null });
    assert.ok(Date.now() - started < 4000);
    assert.deepEqual(r.vt.sgr, [], 'no SGR but the resets');
    assert.ok(r.vt.everAlt && !r.vt.alt && r.vt.cursorVisible, 'terminal restored');
  } finally {
    await run?.dispose();
    await pub.endAsync(true);
  }
});

test('SIGTERM (by PID) restores the terminal and exits 0', async () => {
  const pub = await publisher(broker.url);
  let run: OnPty | undefined;
  try {
    await publishFleet(pub);
    run = watchOnPty(['--broker', broker.url, '--device', '+'], 100, 40);
    const r = run;
    await waitFor('all devices', () => r.has('── other-1  READY') && r.has('── box-1  READY'), 10_000, r.show);
    process.kill(r.child.pid!, 'SIGTERM');
    const end = await Promise.race([r.exited, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no exit after SIGTERM')), 5000))]);
    assert.deepEqual(end, { code: 0, signal: null });
    assert.ok(r.vt.everAlt && !r.vt.alt && r.vt.cursorVisible, 'terminal restored');
  } finally {
    await run?.dispose();
    await pub.endAsync(true);
  }
});
