/**
 * Test helper: walks an 8-bit SMS-DELIVER PDU (SMSC prefix included) just far enough to hand the
 * WSP tests the user data after the UDH. The real SMS codec lives elsewhere; this keeps the WSP
 * tests independent of it while still taking their input from the captured PDUs.
 */
import { fromHex } from '../../../../src/codec/hex.js';

export interface DeliverUserData {
  udh: Uint8Array;
  payload: Uint8Array;
}

export function deliverUserData(hex: string): DeliverUserData {
  const b = fromHex(hex);
  let i = 1 + b[0]!; // SMSC address
  const firstOctet = b[i++]!;
  if ((firstOctet & 0x03) !== 0) throw new Error('not an SMS-DELIVER');
  const oaDigits = b[i++]!;
  i += 1 + Math.ceil(oaDigits / 2); // TOA + BCD digits
  i += 1; // PID
  const dcs = b[i++]!;
  if ((dcs & 0x0c) !== 0x04) throw new Error(`not 8-bit data (DCS 0x${dcs.toString(16)})`);
  i += 7; // SCTS
  const udl = b[i++]!;
  const ud = b.subarray(i, i + udl);
  if (ud.length !== udl) throw new Error('user data shorter than UDL');
  const udhl = firstOctet & 0x40 ? ud[0]! + 1 : 0;
  return { udh: ud.subarray(0, udhl), payload: ud.subarray(udhl) };
}
