#!/usr/bin/env node
import { runBcastctl } from './bcastctl-program.js';
import { processIo } from './io.js';

process.exitCode = await runBcastctl(process.argv.slice(2), processIo);
