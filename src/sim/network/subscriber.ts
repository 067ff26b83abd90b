/**
 * The subscriber as the simulated HSS/BSF sees it: the same fields as the virtual USIM's subscriber
 * file ({imsi, k, opc, sqn, amf, mncLength}); hex strings or bytes are both accepted.
 */
export interface SubscriberInput {
  imsi: string;
  k: string | Uint8Array;
  opc: string | Uint8Array;
  /** Highest SQN used so far: a number or 12 hex digits. */
  sqn: number | string;
  amf: string | Uint8Array;
  mncLength: number;
}

export interface NetworkSubscriber {
  imsi: string;
  k: Buffer;
  opc: Buffer;
  sqn: number;
  amf: Buffer;
  mncLength: number;
}

const bytes = (v: string | Uint8Array, len: number, what: string): Buffer => {
  const b = typeof v === 'string' ? Buffer.from(v, 'hex') : Buffer.from(v);
  if (b.length !== len) throw new RangeError(`subscriber ${what} must be ${len} bytes`);
  return b;
};

export function normaliseSubscriber(s: SubscriberInput): NetworkSubscriber {
  return {
    imsi: s.imsi,
    k: bytes(s.k, 16, 'k'),
    opc: bytes(s.opc, 16, 'opc'),
    sqn: typeof s.sqn === 'number' ? s.sqn : parseInt(s.sqn, 16),
    amf: bytes(s.amf, 2, 'amf'),
    mncLength: s.mncLength,
  };
}
