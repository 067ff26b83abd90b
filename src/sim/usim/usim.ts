/**
 * The virtual USIM: an APDU-in, APDU-out card with the file system of `profile.ts`, PIN1, Milenage
 * AKA with SQN freshness, the GBA context (GBA_U) and the MBMS context, answering the way a T=0 card
 * does (commands with data that produce data answer 61xx; the terminal fetches with GET RESPONSE).
 * The same object serves the in-process transport and the vpcd attachment, so a real card can replace
 * it without code changes in the terminal.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { DecodeError } from '../../codec/errors.js';
import {
  AUTHENTICATE,
  FID,
  INS,
  MBMS_P1,
  SELECT_P2,
  SW,
  decodeAuth3gData,
  decodeCommandApdu,
  decodeGbaData,
  encodeAuth3gResponse,
  encodeResponseApdu,
  homeNetwork,
  keyDomainId,
  swHex,
  type DecodedCommandApdu,
} from '../../codec/usim/index.js';
import type { Subscriber } from '../subscriber.js';
import { runAka } from './aka.js';
import { USIM_ATR } from './atr.js';
import { CardStatus } from './card-status.js';
import { UsimFaults } from './faults.js';
import { FileSelection, checkAccess, fcpOf, sliceForLe, type Df, type RecordEf, type TransparentEf } from './file-system.js';
import { GbaUContext } from './gba-u.js';
import { MbmsApduState, encodeMbmsOutput, parseMbmsCommand } from './mbms-apdu.js';
import { MbmsContext } from './mbms-context.js';
import { PinState } from './pin.js';
import { DEFAULT_MBMS_BEHAVIOUR, adfFile, buildFileSystem, type MbmsCardBehaviour, type UsimProfile } from './profile.js';
import { SqnWindow } from './sqn-window.js';

export interface VirtualUsimOptions {
  subscriber: Subscriber;
  profile?: UsimProfile;
  logger?: Logger;
  /** Δ of the SQN freshness window (default 2^28). */
  sqnDelta?: number;
  /** How the MBMS context answers (default: OMA BCAST form, directly). */
  mbms?: Partial<MbmsCardBehaviour>;
}

export class CardAbsentError extends Error {
  override readonly name = 'CardAbsentError';
  constructor() {
    super('virtual USIM is not inserted');
  }
}

export interface VirtualUsimEvents {
  inserted: [];
  removed: [];
}

export class VirtualUsim extends EventEmitter<VirtualUsimEvents> {
  readonly atr: Readonly<Uint8Array> = USIM_ATR;
  readonly faults = new UsimFaults();
  readonly profile: UsimProfile;
  /** Mutable: tests switch the response form and delivery between commands. */
  readonly mbmsBehaviour: MbmsCardBehaviour;
  readonly #mbmsApdu = new MbmsApduState();
  readonly #sub: Subscriber;
  readonly #mf: Df;
  readonly #sel: FileSelection;
  readonly #pin: PinState;
  readonly #window: SqnWindow;
  readonly #gba: GbaUContext | null = null;
  readonly #mbms: MbmsContext | null = null;
  readonly #log: Logger | undefined;
  #pending: Uint8Array | null = null;
  #present = true;

