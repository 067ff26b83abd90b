/** Where a CLI writes, injectable for tests; and the error that means "the user's input was bad" (exit 2). */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const processIo: CliIo = {
  out: (line) => void process.stdout.write(line + '\n'),
  err: (line) => void process.stderr.write(line + '\n'),
};

/** Bad arguments or bad input: one line on stderr, exit code 2, never a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The broker or the daemon did not answer (not running, wrong broker, no route): exit code 3. */
export class UnreachableError extends Error {
  override readonly name = 'UnreachableError';
}

export const EXIT = { ok: 0, failure: 1, usage: 2, unreachable: 3 } as const;
