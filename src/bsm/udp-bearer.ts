/**
 * The UDP bearer of LTKM pushes (SPEC §3-§4): the socket (bound to network.ltkmBind, re-bound when the PDP address
 * changes), the source allow-list (network.ltkmSources: a stranger's datagram is refused before anything decodes
 * it, counted each, logged once per source per minute), each source's share of the intake's queue (at most
 * `perSourceShare` of one address:port's datagrams in it at once, so one noisy sender cannot fill the queue a
 * genuine pull from the BSM needs, while a BSM that pushes a burst of LTKMs — a re-registration for all services —
 * loses none of them) and the verification message back to the sender. Everything about the message itself (decoding, checks, the card, the outcome) is the sink's: the
 * terminal's LTKM intake, seen here through the small interface below.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { BlockList, isIPv6 } from 'node:net';
import type { Logger } from 'pino';

export interface UdpSource {
  via: 'udp';
  address: string;
  port: number;
}

/** What the bearer hands datagrams to (the LTKM intake). */
export interface UdpLtkmSink {
  accept(raw: Uint8Array, source: UdpSource, opts: { bounded: true; withinShare(): boolean; reply(verification: Uint8Array): Promise<boolean> }): Promise<void>;
  refuse(reason: 'source', detail: string, source: UdpSource, o: { received: true; report: boolean }): void;
}

export interface UdpBearerOptions {
  sink: UdpLtkmSink;
  /** network.ltkmPort (board config; 0 = any free port). */
  port: number;
  /** Resolved network.ltkmBind: the PDP address, 127.0.0.1 or an IP; null: not listening until rebind(). */
  bindAddress: string | null;
  /** network.ltkmSources: CIDRs (or plain addresses) LTKMs may come from; empty = any. */
  allowedSources?: readonly string[];
  /**
   * Per UDP source (address:port): how many of its datagrams may wait in the intake at once; beyond that its new
   * ones are dropped as 'overload' (default 128, half the intake's default queue bound).
   */
  perSourceShare?: number;
  logger: Logger;
}

const STRANGER_LOG_MS = 60_000;
const MAX_STRANGERS = 1024;
/**
 * A source's share: room for the largest burst a BSM pushes (an LTKM per MSK of every service after a
 * re-registration), while the other half of the intake's queue stays free for everybody else.
 */
const DEFAULT_PER_SOURCE_SHARE = 128;

/** network.ltkmSources as Node's BlockList (used as an allow-list); null when empty (any source). */
export function sourceList(cidrs: readonly string[]): BlockList | null {
  if (cidrs.length === 0) return null;
  const list = new BlockList();
  for (const c of cidrs) {
    const [addr, bits] = c.split('/') as [string, string | undefined];
    const type = isIPv6(addr) ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return list;
}

export class UdpBearer {
  #socket: Socket | null = null;
  readonly #log: Logger;
  /** null: any source. */
  readonly #sources: BlockList | null;
  /** When each refused source was last logged (once per source per minute; bounded). */
  readonly #strangers = new Map<string, number>();
  /** Datagrams of each source in the intake now (waiting or being processed); a key goes when it drops to 0. */
  readonly #inIntake = new Map<string, number>();
  readonly #share: number;
  #bindAddress: string | null;

  constructor(private readonly o: UdpBearerOptions) {
    this.#log = o.logger;
    this.#sources = sourceList(o.allowedSources ?? []);
    this.#bindAddress = o.bindAddress;
    this.#share = o.perSourceShare ?? DEFAULT_PER_SOURCE_SHARE;
  }

  /** The address the socket is bound to now (null while there is none, e.g. no PDP address yet). */
  get bindAddress(): string | null {
    return this.#bindAddress;
  }

  /** Binds bindAddress (see rebind() for a bearer that waits for its address). */
  async start(): Promise<{ address: string; port: number }> {
    if (this.#bindAddress === null) throw new Error('the LTKM listener has no address to bind yet: rebind() it once there is one');
    const family = isIPv6(this.#bindAddress) ? 'udp6' : 'udp4';
    const s = createSocket(family);
    s.on('message', (msg, rinfo) => this.#onDatagram(msg, rinfo));
    s.on('error', (e) => this.#log.error({ err: e }, 'LTKM socket error'));
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind(this.o.port, this.#bindAddress!, () => {
        s.off('error', reject);
        resolve();
      });
    });
    this.#socket = s;
    const a = s.address();
    this.#log.info({ address: a.address, port: a.port }, 'LTKM listener up');
    return { address: a.address, port: a.port };
  }

  /** Moves the socket to a new address (the PDP context got another one); null closes it until the next. */
  async rebind(address: string | null): Promise<{ address: string; port: number } | null> {
    if (address === this.#bindAddress && (this.#socket !== null || address === null)) return this.#socket ? this.#socket.address() : null;
    const old = this.#socket;
    this.#socket = null;
    if (old) await new Promise<void>((resolve) => old.close(() => resolve()));
    this.#bindAddress = address;
    if (address === null) {
      this.#log.info('LTKM listener closed until its address (the PDP context) is back');
      return null;
    }
    return this.start();
  }

  async stop(): Promise<void> {
    const s = this.#socket;
    this.#socket = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  #onDatagram(msg: Buffer, rinfo: RemoteInfo): void {
    const from: UdpSource = { via: 'udp', address: rinfo.address, port: rinfo.port };
    // Strangers before anything decodes the datagram.
    if (this.#sources && !this.#sources.check(rinfo.address, rinfo.family === 'IPv6' ? 'ipv6' : 'ipv4')) return this.#stranger(from);
    const key = `${from.address}:${from.port}`;
    let holding = false;
    const withinShare = () => {
      const n = this.#inIntake.get(key) ?? 0;
      if (n >= this.#share) return false;
      this.#inIntake.set(key, n + 1);
      holding = true;
      return true;
    };
    void this.o.sink
      .accept(msg, from, { bounded: true, withinShare, reply: (v) => this.#reply(v, from) })
      .catch((e: unknown) => this.#log.error({ err: e }, 'LTKM datagram processing failed'))
      .finally(() => {
        if (!holding) return;
        const n = this.#inIntake.get(key)! - 1;
        if (n === 0) this.#inIntake.delete(key);
        else this.#inIntake.set(key, n);
      });
  }

  /** The verification message, back to the sender's address and port. */
  #reply(verification: Uint8Array, to: UdpSource): Promise<boolean> {
    const s = this.#socket;
    if (!s) return Promise.resolve(false);
    return new Promise((resolve) =>
      s.send(verification, to.port, to.address, (e) => {
        if (e) this.#log.warn({ err: e }, 'verification message not sent');
        resolve(!e);
      }),
    );
  }

  /** A datagram from outside network.ltkmSources: counted, logged (and reported) once per source per minute. */
  #stranger(from: UdpSource): void {
    const why = `from ${from.address}, outside network.ltkmSources`;
    const now = Date.now();
    const last = this.#strangers.get(from.address);
    let report = last === undefined || now - last >= STRANGER_LOG_MS;
    if (report && this.#strangers.size >= MAX_STRANGERS) for (const [a, t] of this.#strangers) if (now - t >= STRANGER_LOG_MS) this.#strangers.delete(a);
    if (report && this.#strangers.size >= MAX_STRANGERS) report = false;
    if (report) {
      this.#strangers.set(from.address, now);
      this.#log.warn({ reason: 'source', from: `udp:${from.address}:${from.port}` }, `LTKM dropped: ${why} (logged once a minute per source)`);
    }
    this.o.sink.refuse('source', why, from, { received: true, report });
  }
}
