/**
 * The AT engine: one command in flight over an AtTransport, its answer matched by a waiter registered
 * before the command is written, unsolicited result codes handed to subscribers whenever they arrive -
 * between commands or in the middle of an answer.
 *
 * Routing of received lines (from AtFramer):
 * - final result → completes the command in flight (OK resolves, anything else rejects AtCommandError);
 * - URC → 'urc' subscribers; a URC that is also a read-command answer (`ambiguous`: +CEREG, +CPIN, …)
 *   belongs to the command in flight when its name is the command's response prefix;
 * - two-line +CMT/+CDS → 'cmt' subscribers;
 * - information text → the command in flight (counted as unexpected when none is);
 * - `> ` prompt → the command's body and Ctrl-Z, or ESC when the command has none;
 * - echo → dropped (the engine sends ATE0 but survives a modem that echoes anyway).
 *
 * Two waiting lines, one command in flight: the priority lane (SMS acknowledgements, the ladder's probes)
 * is always served first and never refused - an unacknowledged +CMT makes the network retry and the
 * modem turn routing off (27.005 +CNMA) - while the ordinary queue is bounded (`maxQueue`). The lane
 * stays short by nature: one acknowledgement per +CMT, and under AT+CSMS=1 the modem routes the next
 * +CMT only after the previous one was acknowledged.
 *
 * The engine does not reconnect: the link supervisor attaches and detaches transports and climbs the
 * recovery ladder on the 'timeout' events this class emits.
 */
import { SafeEmitter } from '../util/safe-emitter.js';
import type { Logger } from 'pino';
import { AtFramer, type AtLine, type CmtLine, type FinalLine, type GarbageLine, type UrcLine } from '../codec/at/index.js';
import { maskCommand } from './at-trace.js';
import { commandName, responsePrefix } from './command-name.js';
import { AtCommandError, AtLinkError, AtTimeoutError, type LinkErrorReason } from './errors.js';
import type { TimeoutTable } from './timeouts.js';
import type { AtTransport } from './transport.js';

export interface SendOptions {
  /** Overrides the timeout table. */
  readonly timeoutMs?: number;
  /** Text sent after the `> ` prompt, followed by Ctrl-Z (a PDU for AT+CMGS / AT+CMGW). */
  readonly body?: string;
  /** Response prefix claiming ambiguous URC-or-answer lines; default: the command's own (`+CEREG`). */
  readonly expect?: string | null;
  /**
   * The priority lane: sent next, ahead of every ordinary command, and never refused by the queue
   * bound (acknowledgements that must not wait behind a listing nor be dropped in a flood).
   */
  readonly priority?: boolean;
  /** Goes out even while the engine is held (the recovery ladder's probes); implies the priority lane. */
  readonly urgent?: boolean;
}

export interface AtResponse {
  readonly command: string;
  /** Information lines of the answer, in order. */
  readonly lines: readonly string[];
  readonly final: FinalLine;
  readonly elapsedMs: number;
}

export interface AtEngineEvents {
  urc: [line: UrcLine];
  cmt: [line: CmtLine];
  /** A command got no final result in time. */
  timeout: [info: { command: string; timeoutMs: number }];
  /** A command got a final result (any): the modem is answering. */
  answered: [info: { command: string; ok: boolean }];
  garbage: [line: GarbageLine];
}

export interface AtEngineStats {
  sent: number;
  ok: number;
  failed: number;
  timeouts: number;
  linkErrors: number;
  urcs: number;
  reports: number;
  garbage: number;
  /** Final results with no command in flight (a late answer after a timeout). */
  strayFinals: number;
  /** Information text with no command in flight. */
  unexpectedLines: number;
  listenerErrors: number;
}

export interface AtEngineOptions {
  readonly logger: Logger;
  readonly timeouts: TimeoutTable;
  /**
   * Ordinary commands waiting behind the one in flight (default 64); more are refused with AtLinkError
   * queue-full. Priority and urgent commands are not counted and never refused.
   */
  readonly maxQueue?: number;
  /**
   * After a timeout, the next command waits this long so that a late answer to the timed-out one is
   * counted as stray instead of completing the next command (default 100 ms).
   */
  readonly settleAfterTimeoutMs?: number;
}

interface Pending {
  readonly command: string;
  readonly prefix: string | null;
  readonly options: SendOptions;
  readonly timeoutMs: number;
  readonly resolve: (r: AtResponse) => void;
  readonly reject: (e: Error) => void;
  readonly lines: string[];
  startedAt: number;
  timer: NodeJS.Timeout | null;
  bodySent: boolean;
}

