/**
 * The card side of UMTS AKA (TS 33.102 §6.3.3) with Milenage: check MAC-A, check the SQN against the
 * freshness window, answer RES/CK/IK (and Kc through conversion c3) or AUTS.
 */
import { buildAuts, checkAutn, f2345, sqnFromNumber, sqnToNumber } from '../../crypto/index.js';
import { SW } from '../../codec/usim/index.js';
import type { Subscriber } from '../subscriber.js';
import { CardStatus } from './card-status.js';
import type { UsimFaults } from './faults.js';
import type { SqnWindow } from './sqn-window.js';

export type AkaOutcome =
  | { kind: 'success'; res: Buffer; ck: Buffer; ik: Buffer; kc: Buffer }
  | { kind: 'sync-failure'; auts: Buffer };

/** c3 (TS 33.102 §6.8.1.2): Kc = CK1 xor CK2 xor IK1 xor IK2 (64-bit halves). */
function c3(ck: Uint8Array, ik: Uint8Array): Buffer {
  const kc = Buffer.alloc(8);
  for (let i = 0; i < 8; i++) kc[i] = ck[i]! ^ ck[i + 8]! ^ ik[i]! ^ ik[i + 8]!;
  return kc;
}

export function runAka(sub: Subscriber, window: SqnWindow, faults: UsimFaults, rand: Uint8Array, autn: Uint8Array): AkaOutcome {
  const check = checkAutn({ K: sub.k, OPc: sub.opc, RAND: rand, AUTN: autn, acceptSqn: (sqn) => window.accepts(sqnToNumber(sqn)) });
  if (!check.macOk) throw new CardStatus(SW.AUTH_MAC, 'MAC-A');
  if (!check.sqnOk || faults.take('sqnOutOfRange')) {
    return { kind: 'sync-failure', auts: buildAuts({ K: sub.k, OPc: sub.opc, RAND: rand, SQNms: sqnFromNumber(window.highest) }) };
  }
  window.accept(sqnToNumber(check.sqn));
  const { res, ck, ik } = f2345(sub.k, sub.opc, rand);
  return { kind: 'success', res, ck, ik, kc: c3(ck, ik) };
}
