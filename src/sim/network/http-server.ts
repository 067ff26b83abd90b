/** A tiny loopback HTTP server: reads the whole body, runs an async handler, answers 500 on a throw. */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { refuseHead, type JsonApiGuard, type Refusal } from './local-json-guard.js';

// Not an ES import: that would load undici, tls, http2 and zlib on Node 24 (see src/gba/http.ts).
const { createServer } = process.getBuiltinModule('node:http');

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
  /** Requests the JSON API guard refused, by HTTP status. */
  readonly refused: Readonly<Record<number, number>>;
  close(): Promise<void>;
}

export interface JsonApiOptions extends JsonApiGuard {
  /** Told about each refusal (after it is counted): one log line. */
  onRefused?: (r: Refusal, req: { method: string; path: string }) => void;
}

export async function startHttpServer(handler: SimHandler, port: number, host = '127.0.0.1', onError?: (e: unknown) => void, jsonApi?: JsonApiOptions): Promise<SimHttpServer> {
  const refused: Record<number, number> = {};
  const refuse = (req: IncomingMessage, res: ServerResponse, r: Refusal): void => {
    refused[r.status] = (refused[r.status] ?? 0) + 1;
    jsonApi?.onRefused?.(r, { method: req.method ?? '?', path: (req.url ?? '/').split('?', 1)[0]!.slice(0, 100) });
    // Connection: close — the rest of an over-long or unwanted body is not read.
    res.writeHead(r.status, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify({ error: r.error }));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const head = jsonApi ? refuseHead(req.method ?? 'GET', req.headers, jsonApi) : null;
    if (head) return refuse(req, res, head);
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (jsonApi && size > jsonApi.maxBody) {
        // A chunked body that outgrows the limit: answer now, drop what was read.
        over = true;
        chunks.length = 0;
        refuse(req, res, { status: 413, error: `body larger than ${jsonApi.maxBody} bytes` });
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (over) return;
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
    refused,
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
