/**
 * A small timing loop: calibrate, warm up, then measure several rounds of a fixed iteration count
 * with process.hrtime.bigint, several candidates interleaved round by round (so drift in CPU clock or
 * load hits them alike), a GC before each round when --expose-gc is on. Results are operations per
 * second per round; the figure is the median.
 */

/** One operation; it returns something derived from its result so the work cannot be optimised away. */
export type Op = () => number;

export interface TimingOptions {
  /** Measured rounds per candidate, at least (median of these is reported). Default 7. */
  readonly rounds?: number;
  /** Target duration of one round in ms. Default 250. */
  readonly roundMs?: number;
  /** Warm-up per candidate before measuring, in ms. Default 500. */
  readonly warmupMs?: number;
  /** Rounds are added until every candidate has been measured this long in total. Default 1000. */
  readonly minTotalMs?: number;
}

export interface Timing {
  /** Operations per second, median of the rounds. */
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly rounds: number;
  readonly iterationsPerRound: number;
  /** Total measured time in ms (warm-up excluded). */
  readonly measuredMs: number;
  /** Per-round operations per second, in round order. */
  readonly samples: readonly number[];
  /**
   * Per-round operations per CPU second of this process (user + system, GC threads included): less
   * sensitive than wall time to other processes taking the cores, so worth a look on a busy machine.
   */
  readonly cpuSamples: readonly number[];
}

let sink = 0;
/** Read once at the end so the accumulated results stay observable. */
export function sinkValue(): number {
  return sink;
}

function runFor(op: Op, iterations: number): bigint {
  let acc = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) acc = (acc + op()) | 0;
  const ns = process.hrtime.bigint() - start;
  sink ^= acc;
  return ns;
}

/** CPU microseconds (user + system) spent by this process since `from`. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return d.user + d.system;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Iterations that take about `ms`. */
function calibrate(op: Op, ms: number): number {
  let n = 1;
  for (;;) {
    const ns = Number(runFor(op, n));
    if (ns >= 20e6 || n >= 2 ** 30) return Math.max(1, Math.round((n * ms * 1e6) / Math.max(ns, 1)));
    n *= 2;
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Measures every candidate, interleaved; the order of candidates alternates from round to round. */
export function measure<K extends string>(ops: Record<K, Op>, opts: TimingOptions = {}): Record<K, Timing> {
  const rounds = opts.rounds ?? 7;
  const roundMs = opts.roundMs ?? 250;
  const warmupMs = opts.warmupMs ?? 500;
  const names = Object.keys(ops) as K[];
  const iterations = {} as Record<K, number>;
  for (const k of names) {
    const warmEnd = process.hrtime.bigint() + BigInt(Math.round(warmupMs * 1e6));
    while (process.hrtime.bigint() < warmEnd) runFor(ops[k], 1000);
    iterations[k] = calibrate(ops[k], roundMs);
  }
  const samples = Object.fromEntries(names.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  const cpuSamples = Object.fromEntries(names.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  const spent = Object.fromEntries(names.map((k) => [k, 0])) as Record<K, number>;
  const minTotalMs = opts.minTotalMs ?? 1000;
  let r = 0;
  for (; r < rounds || names.some((k) => spent[k] < minTotalMs); r++) {
    const order = r % 2 === 0 ? names : [...names].reverse();
    for (const k of order) {
      gc();
      const cpu0 = process.cpuUsage();
      const ns = Number(runFor(ops[k], iterations[k]));
      samples[k].push((iterations[k] * 1e9) / ns);
      cpuSamples[k].push((iterations[k] * 1e6) / Math.max(cpuSince(cpu0), 1));
      spent[k] += ns / 1e6;
    }
  }
  const out = {} as Record<K, Timing>;
  for (const k of names) {
    out[k] = {
      median: median(samples[k]),
      min: Math.min(...samples[k]),
      max: Math.max(...samples[k]),
      rounds: r,
      iterationsPerRound: iterations[k],
      measuredMs: Math.round(spent[k]),
      samples: samples[k],
      cpuSamples: cpuSamples[k],
    };
  }
  return out;
}
