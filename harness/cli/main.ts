#!/usr/bin/env node
/**
 * vslab: build kernels and guest images, boot them, run commands in them.
 * Each subcommand lives in its own module; this file only dispatches and reports errors.
 */
import { VslabError } from '../errors.ts';
import type { Invocable } from './command.ts';
import { exitStatusFor } from './exit-status.ts';

/**
 * In the order `vslab --help` lists them. Each is loaded when asked for: a command's module
 * brings its whole dependency tree (the emulators, the builders), and `vslab run` should not
 * wait for the matrix's or the benchmarks'.
 */
const COMMANDS: Record<string, () => Promise<Invocable>> = {
  examples: async () => (await import('./examples.ts')).examplesCommand,
  matrix: async () => (await import('./matrix.ts')).matrixCommand,
  build: async () => (await import('./build.ts')).buildCommand,
  run: async () => (await import('./run.ts')).runCommand,
  shell: async () => (await import('./shell.ts')).shellCommand,
  disk: async () => (await import('./disk.ts')).diskCommand,
  fuzz: async () => (await import('./fuzz.ts')).fuzzCommand,
  bench: async () => (await import('./bench.ts')).benchCommand,
  selftests: async () => (await import('./selftests.ts')).selftestsCommand,
  patch: async () => (await import('./patch.ts')).patchCommand,
  fetch: async () => (await import('./fetch.ts')).fetchCommand,
};

async function usage(): Promise<string> {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const summaries = await Promise.all(Object.values(COMMANDS).map(async (load) => (await load()).summary));
  const list = Object.keys(COMMANDS).map((name, i) => `  ${name.padEnd(width)}  ${summaries[i] ?? ''}`);
  return `usage: vslab <command> [options]

commands:
${list.join('\n')}

"vslab <command> --help" describes each command.

exit status: 0 passed (run: the command's own status), 1 a test failed or the kernel
printed a splat, 2 usage error or infrastructure (build, emulator, boot, harness timeout),
124 run --timeout ended the command.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${await usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const load = COMMANDS[name];
  if (load === undefined) {
    process.stderr.write(`vslab: unknown command "${name}" (try vslab --help)\n`);
    return 2;
  }
  return (await load()).invoke(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof VslabError) process.stderr.write(`vslab: ${err.message}\n`);
    else process.stderr.write(`vslab: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = exitStatusFor(err);
  },
);
