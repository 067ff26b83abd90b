#!/usr/bin/env node
import { runBcastctl } from './bcastctl-program.js';
import { processIo } from './io.js';

// `bcastctl status | head` closes the pipe early: that is the reader being done, not an error to crash on.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = await runBcastctl(process.argv.slice(2), processIo);