export class AtEngine extends SafeEmitter<AtEngineEvents> {
  private readonly log: Logger;
  private readonly framer = new AtFramer();
  /** Ordinary commands, bounded by maxQueue. */
  private readonly queue: Pending[] = [];
  /** Priority and urgent commands, in arrival order, served before `queue`. */
  private readonly lane: Pending[] = [];
  private readonly maxQueue: number;
  private readonly settleMs: number;
  private link: AtTransport | null = null;
  private inflight: Pending | null = null;
  private settling: NodeJS.Timeout | null = null;
  private held = false;
  private readonly counters: AtEngineStats = {
    sent: 0,
    ok: 0,
    failed: 0,
    timeouts: 0,
    linkErrors: 0,
    urcs: 0,
    reports: 0,
    garbage: 0,
    strayFinals: 0,
    unexpectedLines: 0,
    listenerErrors: 0,
  };

  constructor(private readonly options: AtEngineOptions) {
    // Listener exceptions must not break the receive path: they are logged and counted.
    super((err, event) => {
      this.counters.listenerErrors++;
      this.log.error({ err, event }, 'a modem event listener threw');
    });
    this.log = options.logger;
    this.maxQueue = options.maxQueue ?? 64;
    this.settleMs = options.settleAfterTimeoutMs ?? 100;
  }

  get attached(): boolean {
    return this.link !== null;
  }

  stats(): AtEngineStats {
    return { ...this.counters };
  }

  /** Takes over an open transport: from now on its bytes are framed and commands are written to it. */
  attach(transport: AtTransport): void {
    if (this.link) this.detach('reopening');
    this.link = transport;
    this.framer.reset();
    transport.onData((chunk) => {
      if (this.link === transport) this.onData(chunk);
    });
    this.pump();
  }

  /** Lets go of the transport (the caller closes it); the command in flight and the queue fail with AtLinkError. */
  detach(reason: LinkErrorReason, detail?: string): void {
    this.link = null;
    this.framer.reset();
    if (this.settling) clearTimeout(this.settling);
    this.settling = null;
    const failed = [...(this.inflight ? [this.inflight] : []), ...this.lane.splice(0), ...this.queue.splice(0)];
    this.inflight = null;
    for (const p of failed) this.fail(p, new AtLinkError(p.command, reason, detail));
  }

  /**
   * Fails the command in flight (the modem restarted: its answer will never come). Like after a
   * timeout, the next command waits a moment so that a late answer is not taken for its own.
   */
  abortInFlight(reason: LinkErrorReason, detail?: string): void {
    const p = this.inflight;
    if (!p) return;
    this.finish(p);
    this.fail(p, new AtLinkError(p.command, reason, detail));
    if (this.settling) clearTimeout(this.settling);
    this.settling = setTimeout(() => {
      this.settling = null;
      this.pump();
    }, this.settleMs);
  }

