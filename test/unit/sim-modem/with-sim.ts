/** Starts the simulated modem at a stable path in a temp dir, with a bare client on it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimModem, type SimModem, type SimModemOptions } from '../../../src/sim/modem/index.js';
import { SimClient } from './client.js';

export async function withSim(options: SimModemOptions, run: (sim: SimModem, client: SimClient) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bcastd-simmodem-'));
  const sim = await startSimModem({ linkPath: join(dir, 'ttyUSB-sim'), ...options });
  const client = await SimClient.open(sim.path);
  try {
    await run(sim, client);
  } finally {
    await client.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
