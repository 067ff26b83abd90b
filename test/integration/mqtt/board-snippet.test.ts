// The board-side broker files as shipped: a real mosquitto loads packaging/mosquitto/bcastd.conf (paths moved to
// a temp dir, nothing else changed) with packaging/mosquitto/bcastd.acl and the accounts that
// packaging/mosquitto/bcastd-mqtt-accounts writes (run with DESTDIR). Anonymous clients are refused on both
// listeners, bcastd's own publisher connects over the unix socket (mqtt+unix://), the tester over loopback TCP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import pino from 'pino';
import { MqttPublisher } from '../../../src/mqtt/publisher.js';
import { MOSQUITTO_BIN, freePort } from '../../helpers/mosquitto.js';
import { repoRoot } from '../../helpers/repo.js';
import { failOnUnhandledRejection } from './helpers.js';

failOnUnhandledRejection();
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PKG = join(repoRoot, 'packaging', 'mosquitto');
const DEVICE = 'board1';
const BASE = `bcastd/v1/${DEVICE}`;

/** The uid/gid mosquitto drops to when started as root, or null when it keeps ours. */
async function brokerOwner(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  const id = async (f: string) => Number((await run('id', [f, 'mosquitto'])).stdout.trim());
  return { uid: await id('-u'), gid: await id('-g') };
}

test('shipped mosquitto snippet + ACL + account script: anonymous refused on socket and TCP; bcastd over mqtt+unix, tester over TCP', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'bcastd-board-mqtt-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await chmod(root, 0o755);

  // The account script, as on a board, below a staging root.
  const me = userInfo().username;
  const script = await run('sh', [join(PKG, 'bcastd-mqtt-accounts'), me, me], { env: { ...process.env, DESTDIR: root } });
  assert.match(script.stdout, /files written below/);
  const cred = join(root, 'etc/bcastd/credentials');
  const passwd = join(root, 'etc/mosquitto/bcastd.passwd');
  for (const f of [passwd, join(cred, 'mqtt-password'), join(cred, 'tester.json'), join(cred, 'player.json')]) {
    assert.equal((await stat(f)).mode & 0o777, 0o600, `${f} is 0600`);
  }
  const passwdText = await readFile(passwd, 'utf8');
  assert.match(passwdText, /^bcastd:\$7\$/m, 'hashed by mosquitto_passwd -U');
  const bcastdPassword = (await readFile(join(cred, 'mqtt-password'), 'utf8')).trim();
  assert.ok(!passwdText.includes(bcastdPassword), 'no clear password in the broker file');
  const tester = JSON.parse(await readFile(join(cred, 'tester.json'), 'utf8')) as { username: string; password: string };
  assert.equal(tester.username, 'tester');

  // The shipped snippet with its paths moved into the staging root; the listeners and their settings as shipped.
  const acl = join(root, 'etc/mosquitto/bcastd.acl');
  await copyFile(join(PKG, 'bcastd.acl'), acl);
  const runDir = join(root, 'sock');
  await mkdir(runDir, { recursive: true });
  const socket = join(runDir, 'bcastd.sock');
  const port = await freePort();
  const shipped = await readFile(join(PKG, 'bcastd.conf'), 'utf8');
  const snippet = shipped
    .replaceAll('/run/mosquitto/bcastd.sock', socket)
    .replaceAll('/etc/mosquitto/bcastd.passwd', passwd)
    .replaceAll('/etc/mosquitto/bcastd.acl', acl)
    .replace(/^listener 1883 127\.0\.0\.1$/m, `listener ${port} 127.0.0.1`);
  assert.notEqual(snippet, shipped);
  const settings = snippet.split('\n').filter((l) => !l.startsWith('#')).join('\n');
  assert.ok(!/ \/(etc|run)\/|listener 1883/.test(settings), 'every board path and the port were moved');
  const logFile = join(root, 'mosquitto.log');
  const conf = join(root, 'mosquitto.conf');
  await writeFile(conf, `${snippet}\npersistence false\nlog_dest file ${logFile}\nlog_type all\n`);
  await writeFile(logFile, '');
  // Started as root mosquitto drops to its own user: give it what the script's `own` lines give it on a board.
  const owner = await brokerOwner();
  if (owner) for (const p of [passwd, acl, runDir, logFile]) await chown(p, owner.uid, owner.gid);

  const broker = spawn(MOSQUITTO_BIN, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  broker.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => broker.once('exit', () => r()));
  t.after(async () => {
    if (broker.exitCode === null && broker.signalCode === null) broker.kill('SIGTERM');
    await exited;
  });
  for (let i = 0; !(existsSync(socket) && (await readFile(logFile, 'utf8')).includes(`port ${port}`)); i++) {
    if (broker.exitCode !== null) assert.fail(`mosquitto exited: ${stderr} ${await readFile(logFile, 'utf8')}`);
    if (i > 200) assert.fail(`mosquitto did not open both listeners: ${await readFile(logFile, 'utf8')}`);
    await sleep(25);
  }

  const tcpUrl = `mqtt://127.0.0.1:${port}`;
  const unixUrl = `mqtt+unix://${socket}`;
  const refused = (url: string, login: { username?: string; password?: string }) =>
    assert.rejects(mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 3000, ...login }), /Not authorized|Bad User Name or Password|Connection refused/i, `${url} ${login.username ?? 'anonymous'}`);
  await refused(tcpUrl, {});
  await refused(unixUrl, {});
  await refused(tcpUrl, { username: 'tester', password: 'wrong' });

  // bcastd: its own publisher, mqtt+unix://, the script's password file, as a board config would say.
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
  const pub = new MqttPublisher({
    config: { url: unixUrl, username: 'bcastd', passwordFile: join(cred, 'mqtt-password'), clientId: 'bcastd-board1', topicPrefix: 'bcastd/v1', protocolVersion: 5 },
    deviceId: DEVICE,
    logger,
    backoff: { minMs: 50, maxMs: 200 },
  });
  t.after(() => pub.close());
  const commands: string[] = [];
  pub.subscribe(`${BASE}/cmd/+`, (topic) => commands.push(topic));
  pub.setStatus('ready');
  await pub.start();
  await pub.waitConnected(5000);

  // The tester over TCP with tester.json: reads the status bcastd wrote, commands it, may not write state.
  const tc = await mqtt.connectAsync(tcpUrl, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 3000, ...tester });
  t.after(() => tc.endAsync(true));
  const status = new Promise<Record<string, unknown>>((r) => tc.on('message', (topic, p) => topic === `${BASE}/status` && r(JSON.parse(p.toString()) as Record<string, unknown>)));
  await tc.subscribeAsync(`${BASE}/#`, { qos: 1 });
  assert.equal((await status)['state'], 'ready');
  await tc.publishAsync(`${BASE}/cmd/register`, '{}', { qos: 1 });
  await assert.rejects(tc.publishAsync(`${BASE}/status`, '{"state":"forged"}', { qos: 1, retain: true }), /Not authorized|135/i, 'the tester may not overwrite state');
  for (let i = 0; commands.length === 0 && i < 100; i++) await sleep(20);
  assert.deepEqual(commands, [`${BASE}/cmd/register`], 'bcastd got the tester command over the socket');
  assert.ok(!(await readFile(logFile, 'utf8')).includes(bcastdPassword), 'no password in the broker log');
});
