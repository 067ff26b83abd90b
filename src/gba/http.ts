/**
 * One HTTP exchange with a timeout, optionally bound to a local address (the PDP context's, so the
 * BSF/BSM see the address LTKM pushes will reach). Node's http/https: `fetch` cannot bind a source
 * address without undici's Agent, which is not a dependency. Shared by the GBA and BSM clients.
 */
import type { IncomingMessage } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { ReasonedError } from '../util/reasoned-error.js';

export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  timeoutMs: number;
  localAddress?: string;
  /** Largest response body accepted (default MAX_BODY_BYTES); a larger one is refused as it arrives. */
  maxBodyBytes?: number;
}

/** BSF and BSM bodies are small XML documents (the XML codec refuses more than 64 KiB anyway). */
export const MAX_BODY_BYTES = 256 * 1024;

export interface HttpResponse {
  status: number;
  /** Lower-cased names; every value of repeated headers kept. */
  headers: Record<string, string[]>;
  body: Buffer;
}

export type HttpFailureKind = 'timeout' | 'network' | 'too-large';

/** The request got no usable HTTP answer: timeout, refused, reset (retryable), or a body over the cap (not). */
export class HttpFailure extends ReasonedError<HttpFailureKind> {
  override readonly name = 'HttpFailure';
  constructor(reason: HttpFailureKind, message: string, cause?: unknown) {
    super(reason, message, cause === undefined ? undefined : { cause });
  }
}

/** Keep-alive agents so a warm request reuses its connection (one round trip, no new handshake). */
export interface HttpTransport {
  send(req: HttpRequest): Promise<HttpResponse>;
  close(): void;
}

/**
 * node:https (and tls under it: ~0.3 MB resident) only once an https:// URL is asked for: the sim board's and
 * many operators' BSF/BSM speak plain HTTP over the PDP context.
 */
const https = () => process.getBuiltinModule('node:https');
/**
 * node:http through getBuiltinModule, not an ES import: Node builds a built-in's ES module by reading every export,
 * and on Node 24 http.WebSocket's getter loads undici, tls, http2 and zlib (~11 MB resident). The board build
 * does this for every built-in (scripts/bundle.mjs); this spares the compiled tree (`npm start`) the largest of them.
 */
const { request: httpRequest, Agent: HttpAgent } = process.getBuiltinModule('node:http');

interface Agents {
  http: InstanceType<typeof HttpAgent>;
  https?: HttpsAgent;
}

export function createHttpTransport(): HttpTransport {
  const agents: Agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 4 }) };
  return {
    send: (req) => send(req, agents),
    close() {
      agents.http.destroy();
      agents.https?.destroy();
    },
  };
}

function send(req: HttpRequest, agents: Agents): Promise<HttpResponse> {
  const url = new URL(req.url);
  const tls = url.protocol === 'https:';
  const body = req.body === undefined ? undefined : Buffer.from(req.body);
  const headers: Record<string, string> = { ...req.headers };
  if (body) headers['content-length'] = String(body.length);
  return new Promise<HttpResponse>((resolve, reject) => {
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      fn();
    };
    const r = (tls ? https().request : httpRequest)(
      url,
      {
        method: req.method,
        headers,
        // The agent pools sockets by host, port and local address (Agent#getName), so a socket bound to the PDP
        // context's address is reused only by requests bound to that same address; a new address opens new ones.
        agent: tls ? (agents.https ??= new (https().Agent)({ keepAlive: true, maxSockets: 4 })) : agents.http,
        ...(req.localAddress ? { localAddress: req.localAddress } : {}),
      },
      (res: IncomingMessage) => {
        const max = req.maxBodyBytes ?? MAX_BODY_BYTES;
        const tooLarge = (n: number) =>
          finish(() => {
            reject(new HttpFailure('too-large', `${url.host} answered with a body over ${max} bytes (${n}+): refused`));
            r.destroy();
          });
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > max) return tooLarge(declared);
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > max) tooLarge(size);
          else chunks.push(c);
        });
        res.on('error', (e) => finish(() => reject(new HttpFailure('network', `response failed: ${e.message}`, e))));
        res.on('end', () =>
          finish(() => {
            const h: Record<string, string[]> = {};
            for (const [k, v] of Object.entries(res.headersDistinct)) if (v) h[k] = v;
            resolve({ status: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks) });
          }),
        );
      },
    );
    const timer = setTimeout(() => {
      finish(() => reject(new HttpFailure('timeout', `no answer from ${url.host} within ${req.timeoutMs} ms`)));
      r.destroy();
    }, req.timeoutMs);
    r.on('error', (e) => finish(() => reject(new HttpFailure('network', `${req.method} ${url.host}: ${e.message}`, e))));
    r.end(body);
  });
}

export function header(res: HttpResponse, name: string): string | undefined {
  return res.headers[name.toLowerCase()]?.[0];
}
