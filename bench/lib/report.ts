/** Benchmark output: one JSON object per figure and line on stdout, so CI and people can both read it. */
import { cpus, loadavg } from 'node:os';

export interface Figure {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  [context: string]: unknown;
}

/** Rounds a figure to 4 significant digits: more would only print noise. */
export function sig4(v: number): number {
  return Number.isFinite(v) && v !== 0 ? Number(v.toPrecision(4)) : v;
}

export function emit(figure: Figure): void {
  process.stdout.write(`${JSON.stringify({ ...figure, value: sig4(figure.value) })}\n`);
}

/** Where the figures were taken, printed once per benchmark file. */
export function environment(bench: string): Figure {
  return {
    bench,
    metric: 'environment',
    value: cpus().length,
    unit: 'cpus',
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    gcExposed: typeof globalThis.gc === 'function',
    // Other work on the machine inflates wall-clock figures; this says how busy it was at the start.
    loadavg1: Number(loadavg()[0]!.toFixed(2)),
  };
}
