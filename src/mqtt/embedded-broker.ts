// The zero-install fallback broker: npm aedes inside the daemon process, MQTT 3.1.1 only, loopback only. Used on
// the sim board when Debian's mosquitto (MQTT 5) is not installed. Its authenticate/authorize hooks enforce the
// same roles as the mosquitto ACL (roles.ts): no anonymous clients, publish/subscribe/delivery checked per role.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { Aedes, type Client } from 'aedes';
import type { Logger } from 'pino';
import type { BrokerRoles } from './broker.js';
import { BrokerUnavailableError } from './errors.js';
import { absoluteGrants, allowed, maySubscribe, ROLES, type Role } from './roles.js';

export interface EmbeddedBrokerCounters {
  /** CONNECTs refused: no or wrong credentials. */
  authFailures: number;
  /** Publishes, subscriptions and deliveries a role does not allow. */
  denied: number;
}

export interface EmbeddedBroker {
  readonly url: string;
  readonly port: number;
  readonly counters: Readonly<EmbeddedBrokerCounters>;
  close(): Promise<void>;
}

const digest = (b: Buffer | string) => createHash('sha256').update(b).digest();
/** Warn once per distinct refusal (bounded: the topics are the clients' choice). */
const MAX_WARNED = 256;

export async function startEmbeddedBroker(port: number, roles: BrokerRoles, logger?: Logger): Promise<EmbeddedBroker> {
  const grants = absoluteGrants(roles.topicPrefix, roles.deviceId);
  const secrets = ROLES.map((role) => ({ role, user: roles.logins[role].username, hash: digest(roles.logins[role].password) }));
  const roleOf = new WeakMap<Client, Role>();
  const counters: EmbeddedBrokerCounters = { authFailures: 0, denied: 0 };
  const warned = new Set<string>();
  const deny = (client: Client | null, what: string, topic: string) => {
    counters.denied++;
    const role = client ? roleOf.get(client) : undefined;
    const key = `${role}|${what}|${topic}`;
    if (warned.size < MAX_WARNED && !warned.has(key)) {
      warned.add(key);
      logger?.warn({ role: role ?? null, what, topic }, 'MQTT access refused by the broker roles');
    }
  };

  const aedes = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      const given = password ? digest(password) : undefined;
      // Every account is compared, so the time taken says nothing about which user names exist.
      let match: Role | undefined;
      for (const s of secrets) if (given && timingSafeEqual(given, s.hash) && username === s.user) match = s.role;
      if (match === undefined) {
        counters.authFailures++;
        logger?.warn({ user: username === undefined ? null : String(username).slice(0, 64) }, 'MQTT client refused: no valid login');
        const err = Object.assign(new Error('not authorized'), { returnCode: 5 });
        return done(err as Parameters<typeof done>[0], false);
      }
      roleOf.set(client, match);
      done(null, true);
    },
    authorizePublish: (client, packet, done) => {
      const role = client ? roleOf.get(client) : undefined;
      if (role !== undefined && allowed(grants[role], 'write', packet.topic)) return done(null);
      deny(client, 'publish', packet.topic);
      done(new Error('not authorized'));
    },
    authorizeSubscribe: (client, sub, done) => {
      const role = roleOf.get(client);
      if (role !== undefined && maySubscribe(grants[role], sub.topic)) return done(null, sub);
      deny(client, 'subscribe', sub.topic);
      done(null, null);
    },
    // A granted `#` may still not deliver everything (tester and player/#): each message is checked on its way out.
    authorizeForward: (client, packet) => {
      const role = roleOf.get(client);
      if (role !== undefined && allowed(grants[role], 'read', packet.topic)) return packet;
      if (!packet.topic.startsWith('$SYS/')) deny(client, 'deliver', packet.topic);
      return null;
    },
  });
  // No Nagle towards subscribers, as mosquitto's set_tcp_nodelay (src/mqtt/broker.ts).
  const server: Server = createServer({ noDelay: true }, aedes.handle);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await new Promise<void>((r) => aedes.close(() => r()));
    throw new BrokerUnavailableError(`cannot start the embedded MQTT broker on 127.0.0.1:${port}: ${(err as Error).message}`);
  }
  const bound = (server.address() as { port: number }).port;
  const url = `mqtt://127.0.0.1:${bound}`;
  logger?.info({ url }, 'embedded MQTT broker (aedes, MQTT 3.1.1) started: install mosquitto for MQTT 5');
  return {
    url,
    port: bound,
    counters,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => aedes.close(() => r()));
      logger?.info({ url }, 'embedded MQTT broker stopped');
    },
  };
}
