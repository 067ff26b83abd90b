/** A tiny loopback HTTP server: reads the whole body, runs an async handler, answers 500 on a throw. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SimRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: Buffer;
  remoteAddress: string;
  /** Destroys the socket without an answer (fault injection: connection reset). */
  reset(): void;
}

export interface SimReply {
  status: number;
  headers?: Record<string, string | string[]>;
  body?: string | Uint8Array;
}

export type SimHandler = (req: SimRequest) => Promise<SimReply | null>;

export interface SimHttpServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export async function startHttpServer(handler: SimHandler, port: number, host = '127.0.0.1', onError?: (e: unknown) => void): Promise<SimHttpServer> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const sreq: SimRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://sim'),
        headers: req.headers,
        body: Buffer.concat(chunks),
        remoteAddress: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
        reset: () => req.socket.destroy(),
      };
      handler(sreq).then(
        (reply) => {
          if (!reply) return;
          res.writeHead(reply.status, reply.headers ?? {});
          res.end(reply.body);
        },
        (e: unknown) => {
          onError?.(e);
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('internal error');
        },
      );
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    server,
    port: bound,
    url: `http://${host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const json = (status: number, value: unknown): SimReply => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
