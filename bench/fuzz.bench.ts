/**
 * Fuzzing (issue 8): at least 1,000,000 cases per decoder — SMS, WSP, MIKEY (+ MBMS reading), XML bodies,
 * AT lines (framer + parsers), USIM APDU / BER-TLV decoders, board config — from mutated real inputs
 * and random bytes (test/unit/fuzz/targets.ts). Seeded: the same run finds the same inputs.
 *
 * Per decoder, one JSON line: cases, cases/s, accepted, rejected (typed error), crashes (any other
 * exception, with the first input's hex), and the slowest single case. Never fails on time; exits
 * non-zero only when a decoder crashed, since that is a bug, not a figure.
 *
 * Each decoder's cases are cut into shards run by a pool of worker threads, one per core (2 in CI), so
 * the slow decoders (YAML, AT) do not leave a core idle.
 *
 * Env: FUZZ_CASES (per decoder, default 1,000,000), FUZZ_SEED (default 8), FUZZ_WORKERS (default cores).
 */
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { fuzz, fuzzTargets, type FuzzResult } from '../test/unit/fuzz/targets.js';
import { emit, environment } from './lib/report.js';

const BENCH = 'fuzz';
const SHARD = 125_000;

interface Job {
  target: string;
  cases: number;
  seed: number;
}

if (isMainThread) await main();
else worker();

function worker(): void {
  // Decoders reject most inputs; a stack per DecodeError would be most of the cost, and no one reads them.
  Error.stackTraceLimit = 0;
  const targets = new Map(fuzzTargets().map((t) => [t.name, t]));
  parentPort!.on('message', (job: Job | null) => {
    if (job === null) return parentPort!.close();
    parentPort!.postMessage(fuzz(targets.get(job.target)!, { cases: job.cases, seed: job.seed }));
  });
}

async function main(): Promise<void> {
  const casesPer = Number(process.env['FUZZ_CASES'] ?? 1_000_000);
  const seed = Number(process.env['FUZZ_SEED'] ?? 8);
  const workers = Math.max(1, Number(process.env['FUZZ_WORKERS'] ?? availableParallelism()));
  emit({ ...environment(BENCH), workers, casesPerDecoder: casesPer, seed });

  const names = fuzzTargets().map((t) => t.name);
  // Shards interleaved across decoders, so both workers stay busy to the end.
  const shards = Math.ceil(casesPer / SHARD);
  const jobs: Job[] = [];
  for (let k = 0; k < shards; k++) {
    for (const [i, name] of names.entries()) jobs.push({ target: name, cases: Math.min(SHARD, casesPer - k * SHARD), seed: seed * 1_000_003 + i * 1009 + k });
  }

  const totals = new Map<string, FuzzResult & { cpuMs: number; wallStart: number; wallEnd: number }>();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(workers, jobs.length) }, () => runWorker(jobs, (job, r) => {
      const now = performance.now();
      const t = totals.get(job.target);
      if (!t) {
        totals.set(job.target, { ...r, firstCrashes: [...r.firstCrashes], cpuMs: r.elapsedMs, wallStart: now - r.elapsedMs, wallEnd: now });
        return;
      }
      t.cases += r.cases;
      t.accepted += r.accepted;
      t.rejected += r.rejected;
      t.crashes += r.crashes;
      t.firstCrashes.push(...r.firstCrashes.slice(0, Math.max(0, 5 - t.firstCrashes.length)));
      t.cpuMs += r.elapsedMs;
      t.wallStart = Math.min(t.wallStart, now - r.elapsedMs);
      t.wallEnd = Math.max(t.wallEnd, now);
      if (r.slowestMs > t.slowestMs) {
        t.slowestMs = r.slowestMs;
        t.slowestHex = r.slowestHex;
      }
    })),
  );

  let crashes = 0;
  for (const name of names) {
    const t = totals.get(name)!;
    crashes += t.crashes;
    emit({
      bench: BENCH,
      metric: `${name} cases/s`,
      value: (t.cases * 1000) / t.cpuMs,
      unit: 'cases/s per core',
      cases: t.cases,
      accepted: t.accepted,
      rejected: t.rejected,
      crashes: t.crashes,
      firstCrashHex: t.firstCrashes[0]?.hex ?? null,
      firstCrashError: t.firstCrashes[0]?.error ?? null,
      slowestCaseMs: Number(t.slowestMs.toFixed(2)),
      // The start of the slowest input, to replay it when it looks pathological.
      slowestCaseHex: t.slowestHex.slice(0, 160),
      cpuSeconds: Number((t.cpuMs / 1000).toFixed(1)),
    });
  }
  emit({ bench: BENCH, metric: 'total wall time', value: (performance.now() - t0) / 1000, unit: 's', decoders: names.length, crashes });
  if (crashes > 0) process.exitCode = 1;
}

/** One worker thread draining the shared job list. */
function runWorker(jobs: Job[], done: (job: Job, r: FuzzResult) => void): Promise<void> {
  const w = new Worker(fileURLToPath(import.meta.url));
  return new Promise<void>((resolve, reject) => {
    let current: Job | undefined;
    const next = () => {
      current = jobs.shift();
      w.postMessage(current ?? null);
    };
    w.on('message', (r: FuzzResult) => {
      done(current!, r);
      next();
    });
    w.on('error', reject);
    w.on('exit', () => resolve());
    next();
  });
}
