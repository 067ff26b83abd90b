// A virtual USIM of its own on vpcd, for `sim.card: external` ("bring your own card") without a real reader:
//   node dist/src/sim/usim/serve-card.js <subscriber.json> [vpcd port, default 35963] [full|aka-only]
// It plugs a card with that subscriber's IMSI/K/OPc into a running pcscd's vpcd reader and serves APDUs until
// SIGTERM/SIGINT. The subscriber file is the one the daemon's sim.subscriberFile names (mode 0600).
import pino from 'pino';
import { loadSubscriber, SubscriberFileError } from '../subscriber.js';
import { VirtualUsim } from './usim.js';
import { VPCD_DEFAULT_PORT, VpcdClient } from './vpcd-client.js';

const [file, portArg, profileArg] = process.argv.slice(2);
const log = pino({ level: process.env['LOG_LEVEL'] ?? 'info' });
if (!file) {
  process.stderr.write('usage: serve-card <subscriber.json> [vpcd port] [full|aka-only]\n');
  process.exit(2);
}
const port = portArg ? Number(portArg) : VPCD_DEFAULT_PORT;
const profile = profileArg === 'aka-only' ? 'aka-only' : 'full';
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  process.stderr.write(`serve-card: bad vpcd port ${portArg}\n`);
  process.exit(2);
}
let subscriber;
try {
  subscriber = await loadSubscriber(file);
} catch (e) {
  process.stderr.write(`serve-card: ${e instanceof SubscriberFileError ? e.message : (e as Error).message}\n`);
  process.exit(2);
}
const usim = new VirtualUsim({ subscriber, profile, logger: log });
const vpcd = new VpcdClient(usim, { port, logger: log });
vpcd.on('connected', () => log.info({ port, profile }, 'virtual card plugged into vpcd'));
vpcd.start();
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => void vpcd.stop().then(() => process.exit(0)));
}