  constructor(o: VirtualUsimOptions) {
    super();
    this.#sub = o.subscriber;
    this.profile = o.profile ?? 'full';
    this.mbmsBehaviour = { ...DEFAULT_MBMS_BEHAVIOUR, ...o.mbms };
    this.#log = o.logger?.child({ component: 'sim', part: 'usim' });
    this.#mf = buildFileSystem(o.subscriber, this.profile);
    this.#sel = new FileSelection(this.#mf);
    this.#pin = new PinState(o.subscriber.pin);
    this.#window = new SqnWindow(o.subscriber.sqn, o.sqnDelta);
    if (this.profile === 'full') {
      const kdid = keyDomainId(homeNetwork(o.subscriber.imsi, o.subscriber.mncLength));
      this.#mbms = new MbmsContext(adfFile<RecordEf>(this.#mf, FID.EF_MSK)!, adfFile<RecordEf>(this.#mf, FID.EF_MUK)!, kdid, this.faults);
      this.#gba = new GbaUContext(
        o.subscriber,
        this.#window,
        this.faults,
        adfFile<TransparentEf>(this.#mf, FID.EF_GBABP)!,
        adfFile<RecordEf>(this.#mf, FID.EF_GBANL)!,
        this.#mbms,
      );
    }
  }

  get present(): boolean {
    return this.#present;
  }
  /** SQN_MS: the highest SQN this card has accepted. */
  get sqnMs(): number {
    return this.#window.highest;
  }
  get pinTriesLeft(): number {
    return this.#pin.triesLeft;
  }

  /** Fault: the card leaves the reader (volatile state is lost; files and keys stay). */
  remove(): void {
    if (!this.#present) return;
    this.#present = false;
    this.reset();
    this.emit('removed');
  }

  insert(): void {
    if (this.#present) return;
    this.#present = true;
    this.reset();
    this.emit('inserted');
  }

  /** Power-on / warm reset: MF selected, PIN to verify again, no pending response. */
  reset(): void {
    this.#sel.reset();
    this.#pin.reset();
    this.#pending = null;
    this.#mbmsApdu.reset();
  }

  /** One command APDU → one response APDU, after the injected latency. */
  async transmit(apdu: Uint8Array): Promise<Uint8Array> {
    if (!this.#present) throw new CardAbsentError();
    const delay = this.faults.settings.latencyMs;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (!this.#present) throw new CardAbsentError();
    return this.process(apdu);
  }

  /** The card's command interpreter (synchronous, no latency). */
  process(apdu: Uint8Array): Uint8Array {
    let cmd: DecodedCommandApdu;
    try {
      cmd = decodeCommandApdu(apdu);
    } catch (e) {
      if (e instanceof DecodeError) return encodeResponseApdu(new Uint8Array(0), SW.WRONG_LENGTH);
      throw e;
    }
    if (cmd.ins !== INS.GET_RESPONSE) this.#pending = null;
    // A chain or a held MBMS response survives only odd-INS AUTHENTICATE blocks and retrievals.
    if (cmd.ins !== AUTHENTICATE.INS_ODD) this.#mbmsApdu.reset();
    let out: Uint8Array;
    try {
      out = this.#dispatch(cmd);
    } catch (e) {
      if (!(e instanceof CardStatus)) throw e;
      out = encodeResponseApdu(new Uint8Array(0), e.sw);
    }
    this.#log?.trace({ ins: cmd.ins.toString(16), p2: cmd.p2.toString(16), sw: swHex((out[out.length - 2]! << 8) | out[out.length - 1]!), lr: out.length - 2 }, 'usim apdu');
    return out;
  }

  #dispatch(cmd: DecodedCommandApdu): Uint8Array {
    if (cmd.cla !== 0x00 && cmd.cla !== 0x80) throw new CardStatus(SW.CLA_NOT_SUPPORTED);
    switch (cmd.ins) {
      case INS.SELECT:
        return this.#select(cmd);
      case INS.READ_BINARY:
        return this.#readBinary(cmd);
      case INS.UPDATE_BINARY:
        return this.#updateBinary(cmd);
      case INS.READ_RECORD:
        return this.#readRecord(cmd);
      case INS.VERIFY:
        if (cmd.p1 !== 0 || cmd.p2 !== 0x01) throw new CardStatus(SW.REFERENCE_NOT_FOUND);
        this.#pin.verify(cmd.data);
        return this.#ok();
      case INS.GET_RESPONSE:
        return this.#getResponse(cmd);
      case AUTHENTICATE.INS:
      case AUTHENTICATE.INS_ODD:
        return this.#authenticate(cmd);
      default:
        throw new CardStatus(SW.INS_NOT_SUPPORTED);
    }
  }

  #ok(data: Uint8Array = new Uint8Array(0)): Uint8Array {
    return encodeResponseApdu(data, SW.OK);
  }

  /** T=0: a command that carried data answers its response data through 61xx + GET RESPONSE. */
  #t0(data: Uint8Array): Uint8Array {
    if (data.length === 0) return this.#ok();
    this.#pending = data;
    return encodeResponseApdu(new Uint8Array(0), 0x6100 | (data.length & 0xff));
  }

  #getResponse(cmd: DecodedCommandApdu): Uint8Array {
    const pending = this.#pending;
    if (!pending || cmd.le === undefined) throw new CardStatus(SW.CONDITIONS_NOT_SATISFIED, 'nothing to get');
    if (cmd.le !== 256 && cmd.le > pending.length) throw new CardStatus(0x6c00 | (pending.length & 0xff));
    const n = Math.min(cmd.le, pending.length);
    const rest = pending.subarray(n);
    this.#pending = rest.length > 0 ? rest : null;
    return encodeResponseApdu(pending.subarray(0, n), rest.length > 0 ? 0x6100 | (rest.length & 0xff) : SW.OK);
  }

  #select(cmd: DecodedCommandApdu): Uint8Array {
    if (cmd.p2 !== SELECT_P2.FCP && cmd.p2 !== SELECT_P2.NO_DATA) throw new CardStatus(SW.WRONG_P1P2);
    const node = this.#sel.select(cmd.p1, cmd.data);
    return cmd.p2 === SELECT_P2.FCP ? this.#t0(fcpOf(node)) : this.#ok();
  }

