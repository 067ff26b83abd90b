/**
 * The simulated modem: a pseudo-terminal (the project's own openpty addon) whose slave is a real tty
 * that npm serialport opens, speaking the AT subset the modem layer uses, with an SMSC side (deliver
 * SMS-DELIVER PDUs as +CMT or stored + +CMTI, as the terminal's +CNMI asks; routed ones paced by
 * AT+CNMA under AT+CSMS=1, see sim-smsc.ts), a network side (coverage,
 * +CGEV releases, PDP addresses) and fault injection (garbage, split writes, slow or silent commands,
 * echo, +CMS ERROR on ack, the device node vanishing and coming back, reboots with boot URCs).
 * Every AT command line received is logged with a timestamp in `atLog`. Standalone: usable by the
 * `sim` board as well as by tests.
 */
import { EventEmitter } from 'node:events';
import pino, { type Logger } from 'pino';
import { DeviceLink, PtyPair } from '../../native/index.js';
import { handleBasic } from './commands-basic.js';
import { handlePacket, registrationFields } from './commands-packet.js';
import { handleSms } from './commands-sms.js';
import type { SimCore, SimIdentity } from './core.js';
import { InputReader, type Input } from './input.js';
import { MessageStore, type MemName, type StoredMessage } from './message-store.js';
import { createSimNetwork, type SimNetwork } from './sim-network.js';
import { SimSmsc, type DeliveryMode, type DeliveryResult, type SmscLogEntry, type SmscOptions } from './sim-smsc.js';
import { OutputQueue, type SplitOptions } from './output.js';
import { parseCommand, type ParsedCommand } from './parse-command.js';
import { error, type Reply } from './replies.js';
import { DEFAULT_CNMI_SUPPORT, SimState, type CnmiSupport, type PdpDefinition } from './state.js';

export interface SimModemOptions {
  /** A stable device path (symlink to the pty slave, like /dev/serial/by-id/…); needed for removeNode(). */
  readonly linkPath?: string;
  readonly logger?: Logger;
  /** Echo at power-on (default true, the factory ATE1 of real modules). */
  readonly echo?: boolean;
  /** Slots per storage (default 30). */
  readonly storageCapacity?: number;
  /** What AT+CNMI=? advertises and AT+CNMI accepts. */
  readonly cnmiSupport?: CnmiSupport;
  readonly identity?: Partial<SimIdentity>;
  /** Address of activated contexts (default 10.64.0.2). */
  readonly pdpAddress?: string;
  /** Printed after a reboot (default RDY, +CFUN: 1, +CPIN: READY, SMS DONE). */
  readonly bootUrcs?: readonly string[];
  /** How long a reboot keeps the modem deaf (default 50 ms). */
  readonly bootTimeMs?: number;
  /** Delay before every answer (default 0). */
  readonly responseDelayMs?: number;
  /** The SMSC's acknowledgement timeout, retries and queue bound (sim-smsc.ts). */
  readonly smsc?: SmscOptions;
}

export interface AtLogEntry {
  readonly seq: number;
  /** Date.now() when the line's CR arrived. */
  readonly ts: number;
  readonly command: string;
}

export interface SimModemEvents {
  command: [entry: AtLogEntry];
}

const DEFAULT_BOOT_URCS = ['RDY', '+CFUN: 1', '+CPIN: READY', 'SMS DONE'];

