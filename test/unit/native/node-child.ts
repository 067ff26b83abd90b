// Runs an ES module snippet in a fresh Node process, for what one test process cannot show about itself:
// a GC it can force (--expose-gc), a lowered RLIMIT_MEMLOCK, a missing addon, how the process ends.
import { execFile } from 'node:child_process';

export interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** URL of a compiled module under dist/src, for `import` in the child (this file is dist/test/unit/native/). */
export function srcModule(path: string): string {
  return new URL(`../../../src/${path}`, import.meta.url).href;
}

/** `node [nodeArgs] --input-type=module -e code`, optionally behind a wrapper command (prlimit …). */
export function runNode(
  code: string,
  o: { nodeArgs?: string[]; env?: NodeJS.ProcessEnv; wrapper?: string[] } = {},
): Promise<ChildResult> {
  const nodeArgv = [process.execPath, ...(o.nodeArgs ?? []), '--input-type=module', '-e', code];
  const argv = [...(o.wrapper ?? []), ...nodeArgv];
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { env: o.env ?? process.env, timeout: 30_000 }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: unknown; signal?: NodeJS.Signals | null }) | null;
      resolve({
        status: e === null ? 0 : typeof e.code === 'number' ? e.code : null,
        signal: e?.signal ?? null,
        stdout,
        stderr,
      });
    });
  });
}

/** The child's last stdout line as JSON, failing with everything it printed when it did not exit cleanly. */
export function childJson<T>(r: ChildResult): T {
  if (r.status !== 0) throw new Error(`child exited ${r.status ?? r.signal}: ${r.stderr}${r.stdout}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}
