/**
 * SMS reception (27.005, PDU mode) for both delivery paths:
 *
 *   +CMT: <pdu>            → pipeline → AT+CNMA (under AT+CSMS=1, in the profile's form)
 *   +CMTI: "<mem>",<index> → storage job: AT+CPMS when needed, AT+CMGR → pipeline → AT+CMGD
 *   start and every reconnect: AT+CMGL=4 → the same, for whatever was stored meanwhile
 *
 * Setting up: AT+CMGF=0, AT+CSMS=1 (else 0), AT+CPMS, then AT+CNMI chosen from AT+CNMI=? for the
 * configured path with fallbacks. The pipeline (sms-pipeline.ts) decodes, de-duplicates, reassembles
 * and dispatches; the storage (sms-storage.ts) reads and deletes, one command at a time.
 */
import { SafeEmitter } from '../util/safe-emitter.js';
import type { Logger } from 'pino';
import { isDecodeError } from '../codec/errors.js';
import { cmgf, cpms, csms, parseCmti, parseCnmiTest, type CmtLine, type UrcLine } from '../codec/at/index.js';
import type { ReassemblerOptions } from '../codec/sms/index.js';
import type { AtEngine } from './at-engine.js';
import { AtCommandError, BadSmsError } from './errors.js';
import type { ModemProfileSpec } from './profiles/index.js';
import { SmsPipeline, type PipelineStats, type SmsEvents } from './sms-pipeline.js';
import { cnmiChoices, type SmsMode, type SmsRoute } from './sms-routing.js';
import { SmsStorage, type StorageStats } from './sms-storage.js';
import type { StorageLocation } from './stored-parts.js';

export type { ReceivedDatagram, ReceivedPortDatagram, ReceivedPush, SmsVia, UndecodableSms } from './sms-pipeline.js';
export type SmsReceiverEvents = SmsEvents;

export interface SmsTuning {
  /** Reassembly bounds and timeout (codec defaults: 5 min, 32 groups, 256 parts, 32 KiB). */
  readonly reassembly?: Omit<ReassemblerOptions, 'now'>;
  /** How often incomplete sets are checked for expiry (default 10 s). */
  readonly expireIntervalMs?: number;
  /** How often the storage is listed as a safety net for lost +CMTI (default 5 min). */
  readonly syncIntervalMs?: number;
  /** Distinct TPDUs remembered to drop duplicates (default 512). */
  readonly dedupeSize?: number;
}

export interface SmsReceiverOptions {
  readonly engine: AtEngine;
  readonly logger: Logger;
  readonly profile: ModemProfileSpec;
  readonly mode: SmsMode;
  readonly tuning?: SmsTuning | undefined;
}

export type SmsStats = PipelineStats &
  StorageStats & {
    route: SmsRoute | 'none' | null;
    acknowledged: boolean;
    viaCmt: number;
    acks: number;
    ackErrors: number;
    handlerErrors: number;
  };

export class SmsReceiver extends SafeEmitter<SmsReceiverEvents> {
  private readonly log: Logger;
  private readonly engine: AtEngine;
  private readonly profile: ModemProfileSpec;
  private readonly pipeline: SmsPipeline;
  private readonly storage: SmsStorage;
  private readonly expireIntervalMs: number;
  private readonly syncIntervalMs: number;
  private timers: NodeJS.Timeout[] = [];
  private route: SmsRoute | 'none' | null = null;
  private routeCommand: string | null = null;
  private ackMode = false;
  private readonly counters = { viaCmt: 0, acks: 0, ackErrors: 0 };

  constructor(private readonly options: SmsReceiverOptions) {
    // A throwing listener is counted and logged; the message still counts as handed over.
    super((err, event) => options.logger.error({ err, event }, 'an SMS event listener threw'));
    this.log = options.logger;
    this.engine = options.engine;
    this.profile = options.profile;
    const t = options.tuning ?? {};
    this.pipeline = new SmsPipeline({ logger: this.log, emit: (event, ...args) => void this.emit(event, ...(args as never)), reassembly: t.reassembly, dedupeSize: t.dedupeSize });
    this.storage = new SmsStorage({ engine: this.engine, logger: this.log, pipeline: this.pipeline, storage: this.profile.sms.storage });
    this.expireIntervalMs = t.expireIntervalMs ?? 10_000;
    this.syncIntervalMs = t.syncIntervalMs ?? 300_000;
    this.engine.on('cmt', (line) => this.onReport(line));
    this.engine.on('urc', (line) => this.onUrc(line));
  }