  #transparentEf(): TransparentEf {
    const ef = this.#sel.ef;
    if (!ef) throw new CardStatus(SW.NO_EF_SELECTED);
    if (ef.kind !== 'transparent') throw new CardStatus(0x6981, 'not a transparent EF');
    return ef;
  }

  #readBinary(cmd: DecodedCommandApdu): Uint8Array {
    const ef = this.#transparentEf();
    checkAccess(ef.read, this.#pin.satisfied);
    const offset = (cmd.p1 << 8) | cmd.p2;
    if (cmd.p1 & 0x80 || offset > ef.data.length) throw new CardStatus(SW.OUT_OF_RANGE);
    return this.#ok(sliceForLe(ef.data.subarray(offset), cmd.le ?? 256));
  }

  #updateBinary(cmd: DecodedCommandApdu): Uint8Array {
    const ef = this.#transparentEf();
    checkAccess(ef.update, this.#pin.satisfied);
    const offset = (cmd.p1 << 8) | cmd.p2;
    if (cmd.p1 & 0x80 || offset + cmd.data.length > ef.data.length) throw new CardStatus(SW.OUT_OF_RANGE);
    ef.data.set(cmd.data, offset);
    return this.#ok();
  }

  #readRecord(cmd: DecodedCommandApdu): Uint8Array {
    const ef = this.#sel.ef;
    if (!ef) throw new CardStatus(SW.NO_EF_SELECTED);
    if (ef.kind !== 'linear-fixed') throw new CardStatus(0x6981, 'not a record EF');
    checkAccess(ef.read, this.#pin.satisfied);
    if (cmd.p2 !== 0x04) throw new CardStatus(SW.WRONG_P1P2, 'only absolute record mode');
    const rec = ef.records[cmd.p1 - 1];
    if (cmd.p1 === 0 || !rec) throw new CardStatus(SW.RECORD_NOT_FOUND);
    return this.#ok(sliceForLe(rec, cmd.le ?? 256));
  }

  #authenticate(cmd: DecodedCommandApdu): Uint8Array {
    if (!this.#sel.adf) throw new CardStatus(SW.CONDITIONS_NOT_SATISFIED, 'USIM not selected');
    if (!this.#pin.satisfied) throw new CardStatus(SW.SECURITY_STATUS);
    const odd = cmd.ins === AUTHENTICATE.INS_ODD;
    if (odd) return this.#mbmsAuthenticate(cmd);
    if (cmd.p1 !== 0) throw new CardStatus(SW.WRONG_P1P2);
    const data = this.#decodeAuth(() => {
      if (cmd.p2 === AUTHENTICATE.P2_3G) {
        const { rand, autn } = decodeAuth3gData(cmd.data);
        return encodeAuth3gResponse(runAka(this.#sub, this.#window, this.faults, rand, autn));
      }
      if (cmd.p2 === AUTHENTICATE.P2_GBA) {
        if (!this.#gba) throw new CardStatus(SW.CONTEXT_NOT_SUPPORTED, 'no GBA on this profile');
        return this.#gba.handle(decodeGbaData(cmd.data));
      }
      throw new CardStatus(SW.WRONG_P1P2, 'unknown security context');
    });
    return this.#t0(data);
  }

  /** Odd INS: the MBMS context (P2 85) in chained blocks, and the retrieval of its response (P1 A0 / 20). */
  #mbmsAuthenticate(cmd: DecodedCommandApdu): Uint8Array {
    const b = this.mbmsBehaviour;
    if (cmd.p1 === MBMS_P1.FIRST_RESPONSE_BLOCK || cmd.p1 === MBMS_P1.NEXT_RESPONSE_BLOCK) {
      const r = this.#mbmsApdu.retrieve(cmd, b.retrievalBlockSize);
      return encodeResponseApdu(r.data, r.sw);
    }
    if (cmd.p2 !== AUTHENTICATE.P2_MBMS) throw new CardStatus(SW.WRONG_P1P2, 'odd INS: only the MBMS context');
    if (cmd.p1 !== MBMS_P1.FIRST_COMMAND_BLOCK && cmd.p1 !== MBMS_P1.NEXT_COMMAND_BLOCK) throw new CardStatus(SW.WRONG_P1P2);
    if (!this.#mbms) throw new CardStatus(SW.CONTEXT_NOT_SUPPORTED, 'no MBMS on this profile');
    const block = this.#mbmsApdu.block(cmd);
    if (block.kind === 'more') return encodeResponseApdu(new Uint8Array(0), SW.MORE_COMMAND_DATA);
    const command = parseMbmsCommand(block.object);
    const data = encodeMbmsOutput(command.mode, this.#mbms.handle(command), b.responseForm);
    if (data.length === 0 || b.responseDelivery === 'direct') return this.#t0(data);
    this.#mbmsApdu.hold(data);
    return encodeResponseApdu(new Uint8Array(0), SW.AUTH_RESPONSE_AVAILABLE);
  }

  #decodeAuth(run: () => Uint8Array): Uint8Array {
    try {
      return run();
    } catch (e) {
      if (e instanceof DecodeError) throw new CardStatus(SW.WRONG_DATA, e.message);
      throw e;
    }
  }
}
