/**
 * The subscriber file shared by the virtual USIM and the simulated network (HSS/BSF): who the card
 * is and the secrets both ends hold. JSON with hex strings:
 *   { "imsi": "001010000000001", "k": "<32 hex>", "opc": "<32 hex>" (or "op"), "sqn": "<12 hex>",
 *     "amf": "8000", "mncLength": 2, "iccid": "<18-20 digits>", "pin": "1234" | null }
 * `sqn` is the highest SQN used so far: the card starts its freshness window there and the network
 * hands out SQNs above it (absent: 0; a real card's SQN further on is caught up by AKA re-synchronisation).
 * The file holds K: `loadSubscriber` refuses one that group or others may read (mode 0600 expected). Written atomically (temp file, fsync, rename, fsync of the directory).
 */
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { computeOpc } from '../crypto/index.js';

export interface Subscriber {
  imsi: string;
  k: Buffer;
  opc: Buffer;
  /** Highest SQN used so far (48-bit). */
  sqn: number;
  amf: Buffer;
  mncLength: 2 | 3;
  iccid: string;
  /** PIN1 when the PIN is enabled; null: disabled. */
  pin: string | null;
}

export interface SubscriberJson {
  imsi: string;
  k: string;
  opc: string;
  sqn: string;
  amf: string;
  mncLength: 2 | 3;
  iccid: string;
  pin: string | null;
}

export class SubscriberFileError extends Error {
  override readonly name = 'SubscriberFileError';
  constructor(
    readonly source: string,
    readonly field: string,
    readonly expected: string,
  ) {
    super(`${source}: "${field}" must be ${expected}`);
  }
}

/** Milenage test set 1 keys (TS 35.208) on the test PLMN 001-01: the built-in test subscriber. */
export const DEFAULT_SUBSCRIBER: Readonly<Subscriber> = Object.freeze({
  imsi: '001010000000001',
  k: Buffer.from('465b5ce8b199b49faa5f0a2ee238a6bc', 'hex'),
  opc: Buffer.from('cd63cb71954a9f4e48a5994e37a02baf', 'hex'),
  sqn: 0,
  amf: Buffer.from('8000', 'hex'),
  mncLength: 2,
  iccid: '8900101000000000019',
  pin: null,
});

function hexField(obj: Record<string, unknown>, field: string, bytes: number, source: string): Buffer {
  const v = obj[field];
  if (typeof v !== 'string' || !new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(v)) {
    throw new SubscriberFileError(source, field, `${bytes * 2} hex digits`);
  }
  return Buffer.from(v, 'hex');
}

/** Validates a parsed subscriber file; `source` names it in errors. */
export function subscriberFromJson(value: unknown, source = 'subscriber'): Subscriber {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new SubscriberFileError(source, '(root)', 'a JSON object');
  const o = value as Record<string, unknown>;
  if (typeof o.imsi !== 'string' || !/^\d{6,15}$/.test(o.imsi)) throw new SubscriberFileError(source, 'imsi', '6..15 digits');
  const k = hexField(o, 'k', 16, source);
  const opc = o.opc === undefined && o.op !== undefined ? computeOpc(k, hexField(o, 'op', 16, source)) : hexField(o, 'opc', 16, source);
  let sqn: number;
  if (o.sqn === undefined) sqn = 0;
  else if (typeof o.sqn === 'number' && Number.isSafeInteger(o.sqn) && o.sqn >= 0 && o.sqn < 2 ** 48) sqn = o.sqn;
  else if (typeof o.sqn === 'string' && /^[0-9a-fA-F]{12}$/.test(o.sqn)) sqn = parseInt(o.sqn, 16);
  else throw new SubscriberFileError(source, 'sqn', '12 hex digits or a 48-bit number');
  const amf = o.amf === undefined ? Buffer.from(DEFAULT_SUBSCRIBER.amf) : hexField(o, 'amf', 2, source);
  const mncLength = o.mncLength ?? 2;
  if (mncLength !== 2 && mncLength !== 3) throw new SubscriberFileError(source, 'mncLength', '2 or 3');
  const iccid = o.iccid ?? DEFAULT_SUBSCRIBER.iccid;
  if (typeof iccid !== 'string' || !/^\d{18,20}$/.test(iccid)) throw new SubscriberFileError(source, 'iccid', '18..20 digits');
  const pin = o.pin ?? null;
  if (pin !== null && (typeof pin !== 'string' || !/^\d{4,8}$/.test(pin))) throw new SubscriberFileError(source, 'pin', 'null or 4..8 digits');
  return { imsi: o.imsi, k, opc, sqn, amf, mncLength, iccid, pin };
}

export function subscriberToJson(s: Subscriber): SubscriberJson {
  return {
    imsi: s.imsi,
    k: s.k.toString('hex'),
    opc: s.opc.toString('hex'),
    sqn: s.sqn.toString(16).padStart(12, '0'),
    amf: s.amf.toString('hex'),
    mncLength: s.mncLength,
    iccid: s.iccid,
    pin: s.pin,
  };
}

/** A fresh copy of the default subscriber with some fields replaced. */
export function testSubscriber(over: Partial<Subscriber> = {}): Subscriber {
  const d = DEFAULT_SUBSCRIBER;
  return { ...d, k: Buffer.from(d.k), opc: Buffer.from(d.opc), amf: Buffer.from(d.amf), ...over };
}

export async function loadSubscriber(path: string): Promise<Subscriber> {
  const mode = (await stat(path)).mode & 0o777;
  if ((mode & 0o077) !== 0) throw new SubscriberFileError(path, '(file mode)', `readable by its owner only, it holds K (mode is ${mode.toString(8)}; chmod 600)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    if (e instanceof SyntaxError) throw new SubscriberFileError(path, '(root)', `valid JSON (${e.message})`);
    throw e;
  }
  return subscriberFromJson(parsed, path);
}

/** Atomic replace: readers see the old file or the new one, never a torn write. */
export async function saveSubscriber(path: string, s: Subscriber): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(`${JSON.stringify(subscriberToJson(s), null, 2)}\n`);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  await rename(tmp, path);
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
