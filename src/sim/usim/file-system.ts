/**
 * The virtual USIM's file tree and the current selection (ETSI TS 102 221 §8): SELECT by FID (child,
 * parent, sibling, MF 3F00, current ADF 7FFF), by AID (right-truncated allowed) and by path from the
 * MF; FCP for the selected file; READ/UPDATE BINARY and READ RECORD with their access conditions.
 */
import { FID, SELECT_P1, SW, encodeFcp, type Fcp } from '../../codec/usim/index.js';
import { CardStatus } from './card-status.js';

/** Access condition of a file operation: always, after PIN1, or never (ADM only). */
export type Access = 'always' | 'pin' | 'never';

interface NodeBase {
  fid: number;
  name: string;
  parent: Df | null;
}

export interface Df extends NodeBase {
  kind: 'df';
  aid?: Uint8Array;
  children: Map<number, FsNode>;
}

interface EfBase extends NodeBase {
  sfi?: number;
  read: Access;
  update: Access;
}

export interface TransparentEf extends EfBase {
  kind: 'transparent';
  data: Uint8Array;
}

export interface RecordEf extends EfBase {
  kind: 'linear-fixed';
  recordLength: number;
  records: Uint8Array[];
}

export type Ef = TransparentEf | RecordEf;
export type FsNode = Df | Ef;

export function df(fid: number, name: string, children: FsNode[], aid?: Uint8Array): Df {
  const d: Df = { kind: 'df', fid, name, parent: null, children: new Map(), ...(aid ? { aid } : {}) };
  for (const c of children) {
    c.parent = d;
    d.children.set(c.fid, c);
  }
  return d;
}

export function fcpOf(node: FsNode): Uint8Array {
  let fcp: Fcp;
  if (node.kind === 'df') fcp = { kind: 'df', shareable: true, fileId: node.fid, ...(node.aid ? { dfName: node.aid } : {}) };
  else if (node.kind === 'transparent') fcp = { kind: 'transparent', shareable: true, fileId: node.fid, size: node.data.length, ...(node.sfi ? { sfi: node.sfi } : {}) };
  else {
    fcp = {
      kind: 'linear-fixed',
      shareable: true,
      fileId: node.fid,
      recordLength: node.recordLength,
      recordCount: node.records.length,
      size: node.recordLength * node.records.length,
      ...(node.sfi ? { sfi: node.sfi } : {}),
    };
  }
  return encodeFcp(fcp);
}

export class FileSelection {
  df: Df;
  ef: Ef | null = null;
  /** The selected application (USIM ADF), once selected by AID. */
  adf: Df | null = null;

  constructor(readonly mf: Df) {
    this.df = mf;
  }

  reset(): void {
    this.df = this.mf;
    this.ef = null;
    this.adf = null;
  }

  select(p1: number, data: Uint8Array): FsNode {
    let node: FsNode | undefined;
    if (p1 === SELECT_P1.FID) node = this.#byFid(data);
    else if (p1 === SELECT_P1.AID) node = this.#byAid(data);
    else if (p1 === SELECT_P1.PATH_FROM_MF) node = this.#byPath(data);
    else throw new CardStatus(SW.WRONG_P1P2, `SELECT P1 ${p1}`);
    if (!node) throw new CardStatus(SW.FILE_NOT_FOUND);
    if (node.kind === 'df') {
      this.df = node;
      this.ef = null;
      if (node.aid) this.adf = node;
      else if (node === this.mf) this.adf = null;
    } else {
      this.df = node.parent!;
      this.ef = node;
    }
    return node;
  }

  #byFid(data: Uint8Array): FsNode | undefined {
    if (data.length !== 2) throw new CardStatus(SW.WRONG_LENGTH, 'FID must be 2 bytes');
    const fid = (data[0]! << 8) | data[1]!;
    if (fid === FID.MF) return this.mf;
    if (fid === FID.ADF_CURRENT) return this.adf ?? undefined;
    const cur = this.df;
    if (fid === cur.fid) return cur;
    const child = cur.children.get(fid);
    if (child) return child;
    const parent = cur.parent;
    if (parent && parent.fid === fid) return parent;
    const sibling = parent?.children.get(fid);
    return sibling?.kind === 'df' ? sibling : undefined;
  }

  #byAid(data: Uint8Array): FsNode | undefined {
    if (data.length < 5 || data.length > 16) throw new CardStatus(SW.WRONG_LENGTH, 'AID length');
    for (const c of this.mf.children.values()) {
      if (c.kind === 'df' && c.aid && data.every((b, i) => c.aid![i] === b)) return c;
    }
    return undefined;
  }

  #byPath(data: Uint8Array): FsNode | undefined {
    if (data.length === 0 || data.length % 2 !== 0) throw new CardStatus(SW.WRONG_LENGTH, 'path');
    let node: FsNode = this.mf;
    for (let i = 0; i < data.length; i += 2) {
      const fid = (data[i]! << 8) | data[i + 1]!;
      if (node.kind !== 'df') return undefined;
      const next: FsNode | undefined = node.children.get(fid);
      if (!next) return undefined;
      node = next;
    }
    return node;
  }
}

export function checkAccess(access: Access, pinSatisfied: boolean): void {
  if (access === 'never' || (access === 'pin' && !pinSatisfied)) throw new CardStatus(SW.SECURITY_STATUS);
}

/**
 * Le handling of a read: Le = 256 (00) means "what there is, up to 256"; a smaller Le returns that
 * many bytes; a larger one that does not fit gets 6Cxx with the exact length.
 */
export function sliceForLe(avail: Uint8Array, le: number): Uint8Array {
  if (le === 256 || le === avail.length) return Uint8Array.from(avail.subarray(0, 256));
  if (le < avail.length) return Uint8Array.from(avail.subarray(0, le));
  throw new CardStatus(0x6c00 | (avail.length & 0xff), 'wrong Le');
}
