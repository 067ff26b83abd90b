/**
 * The modem's message storage, one job at a time: AT+CPMS to select the storage a +CMTI names,
 * AT+CMGR to read, AT+CMGL=4 to list everything (start, reconnect, safety net), AT+CMGD once the
 * pipeline has handed a message over. A job that loses the link ends; the next listing picks up
 * whatever it left.
 */
import type { Logger } from 'pino';
import { cmgd, cmgl, cmgr, cpms, parseCmglEntries, parseCmgrHeader, type ListedMessage } from '../codec/at/index.js';
import type { AtEngine } from './at-engine.js';
import { AtCommandError, BadSmsError } from './errors.js';
import type { SmsPipeline } from './sms-pipeline.js';
import type { StorageLocation } from './stored-parts.js';
import { SerialQueue } from '../util/serial-queue.js';

export interface SmsStorageOptions {
  readonly engine: AtEngine;
  readonly logger: Logger;
  readonly pipeline: SmsPipeline;
  /** The storage set for reading, writing and receiving (the profile's). */
  readonly storage: string;
}

export interface StorageStats {
  viaStored: number;
  reads: number;
  readErrors: number;
  deletes: number;
  deleteErrors: number;
  jobErrors: number;
}

export class SmsStorage {
  private readonly log: Logger;
  private readonly engine: AtEngine;
  private readonly jobs = new SerialQueue();
  /** The storage AT+CMGR/AT+CMGD/AT+CMGL work on now (<mem1>); null when unknown. */
  private mem: string | null = null;
  private readonly counters: StorageStats = { viaStored: 0, reads: 0, readErrors: 0, deletes: 0, deleteErrors: 0, jobErrors: 0 };

  constructor(private readonly options: SmsStorageOptions) {
    this.log = options.logger;
    this.engine = options.engine;
  }

  stats(): StorageStats {
    return { ...this.counters };
  }

  /** After (re)initialisation: what AT+CPMS set, or null when the modem refused it. */
  selected(mem: string | null): void {
    this.mem = mem;
  }

  /** Runs `job` after every earlier one; its failure is logged and counted, never thrown. */
  enqueue(what: string, job: () => Promise<void>): Promise<void> {
    return this.jobs.run(job).catch((err: unknown) => {
      this.counters.jobErrors++;
      this.log.warn({ job: what, err: (err as Error).message }, 'SMS storage job stopped');
    });
  }

  read(at: StorageLocation): Promise<void> {
    return this.enqueue(`reading ${at.mem} ${at.index}`, () => this.readStored(at));
  }

  list(why: string): Promise<void> {
    return this.enqueue(why, () => this.listAll());
  }

  remove(slots: readonly StorageLocation[], why: string): void {
    if (slots.length > 0) void this.enqueue(why, () => this.deleteSlots(slots));
  }


  private async useMem(mem: string): Promise<void> {
    if (this.mem === mem) return;
    const storage = this.options.storage;
    let command: string;
    try {
      command = cpms(mem, storage, storage);
    } catch {
      this.log.warn({ mem }, 'storage name AT+CPMS cannot select; reading from the current storage');
      return;
    }
    if (await this.engine.accepts(command, this.log)) this.mem = mem;
  }

  private async readStored(at: StorageLocation): Promise<void> {
    await this.useMem(at.mem);
    let lines: readonly string[];
    try {
      lines = (await this.engine.send(cmgr(at.index))).lines;
    } catch (err) {
      if (!(err instanceof AtCommandError)) throw err;
      this.counters.readErrors++;
      this.log.debug({ at, err: err.message }, 'stored message not readable (already deleted?)');
      return;
    }
    this.counters.reads++;
    const h = lines.findIndex((l) => /^\+CMGR\s*:/i.test(l));
    if (h < 0) return; // an empty slot
    const pdu = lines[h + 1] ?? '';
    let length: number;
    try {
      length = parseCmgrHeader(lines[h]!).length;
    } catch (err) {
      this.options.pipeline.reportBad(new BadSmsError('pdu-line', `${lines[h]} ${pdu}`, err), 'stored');
      await this.deleteSlots([at]);
      return;
    }
    this.counters.viaStored++;
    const outcome = this.options.pipeline.accept(pdu, length, 'stored', at);
    await this.deleteSlots([...(outcome.keep ? [] : [at]), ...outcome.alsoDelete]);
  }

  private async listAll(): Promise<void> {
    const storage = this.options.storage;
    await this.useMem(storage);
    const mem = this.mem ?? storage;
    let lines: readonly string[];
    try {
      lines = (await this.engine.send(cmgl(4))).lines;
    } catch (err) {
      if (!(err instanceof AtCommandError)) throw err;
      this.log.warn({ err: err.message }, 'listing stored messages failed');
      return;
    }
    for (const entry of listEntries(lines)) {
      if ('bad' in entry) {
        this.options.pipeline.reportBad(new BadSmsError('pdu-line', entry.text, entry.bad), 'stored');
        if (entry.index !== null) await this.deleteSlots([{ mem, index: entry.index }]);
        continue;
      }
      // Stored outgoing messages (STO UNSENT / STO SENT) are not ours to take.
      if (entry.stat === 2 || entry.stat === 3) continue;
      this.counters.viaStored++;
      const at = { mem, index: entry.index };
      const outcome = this.options.pipeline.accept(entry.pdu, entry.length, 'stored', at);
      await this.deleteSlots([...(outcome.keep ? [] : [at]), ...outcome.alsoDelete]);
    }
  }

  private async deleteSlots(slots: readonly StorageLocation[]): Promise<void> {
    for (const at of slots) {
      await this.useMem(at.mem);
      try {
        await this.engine.send(cmgd(at.index));
        this.counters.deletes++;
      } catch (err) {
        if (!(err instanceof AtCommandError)) throw err;
        this.counters.deleteErrors++;
        this.log.warn({ at, err: err.message }, 'deleting a handled message failed');
      }
    }
  }
}

type ListEntry = ListedMessage | { readonly bad: unknown; readonly text: string; readonly index: number | null };

/** +CMGL entries one by one, so that one malformed entry does not hide the others. */
function listEntries(lines: readonly string[]): ListEntry[] {
  const out: ListEntry[] = [];
  const rows = lines.map((l) => l.trim()).filter((l) => l !== '');
  for (let i = 0; i < rows.length; i++) {
    const header = rows[i]!;
    if (!/^\+CMGL\s*:/i.test(header)) continue;
    const next = rows[i + 1];
    const pdu = next !== undefined && !/^\+CMGL\s*:/i.test(next) ? next : undefined;
    if (pdu !== undefined) i++;
    try {
      out.push(...parseCmglEntries(pdu === undefined ? [header] : [header, pdu]));
    } catch (bad) {
      const m = /^\+CMGL\s*:\s*(\d+)/i.exec(header);
      out.push({ bad, text: `${header} ${pdu ?? ''}`.trim(), index: m ? Number(m[1]) : null });
    }
  }
  return out;
}