  /** Ordinary commands wait (the ladder probes with `urgent` commands meanwhile). */
  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
    this.pump();
  }

  /**
   * Sends `command` where a refusal is an answer, not a failure (optional settings, fallbacks): true when the
   * modem accepted it, false (logged at debug) on ERROR / +CME / +CMS; timeouts and link errors still reject.
   */
  async accepts(command: string, log?: { debug(o: object, msg: string): void }): Promise<boolean> {
    try {
      await this.send(command);
      return true;
    } catch (err) {
      if (!(err instanceof AtCommandError)) throw err;
      log?.debug({ command, err: err.message }, 'modem refused');
      return false;
    }
  }

  /** Sends one command line (without CR) and resolves with its answer. Never throws synchronously. */
  send(command: string, options: SendOptions = {}): Promise<AtResponse> {
    return new Promise<AtResponse>((resolve, reject) => {
      if (!this.link) {
        this.counters.linkErrors++;
        reject(new AtLinkError(command, 'not-connected'));
        return;
      }
      const priority = options.priority === true || options.urgent === true;
      if (!priority && this.queue.length >= this.maxQueue) {
        this.counters.linkErrors++;
        reject(new AtLinkError(command, 'queue-full', `${this.queue.length} commands waiting`));
        return;
      }
      const pending: Pending = {
        command,
        prefix: options.expect === undefined ? responsePrefix(command) : options.expect,
        options,
        timeoutMs: options.timeoutMs ?? this.options.timeouts.forCommand(command),
        resolve,
        reject,
        lines: [],
        startedAt: 0,
        timer: null,
        bodySent: false,
      };
      (priority ? this.lane : this.queue).push(pending);
      this.pump();
    });
  }

  private pump(): void {
    if (!this.link || this.inflight || this.settling) return;
    let next: Pending | undefined;
    if (this.held) {
      const index = this.lane.findIndex((p) => p.options.urgent === true);
      if (index >= 0) next = this.lane.splice(index, 1)[0];
    } else next = this.lane.shift() ?? this.queue.shift();
    if (next) this.start(next, this.link);
  }

  private start(p: Pending, link: AtTransport): void {
    // The waiter exists before a byte is written: an answer can never arrive unclaimed.
    this.inflight = p;
    p.startedAt = Date.now();
    p.timer = setTimeout(() => this.onTimeout(p), p.timeoutMs);
    this.framer.expectEcho(p.command);
    this.counters.sent++;
    this.log.trace({ tx: maskCommand(p.command) }, 'AT >');
    link.write(`${p.command}\r`).catch((err: unknown) => {
      if (this.inflight !== p) return;
      this.finish(p);
      this.fail(p, new AtLinkError(p.command, 'write-failed', err instanceof Error ? err.message : String(err)));
    });
  }

  private onTimeout(p: Pending): void {
    if (this.inflight !== p) return;
    this.finish(p);
    this.counters.timeouts++;
    this.log.warn({ command: maskCommand(p.command), timeoutMs: p.timeoutMs }, 'AT command timed out');
    p.reject(new AtTimeoutError(p.command, p.timeoutMs));
    this.settling = setTimeout(() => {
      this.settling = null;
      this.pump();
    }, this.settleMs);
    this.emit('timeout', { command: p.command, timeoutMs: p.timeoutMs });
  }

  /** Clears the in-flight slot and the timer of `p`; the caller settles its promise. */
  private finish(p: Pending): void {
    if (p.timer) clearTimeout(p.timer);
    p.timer = null;
    if (this.inflight === p) this.inflight = null;
  }

  private fail(p: Pending, err: Error): void {
    if (p.timer) clearTimeout(p.timer);
    p.timer = null;
    if (err instanceof AtLinkError) this.counters.linkErrors++;
    p.reject(err);
  }

  private onData(chunk: Uint8Array): void {
    for (const line of this.framer.push(chunk)) {
      if (line.kind !== 'echo') this.log.trace({ rx: line.kind === 'cmt' ? `${line.headerText} ${line.pdu}` : lineText(line) }, 'AT <');
      this.route(line);
    }
    this.pump();
  }

  private route(line: AtLine): void {
    const p = this.inflight;
    switch (line.kind) {
      case 'echo':
        return;
      case 'final':
        if (!p) {
          this.counters.strayFinals++;
          this.log.debug({ final: line.result }, 'final result with no command in flight (late answer?)');
          return;
        }
        this.complete(p, line);
        return;
      case 'prompt':
        this.onPrompt(p);
        return;
      case 'cmt':
        this.counters.reports++;
        this.emit('cmt', line);
        return;
      case 'urc':
        if (p && line.ambiguous && p.prefix !== null && p.prefix.toUpperCase() === line.name.toUpperCase()) {
          p.lines.push(line.text);
          return;
        }
        this.counters.urcs++;
        this.emit('urc', line);
        return;
      case 'info':
        if (p) p.lines.push(line.text);
        else {
          this.counters.unexpectedLines++;
          this.log.debug({ line: line.text.slice(0, 80) }, 'information text with no command in flight');
        }
        return;
      case 'garbage':
        this.counters.garbage++;
        this.log.debug({ reason: line.reason, text: line.text }, 'unusable line from the modem');
        this.emit('garbage', line);
        return;
    }
  }

  private onPrompt(p: Pending | null): void {
    const link = this.link;
    if (!link) return;
    if (p && p.options.body !== undefined && !p.bodySent) {
      p.bodySent = true;
      this.framer.expectEcho(p.options.body);
      this.log.trace({ tx: `${p.options.body}<ctrl-z>` }, 'AT >');
      link.write(`${p.options.body}\x1a`).catch(() => {});
      return;
    }
    // A prompt nobody asked for: ESC makes the modem abandon the input and answer OK.
    this.log.debug({ command: p ? maskCommand(p.command) : null }, 'unexpected "> " prompt: cancelling with ESC');
    link.write('\x1b').catch(() => {});
  }

  private complete(p: Pending, final: FinalLine): void {
    this.finish(p);
    const elapsedMs = Date.now() - p.startedAt;
    const ok = final.result === 'OK';
    if (ok) {
      this.counters.ok++;
      p.resolve({ command: p.command, lines: p.lines, final, elapsedMs });
    } else {
      this.counters.failed++;
      this.log.debug({ command: maskCommand(p.command), result: final.result, code: final.code, text: final.text }, 'AT command failed');
      p.reject(new AtCommandError(p.command, final.result, final.code, final.text, p.lines));
    }
    this.emit('answered', { command: commandName(p.command), ok });
  }
}

function lineText(line: Exclude<AtLine, { kind: 'cmt' }>): string {
  switch (line.kind) {
    case 'final':
      return [line.result, line.code, line.text].filter((v) => v !== undefined).join(' ');
    case 'prompt':
      return '> ';
    default:
      return line.text;
  }
}