/** `AT+CGACT`, `+CGACT`, `CGACT` → `+CGACT`; `ATE` / `E` → `E`; `all` stays `all`. */
function normaliseName(name: string): string {
  if (name === 'all') return name;
  let n = name.trim().toUpperCase();
  if (n.startsWith('AT') && n.length > 2) n = n.slice(2);
  if (n === 'AT' || n === '') return 'AT';
  return /^[+$^%#*!&]/.test(n) || n.length === 1 ? n : `+${n}`;
}

export class SimModem extends EventEmitter<SimModemEvents> {
  readonly atLog: AtLogEntry[] = [];
  /** PDUs the terminal sent with AT+CMGS. */
  readonly sent: string[] = [];
  private readonly log: Logger;
  private readonly state: SimState;
  private readonly store: MessageStore;
  private readonly reader = new InputReader();
  private readonly output = new OutputQueue();
  private readonly pending: Input[] = [];
  private readonly slow = new Map<string, number>();
  private readonly silenced = new Set<string>();
  private readonly refused = new Map<string, string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private interleave: string[] = [];
  private awaitingBody: ((body: string | null) => Reply) | null = null;
  private busy = false;
  private booting = false;
  private absent = false;
  private closed = false;
  /** Bumped by removal and reboot: answers scheduled before are dropped. */
  private session = 0;
  private seq = 0;
  private address: string;
  private activationFailures: number[] = [];
  private ackFaults = false;
  private pty: PtyPair;
  private readonly smscSide: SimSmsc;

  readonly smsc = {
    /**
     * Delivers SMS-DELIVER PDUs (hex or bytes, SMSC prefix first), as the terminal's +CNMI asks or as
     * `mode` forces; routed ones one at a time under AT+CSMS=1 (the rest 'queued').
     */
    deliver: (pdus: string | Uint8Array | readonly (string | Uint8Array)[], options: { mode?: DeliveryMode } = {}): DeliveryResult[] => {
      const list = typeof pdus === 'string' || pdus instanceof Uint8Array ? [pdus] : pdus;
      return list.map((p) => this.smscSide.deliver(p, options.mode ?? 'auto'));
    },
    /** Every delivery step (routed, queued, acknowledged, timed out, …), in order. */
    log: (): readonly SmscLogEntry[] => this.smscSide.log,
    /** Messages waiting behind an unacknowledged +CMT. */
    waiting: (): number => this.smscSide.waiting,
  };

  readonly network: SimNetwork;

  readonly faults = {
    /** Raw bytes from the modem, now. */
    garbage: (bytes: string | Uint8Array): void => this.output.write(bytes),
    /** Cut every output chunk at random byte boundaries (seeded). */
    splitWrites: (on: boolean | SplitOptions): void => this.output.setSplit(on === false ? null : on === true ? {} : on),
    /** Answer `name` (e.g. `+CGACT`) only after `ms`; null restores. */
    slowCommand: (name: string, ms: number | null): void => {
      if (ms === null) this.slow.delete(normaliseName(name));
      else this.slow.set(normaliseName(name), ms);
    },
    /** Answer `name` with `final` (default ERROR) instead of executing it, as a module without it would; null restores. */
    refuse: (name: string, final: string | null = 'ERROR'): void => {
      if (final === null) this.refused.delete(normaliseName(name));
      else this.refused.set(normaliseName(name), final);
    },
    /** Never answer `name` (or any command: `all`). */
    silence: (name: string, on = true): void => {
      if (on) this.silenced.add(normaliseName(name));
      else this.silenced.delete(normaliseName(name));
    },
    echo: (on: boolean): void => {
      this.state.echo = on;
    },
    cmsErrorOnAck: (on: boolean): void => {
      this.ackFaults = on;
    },
    /** URC lines inserted between the information lines and the final result of the next answer. */
    urcInNextResponse: (lines: readonly string[]): void => {
      this.interleave.push(...lines);
    },
    /** The device node vanishes (USB re-enumeration): the tty hangs up, the path disappears; back after `ms` if given. */
    removeNode: (ms?: number): Promise<void> => this.removeNode(ms),
    restoreNode: (): Promise<void> => this.restoreNode(),
    /** The modem restarts: settings lost, contexts down, deaf for bootTimeMs, then the boot URCs. */
    reboot: (): void => this.reboot(),
  };

  constructor(
    private readonly options: SimModemOptions,
    private readonly link: DeviceLink | null,
  ) {
    super();
    this.log = (options.logger ?? pino({ level: 'silent' })).child({ component: 'sim', part: 'modem' });
    this.state = new SimState(options.echo ?? true);
    this.store = new MessageStore(options.storageCapacity ?? 30);
    this.address = options.pdpAddress ?? '10.64.0.2';
    this.pty = this.openPty();
    this.smscSide = new SimSmsc(
      {
        state: this.state,
        store: this.store,
        log: this.log,
        reachable: () => !this.absent && !this.booting,
        write: (text) => this.output.write(text),
        urc: (line) => this.urc(line),
        schedule: (ms, fn) => this.later(ms, fn),
        lastCommandSeq: () => this.seq,
      },
      options.smsc,
    );
    this.network = createSimNetwork({
      state: this.state,
      log: this.log,
      urc: (line) => this.urc(line),
      registrationUrcs: () => this.registrationUrcs(),
      failActivations: (codes) => this.activationFailures.push(...codes),
      address: () => this.address,
      setAddress: (value) => {
        this.address = value;
      },
    });
  }

  /** The pty slave the device node currently points at. */
  get slavePath(): string {
    return this.pty.slavePath;
  }

  /** The device path to open: the stable link when there is one, else the pty slave. */
  get path(): string {
    return this.link?.path ?? this.pty.slavePath;
  }

  /** Whether the device node is there (false between removeNode and restoreNode). */
  get present(): boolean {
    return !this.absent;
  }

  /** A snapshot of the settings the terminal made. */
  settings(): { echo: boolean; cmee: number; cmgf: number; csms: number; cnmi: SimState['cnmi']; mems: readonly MemName[]; reg: SimState['reg']; cgerep: SimState['cgerep']; awaitingAck: number } {
    const s = this.state;
    return { echo: s.echo, cmee: s.cmee, cmgf: s.cmgf, csms: s.csms, cnmi: { ...s.cnmi }, mems: [...s.mems], reg: { ...s.reg }, cgerep: { ...s.cgerep }, awaitingAck: s.awaitingAck };
  }

  /** Messages in a storage, by index. */
  stored(mem: MemName = 'SM'): StoredMessage[] {
    return this.store.list(mem, 4).map((m) => ({ ...m }));
  }

  contexts(): PdpDefinition[] {
    return [...this.state.contexts.values()].map((c) => ({ ...c }));
  }

  /** An unsolicited line, framed as modems send them. */
  urc(line: string): void {
    this.output.write(`\r\n${line}\r\n`);
  }

  /** Bytes exactly as given. */
  sendRaw(data: string | Uint8Array): void {
    this.output.write(data);
  }

  /** Resolves once everything queued for output has been written to the pty. */
  flush(): Promise<void> {
    return this.output.drain();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.output.setSink(null);
    await this.pty.close();
    await this.link?.detach();
  }

  private openPty(): PtyPair {
    const pty = PtyPair.open();
    pty.on('data', (chunk: Buffer) => {
      if (this.pty === pty) this.onInput(chunk);
    });
    pty.on('error', (err) => this.log.warn({ err: err.message }, 'sim modem pty error'));
    this.output.setSink(pty);
    return pty;
  }

  /** Runs `fn` after `ms` unless the modem is closed first; returns a cancel function. */
  private later(ms: number, fn: () => void): () => void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return () => {
      clearTimeout(t);
      this.timers.delete(t);
    };
  }

  private onInput(chunk: Uint8Array): void {
    if (this.booting || this.absent) return;
    this.pending.push(...this.reader.push(chunk));
    this.processNext();
  }

  private processNext(): void {
    while (!this.busy && this.pending.length > 0) {
      const input = this.pending.shift()!;
      if (input.kind !== 'line') {
        const respond = this.awaitingBody;
        this.awaitingBody = null;
        if (!respond) continue;
        if (input.kind === 'body' && this.state.echo) this.output.write(input.text);
        this.answer(respond(input.kind === 'body' ? input.text : null));
        continue;
      }
      const entry = { seq: ++this.seq, ts: Date.now(), command: input.text };
      this.atLog.push(entry);
      this.emit('command', entry);
      if (this.state.echo) this.output.write(`${input.text}\r`);
      const cmd = parseCommand(input.text);
      if (cmd === null) continue;
      if (this.silenced.has('all') || this.silenced.has(cmd.name)) {
        this.log.debug({ command: input.text }, 'sim modem: silent');
        continue;
      }
      const reply = this.dispatch(cmd);
      const delay = this.slow.get(cmd.name) ?? this.options.responseDelayMs ?? 0;
      if (delay <= 0) {
        this.answer(reply);
        continue;
      }
      this.busy = true;
      const session = this.session;
      this.later(delay, () => {
        this.busy = false;
        if (session === this.session) this.answer(reply);
        this.processNext();
      });
    }
  }

  private dispatch(cmd: ParsedCommand): Reply {
    const refusal = this.refused.get(cmd.name);
    if (refusal !== undefined) return { lines: [], final: refusal };
    const core = this.core();
    try {
      return handleBasic(cmd, core) ?? handleSms(cmd, core) ?? handlePacket(cmd, core) ?? error();
    } catch (err) {
      this.log.warn({ command: cmd.raw, err: (err as Error).message }, 'sim modem: handler failed');
      return error();
    }
  }

  private answer(reply: Reply): void {
    if (reply.prompt) {
      this.awaitingBody = reply.prompt;
      this.reader.expectBody(true);
      this.output.write('\r\n> ');
      return;
    }
    let text = '';
    for (const line of reply.lines) text += `\r\n${line}\r\n`;
    for (const line of this.interleave.splice(0)) text += `\r\n${line}\r\n`;
    if (reply.final !== null) text += `\r\n${reply.final}\r\n`;
    this.output.write(text);
    reply.after?.();
  }

  private core(): SimCore {
    return {
      state: this.state,
      store: this.store,
      cnmiSupport: this.options.cnmiSupport ?? DEFAULT_CNMI_SUPPORT,
      identity: {
        manufacturer: 'bcastd',
        model: 'SIM-MODEM',
        revision: 'SIM.1.0',
        imei: '356938035643809',
        ...this.options.identity,
      },
      pdpAddress: this.address,
      takeActivationFailure: () => this.activationFailures.shift() ?? null,
      failAcks: this.ackFaults,
      smsc: this.smscSide,
      urc: (line) => this.urc(line),
      registrationUrcs: () => this.registrationUrcs(),
      reboot: () => this.reboot(),
      recordSent: (pdu) => {
        this.sent.push(pdu);
        return this.sent.length % 256;
      },
    };
  }

  private registrationUrcs(): void {
    for (const name of ['+CREG', '+CGREG', '+CEREG'] as const) {
      const n = this.state.reg[name];
      if (n > 0) this.urc(`${name}: ${registrationFields(this.state.regStat, n)}`);
    }
  }

  private async removeNode(ms?: number): Promise<void> {
    if (!this.link) throw new Error('removeNode() needs a SimModem started with linkPath');
    if (this.absent || this.closed) return;
    this.absent = true;
    this.session++;
    this.busy = false;
    this.pending.length = 0;
    this.awaitingBody = null;
    this.reader.reset();
    this.output.setSink(null);
    await this.link.detach();
    // The hang-up a USB unplug causes: whoever has the tty open sees it go away.
    await this.pty.close();
    this.log.debug({ path: this.link.path, backInMs: ms ?? null }, 'sim modem: device node removed');
    if (ms !== undefined) this.later(ms, () => void this.restoreNode());
  }

  private async restoreNode(): Promise<void> {
    if (!this.absent || this.closed || !this.link) return;
    this.pty = this.openPty();
    await this.link.attach(this.pty.slavePath);
    this.absent = false;
    this.log.debug({ path: this.link.path, slave: this.pty.slavePath }, 'sim modem: device node back');
    // An acknowledgement whose OK was lost with the node leaves nothing in flight: send what waits.
    this.smscSide.pump();
  }

  private reboot(): void {
    this.session++;
    this.busy = false;
    this.pending.length = 0;
    this.awaitingBody = null;
    this.reader.reset();
    this.state.reboot();
    this.booting = true;
    this.smscSide.interrupted();
    this.log.debug('sim modem: rebooting');
    this.later(this.options.bootTimeMs ?? 50, () => {
      this.booting = false;
      for (const line of this.options.bootUrcs ?? DEFAULT_BOOT_URCS) this.urc(line);
      this.smscSide.pump();
    });
  }
}

/** Starts a simulated modem on a fresh pty (and its stable link, when `linkPath` is given). */
export async function startSimModem(options: SimModemOptions = {}): Promise<SimModem> {
  const link = options.linkPath === undefined ? null : new DeviceLink(options.linkPath);
  const modem = new SimModem(options, link);
  if (link) await link.attach(modem.slavePath);
  return modem;
}
