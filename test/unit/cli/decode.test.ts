// `bcastctl decode` through the real executable: what a field tester types and reads.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bcastctlBin, vectorsDir } from '../../helpers/repo.js';

const run = promisify(execFile);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function bcastctl(...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bcastctlBin, ...args], { timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

const pull = JSON.parse(readFileSync(join(vectorsDir, 'solicited-pull.json'), 'utf8')) as {
  smsDeliverPdus: string[];
  mikey: string;
  expect: { mikey: Record<string, unknown>; ports: { destination: number; source: number }; push: Record<string, unknown> };
};
const tsvRows = readFileSync(join(vectorsDir, 'sms-pdus.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => l.split('\t'));
const hexOf = (needle: string) => tsvRows.find((r) => r[0]!.includes(needle))![1]!;

test('two solicited-pull SMS parts reassemble into the push and its MIKEY (JSON)', async () => {
  const r = await bcastctl('decode', 'sms', ...pull.smsDeliverPdus, '--json');
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.equal(json.complete, true);
  assert.equal(json.parts.length, 2);
  for (const part of json.parts) {
    assert.equal(part.type, 'SMS-DELIVER');
    assert.deepEqual(part.ports, pull.expect.ports);
    assert.equal(part.concat.reference, 90);
    assert.equal(part.concat.total, 2);
  }
  assert.deepEqual(json.parts.map((p: { concat: { sequence: number } }) => p.concat.sequence), [1, 2]);
  for (const [k, v] of Object.entries(pull.expect.push)) assert.equal(json.push[k], v, `push.${k}`);
  for (const [k, v] of Object.entries(pull.expect.mikey)) assert.deepEqual(json.push.mikey[k], v, `mikey.${k}`);
  assert.equal(json.push.body, pull.mikey.toLowerCase());
});

test('parts given out of order, and a repeated part, still reassemble once', async () => {
  const [a, b] = pull.smsDeliverPdus as [string, string];
  const r = await bcastctl('decode', 'sms', b, a, b, '--json');
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.equal(json.complete, true);
  assert.equal(json.push.mikey.solicitedPull, true);
  assert.equal(json.notes.length, 1);
  assert.match(json.notes[0], /argument 3 repeats argument 1/);
});

test('one part alone is reported incomplete, with no push', async () => {
  const r = await bcastctl('decode', 'sms', pull.smsDeliverPdus[0]!);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Incomplete: 1 part/);
  assert.doesNotMatch(r.stdout, /WSP Push/);
});

test('human output is a readable tree naming the fields a tester looks for', async () => {
  const r = await bcastctl('decode', 'sms', ...pull.smsDeliverPdus);
  assert.equal(r.code, 0, r.stderr);
  for (const needle of ['SMS-DELIVER', 'destination 2948', 'part 2 of 2', 'WSP Push', 'application/mikey', 'x-oma-application:bcast.ua', 'SOLICITED PULL']) {
    assert.ok(r.stdout.includes(needle), `missing "${needle}" in:\n${r.stdout}`);
  }
});

test('single SMS JSON carries the contract fields', async () => {
  const r = await bcastctl('decode', 'sms', hexOf('Alphanumeric OA'), '--json');
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.equal(json.type, 'SMS-DELIVER');
  assert.equal(json.smsc, '+31626000230');
  assert.deepEqual({ address: json.originator.address, ton: json.originator.ton }, { address: 'Telfort', ton: 5 });
  assert.equal(json.timestamp, '2011-12-13T13:12:11+01:00');
  assert.equal(json.text, 'Welcome to Telfort');
  assert.equal(json.ports, null);
  assert.equal(json.concat, null);
  assert.deepEqual(json.udh, []);
  assert.equal(typeof json.userData, 'string');
  assert.equal(json.pid, 0);
  assert.equal(json.dcs, 0);
});

test('--tpdu takes a bare TPDU', async () => {
  const withSmsc = hexOf('Test Simple Deliver');
  const smscLen = parseInt(withSmsc.slice(0, 2), 16);
  const r = await bcastctl('decode', 'sms', withSmsc.slice(2 + smscLen * 2), '--tpdu', '--json');
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.equal(json.smsc, null);
  assert.equal(json.text, 'How are you?');
});

test('the oFono MMS WAP push decodes down to its WSP headers', async () => {
  const r = await bcastctl('decode', 'sms', hexOf('Test WAP Push 1'), '--json');
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.equal(json.push.contentType, 'application/vnd.wap.mms-message');
  assert.equal(json.push.applicationId, 'x-wap-application:mms.ua');
  assert.equal(json.push.mikey, undefined);
});

test('mikey and wsp kinds decode alone', async () => {
  const m = await bcastctl('decode', 'mikey', pull.mikey, '--json');
  assert.equal(m.code, 0, m.stderr);
  const mj = JSON.parse(m.stdout);
  assert.equal(mj.solicitedPull, true);
  assert.deepEqual(mj.mskId, { keyGroup: 0, keyNumber: 0 });
  assert.equal(mj.keyDomainId, '00f110');
  assert.equal(mj.payloads[0].type, 'HDR');

  const w = await bcastctl('decode', 'wsp', '01', '0603D2AF93', pull.mikey, '--json');
  assert.equal(w.code, 0, w.stderr);
  const wj = JSON.parse(w.stdout);
  assert.equal(wj.tid, 1);
  assert.equal(wj.pduType, 'push');
  assert.equal(wj.contentType, 'application/mikey');
  assert.equal(wj.mikey.csbId, 439041101);
});

const malformed: Array<[string, string[], RegExp]> = [
  ['the negative PDU (UDL beyond the data)', ['sms', hexOf('NEGATIVE')], /offset 27/],
  ['odd hex', ['sms', '07914'], /odd number of hex digits/],
  ['a non-hex digit', ['mikey', '01zz'], /not a hex digit 'z' at offset 1/],
  ['a truncated MIKEY', ['mikey', pull.mikey.slice(0, 40)], /mikey: .*offset \d+/],
  ['a push with a truncated MIKEY body', ['wsp', '010603D2AF930100'], /mikey: /],
  ['an unknown kind', ['ber', '00'], /unknown kind 'ber'/],
  ['a second part of garbage', ['sms', pull.smsDeliverPdus[0]!, '00'], /argument 2: sms: /],
];

for (const [name, args, message] of malformed) {
  test(`malformed input exits 2 with one line naming the problem: ${name}`, async () => {
    const r = await bcastctl('decode', ...args);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });
}

test('a reader that has closed the pipe (bcastctl … | head -1) ends bcastctl quietly, no EPIPE crash', async () => {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [bcastctlBin, 'decode', 'sms', ...pull.smsDeliverPdus], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy(); // the reader is gone before bcastctl writes its first line
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.doesNotMatch(stderr, /EPIPE|Unhandled|node:events/);
  assert.equal(code, 0);
});
