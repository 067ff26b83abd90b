// The terminal's LTKM intake port over the LTKM listener.
import type { LtkmListener } from '../../bsm/index.js';
import type { LtkmIntakePort } from '../../terminal/ports.js';

/** SMS-borne MIKEY goes through the same listener pipeline as UDP datagrams. */
export function intakePort(listener: LtkmListener): LtkmIntakePort {
  return { handle: (raw, source) => listener.handle(raw, { address: source, port: 0, via: 'sms' }) };
}
