// The LTKM socket on the PDP address, through the real daemon: the simulated modem hands out the loopback alias
// 127.0.0.2 (sim.pdpAddress) as the PDP context's address, the board says `ltkmBind: pdp` (and binds its HTTP
// to the PDP address, so the BSM registers it at 127.0.0.2). The daemon's UDP socket is bound to 127.0.0.2:4359
// and nothing else; the BSM's LTKM push reaches it; a datagram from a source outside network.ltkmSources is
// dropped before decoding and counted (ltkm.dropped.source on the health topic).
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { test } from 'node:test';
import { KEY_DOMAIN, KEY_GROUP, SystemRig } from './harness.js';

const PDP = '127.0.0.2';
const STRANGER = '127.0.0.3';
const PORT = 4359;

/** /proc/net/udp's `local_address` of an IPv4 socket: the address as a little-endian hex word, then the port. */
const procUdpAddress = (ip: string, port: number) => `${Buffer.from(ip.split('.').map(Number).reverse()).toString('hex').toUpperCase()}:${port.toString(16).toUpperCase().padStart(4, '0')}`;

/** The local addresses of the UDP sockets `pid` holds, on `port`. */
function udpSocketsOf(pid: number, port: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const out: string[] = [];
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && f[1]!.endsWith(hexPort) && inodes.has(f[9]!)) out.push(f[1]!);
    }
  }
  return out;
}

test('ltkmBind pdp: the daemon binds 127.0.0.2:4359 (the PDP address) only, the BSM push arrives there, strangers are dropped', { timeout: 90_000 }, async (t) => {
  const rig = await SystemRig.start(t, {
    overrides: { network: { ltkmBind: 'pdp', ltkmPort: PORT, bindToPdpAddress: true, ltkmSources: ['127.0.0.1/32'] }, sim: { pdpAddress: PDP } },
  });
  await rig.waitFor('pdp', (p) => p['state'] === 'active', 20_000);
  await rig.waitFor('registration', (p) => p['state'] === 'registered', 20_000);

  // The socket: bound to the PDP address, not the wildcard, not 127.0.0.1.
  const pid = rig.pid!;
  assert.deepEqual(udpSocketsOf(pid, PORT), [procUdpAddress(PDP, PORT)], 'exactly one LTKM socket, on 127.0.0.2:4359');
  // And the kernel agrees: the same address and port cannot be bound again.
  const probe = createSocket('udp4');
  const bindError = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    probe.once('error', (e) => resolve(e));
    probe.bind(PORT, PDP, () => resolve(null));
  });
  probe.close();
  assert.equal(bindError?.code, 'EADDRINUSE');

  // The BSM registered the terminal at the PDP address and pushed the news MSK there over UDP: it arrived.
  const register = await rig.waitForSimEvent((e) => e.type === 'register', 10_000);
  assert.equal(register['address'], PDP, 'registered from the PDP address');
  await rig.waitFor(`keys/${KEY_DOMAIN}/${KEY_GROUP.news}`, (p) => p['count'] === 1, 15_000);
  const received = rig.events('ltkm-received').filter((e) => e['source'] === 'udp');
  assert.ok(received.length >= 1, `an LTKM came in over UDP: ${JSON.stringify(rig.events('ltkm-received'))}`);
  const pushes = await rig.simEvents('ltkm-push');
  assert.ok(pushes.some((e) => e['keyGroup'] === KEY_GROUP.news), JSON.stringify(pushes));

  // A stranger (127.0.0.3, outside ltkmSources) sends a well-formed-looking datagram to the PDP address.
  const before = await rig.healthAfter(Date.now(), 5000);
  const sourceDropsBefore = Number(before['ltkm']?.['dropped']?.['source'] ?? 0);
  const malformedBefore = Number(before['ltkm']?.['dropped']?.['malformed'] ?? 0);
  const stranger = createSocket('udp4');
  t.after(() => stranger.close());
  await new Promise<void>((resolve, reject) => stranger.bind(0, STRANGER, () => resolve()).once('error', reject));
  for (let i = 0; i < 3; i++) {
    await new Promise<void>((resolve, reject) => stranger.send(Buffer.from('0100050011223344000100', 'hex'), PORT, PDP, (e) => (e ? reject(e) : resolve())));
  }
  let after: Record<string, any> = before;
  for (let i = 0; i < 10 && Number(after['ltkm']?.['dropped']?.['source'] ?? 0) < sourceDropsBefore + 3; i++) after = await rig.healthAfter(Date.now(), 5000);
  assert.equal(Number(after['ltkm']['dropped']['source']), sourceDropsBefore + 3, 'each stranger datagram counted as ltkm.dropped.source');
  assert.equal(Number(after['ltkm']['dropped']['malformed'] ?? 0), malformedBefore, 'none of them reached the decoder');
  // Logged, once per source per minute, with the source.
  const logged = rig.logLines().filter((l) => JSON.stringify(l).includes(STRANGER));
  assert.equal(logged.length, 1, JSON.stringify(logged));
});
