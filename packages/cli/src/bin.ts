#!/usr/bin/env node
import { buildProgram } from './program.js';
import { reportError } from './runtime/errors.js';

const program = buildProgram();
const verbose = process.argv.includes('--verbose');
try {
  await program.parseAsync(process.argv);
} catch (error) {
  reportError(error, verbose);
  process.exitCode = 1;
}
