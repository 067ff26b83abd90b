// The LTKM intake behind the UDP bearer, as the daemon wires them, on loopback (ephemeral port): the outcomes the
// terminal would receive are recorded.
import type { Logger } from 'pino';
import { UdpBearer } from '../../../src/bsm/index.js';
import { LtkmIntake } from '../../../src/terminal/ltkm/intake.js';
import type { KeyProcessorPort, KeyProcessorResult, LtkmFlowStep, LtkmOutcome, LtkmRejectReason } from '../../../src/terminal/ltkm/types.js';

/** A processor verdict: judged, nothing stored (a checked pull). */
export const checked: KeyProcessorResult = { kind: 'processed', stored: null };

export interface UdpIntakeOptions {
  processor: KeyProcessorPort;
  logger: Logger;
  bindAddress?: string | null;
  allowedSources?: string[];
  maxQueued?: number;
  perSourceShare?: number;
  onFlow?(f: LtkmFlowStep): void;
}

export function udpIntake(o: UdpIntakeOptions) {
  const outcomes: LtkmOutcome[] = [];
  const intake = new LtkmIntake({
    processor: o.processor,
    onOutcome: (x) => outcomes.push(x),
    ...(o.onFlow ? { onFlow: o.onFlow } : {}),
    ...(o.maxQueued !== undefined ? { maxQueued: o.maxQueued } : {}),
    logger: o.logger,
  });
  const udp = new UdpBearer({
    sink: intake,
    port: 0,
    bindAddress: o.bindAddress === undefined ? '127.0.0.1' : o.bindAddress,
    ...(o.allowedSources ? { allowedSources: o.allowedSources } : {}),
    ...(o.perSourceShare !== undefined ? { perSourceShare: o.perSourceShare } : {}),
    logger: o.logger,
  });
  return {
    intake,
    udp,
    outcomes,
    stats: () => intake.stats(),
    /** Key groups of the solicited pulls that came out, in order. */
    pulls: () => outcomes.flatMap((x) => (x.kind === 'pull' ? [x.keyGroup] : [])),
    /** Reasons of the rejections reported, in order. */
    rejected: () => outcomes.flatMap((x): LtkmRejectReason[] => (x.kind === 'rejected' ? [x.reason] : [])),
    stop: async () => {
      await udp.stop();
      await intake.idle();
    },
  };
}