  stats(): SmsStats {
    return { ...this.pipeline.stats(), ...this.storage.stats(), ...this.counters, handlerErrors: this.listenerErrors, route: this.route, acknowledged: this.ackMode };
  }

  /** Starts the expiry and safety-net timers. */
  start(): void {
    if (this.timers.length > 0) return;
    this.timers.push(setInterval(() => this.expireNow(), this.expireIntervalMs));
    this.timers.push(
      setInterval(() => {
        if (this.engine.attached) void this.storage.list('periodic listing');
      }, this.syncIntervalMs),
    );
    for (const t of this.timers) t.unref();
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** Drops incomplete sets whose time is up (also run by the timer), freeing their storage slots. */
  expireNow(): void {
    this.storage.remove(this.pipeline.expire(), 'deleting parts of a dropped set');
  }

  /**
   * Part of the link initialisation: PDU mode, phase 2+ when the modem has it, storage, routing,
   * then everything already stored. Timeouts and link errors propagate (the link is not usable).
   */
  async initialise(): Promise<void> {
    this.storage.selected(null);
    try {
      await this.engine.send(cmgf(0));
    } catch (err) {
      if (!(err instanceof AtCommandError)) throw err;
      this.route = 'none';
      this.log.error({ err: err.message }, 'the modem refuses PDU mode: SMS reception is off');
      return;
    }
    this.ackMode = this.profile.sms.cnma !== '' && (await this.engine.accepts(csms(1), this.log));
    if (!this.ackMode) await this.engine.accepts(csms(0), this.log);
    const storage = this.profile.sms.storage;
    if (await this.engine.accepts(cpms(storage, storage, storage), this.log)) this.storage.selected(storage);
    await this.selectRoute();
    await this.storage.list('listing after (re)connect');
  }


  private async selectRoute(): Promise<void> {
    let support = null;
    let line: string | undefined;
    try {
      line = (await this.engine.send('AT+CNMI=?')).lines.find((l) => /^\+CNMI\s*:/i.test(l));
    } catch (err) {
      if (!(err instanceof AtCommandError)) throw err;
    }
    try {
      if (line !== undefined) support = parseCnmiTest(line);
    } catch (err) {
      if (!isDecodeError(err)) throw err;
      this.log.debug({ line, err: err.message }, 'unreadable AT+CNMI=? answer: trying the usual settings');
    }
    for (const choice of cnmiChoices(this.options.mode, support)) {
      if (await this.engine.accepts(choice.command, this.log)) {
        this.route = choice.route;
        this.routeCommand = choice.command;
        this.log.info({ route: choice.route, command: choice.command, acknowledged: this.ackMode }, 'SMS routing set');
        return;
      }
    }
    this.route = 'none';
    this.routeCommand = null;
    this.log.error({ mode: this.options.mode }, 'the modem accepts no SMS routing: only stored messages will be read');
  }

  private onUrc(line: UrcLine): void {
    if (line.name.toUpperCase() !== '+CMTI') return;
    let at: StorageLocation;
    try {
      at = parseCmti(line.text);
    } catch (err) {
      this.log.warn({ line: line.text, err: (err as Error).message }, 'unusable +CMTI');
      return;
    }
    void this.storage.read(at);
  }

  /** Two-line reports: +CMT is a message, +CDS a status report (acknowledged, not used). */
  private onReport(line: CmtLine): void {
    if (line.name === '+CMT') {
      this.counters.viaCmt++;
      if (line.header === null) {
        this.pipeline.reportBad(new BadSmsError('pdu-line', line.pdu, new Error(`not a PDU-mode header: ${line.headerText}`)), 'cmt');
      } else {
        this.storage.remove(this.pipeline.accept(line.pdu, line.header.length, 'cmt', null).alsoDelete, 'deleting handed-over parts');
      }
    }
    // Acknowledged whatever the pipeline made of it: refusing makes the SC send the same PDU again.
    if (this.ackMode && line.name !== '+CBM') this.acknowledge();
  }

  /** The engine's priority lane: sent next, never refused by its queue bound, whatever else waits. */
  private acknowledge(): void {
    this.engine.send(this.profile.sms.cnma, { priority: true }).then(
      () => {
        this.counters.acks++;
      },
      (err: unknown) => {
        this.counters.ackErrors++;
        this.log.warn({ err: (err as Error).message }, 'SMS acknowledgement failed');
        // Without an acknowledgement many modems turn routing off (27.005: <mt> reset to 0): arm it again.
        if (err instanceof AtCommandError && this.routeCommand) {
          const command = this.routeCommand;
          void this.storage.enqueue('re-arming SMS routing', async () => {
            await this.engine.accepts(command, this.log);
          });
        }
      },
    );
  }
}
