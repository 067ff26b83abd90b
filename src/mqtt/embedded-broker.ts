// The zero-install fallback broker: npm aedes inside the daemon process, MQTT 3.1.1 only, loopback only. Used on
// the sim board when Debian's mosquitto (MQTT 5) is not installed.
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import type { Logger } from 'pino';
import { BrokerUnavailableError } from './errors.js';

export interface EmbeddedBroker {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(port: number, logger?: Logger): Promise<EmbeddedBroker> {
  const aedes = await Aedes.createBroker();
  const server: Server = createServer(aedes.handle);
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
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => aedes.close(() => r()));
      logger?.info({ url }, 'embedded MQTT broker stopped');
    },
  };
}
