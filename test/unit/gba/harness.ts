/** Shared by the GBA / BSM / network tests: a silent logger, and unhandled rejections fail the run. */
import { pino, type Logger } from 'pino';
import { createHttpTransport, type RetryClock } from '../../../src/gba/index.js';
import { EventLog, Faults, SimBsf, normaliseSubscriber } from '../../../src/sim/network/index.js';
import { TEST_SUBSCRIBER } from './software-card.js';

process.on('unhandledRejection', (e) => {
  throw e;
});

export const silentLogger: Logger = pino({ level: 'silent' });

/** A clock that records the delays asked for and does not wait. */
export function recordingClock(): RetryClock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms) => void sleeps.push(ms), random: () => 1 };
}

export async function startBsf(opts: { lifetimeSec?: number } = {}) {
  const faults = new Faults();
  const events = new EventLog();
  const bsf = new SimBsf({ subscribers: [normaliseSubscriber(TEST_SUBSCRIBER)], port: 0, lifetimeSec: opts.lifetimeSec ?? 3600, faults, events, logger: silentLogger });
  await bsf.start();
  const http = createHttpTransport();
  return {
    bsf,
    faults,
    events,
    http,
    close: async () => {
      http.close();
      await bsf.close();
    },
  };
}
