#!/usr/bin/env node
/**
 * vslab: build kernels and guest images, boot them, run commands in them.
 * Each subcommand lives in its own module; this file only dispatches and reports errors.
 */
import { VslabError } from '../errors.ts';
import type { Invocable } from './command.ts';
import { buildCommand } from './build.ts';
import { patchCommand } from './patch.ts';
import { runCommand } from './run.ts';
import { shellCommand } from './shell.ts';
import { fetchCommand } from './fetch.ts';
import { examplesCommand } from './examples.ts';
import { diskCommand } from './disk.ts';
import { exitStatusFor } from './exit-status.ts';
import { fuzzCommand } from './fuzz.ts';
import { benchCommand } from './bench.ts';
import { selftestsCommand } from './selftests.ts';
import { matrixCommand } from './matrix.ts';

/** In the order `vslab --help` lists them. */
const COMMANDS: Record<string, Invocable> = {
  examples: examplesCommand,
  matrix: matrixCommand,
  build: buildCommand,
  run: runCommand,
  shell: shellCommand,
  disk: diskCommand,
  fuzz: fuzzCommand,
  bench: benchCommand,
  selftests: selftestsCommand,
  patch: patchCommand,
  fetch: fetchCommand,
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const list = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
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
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const cmd = COMMANDS[name];
  if (cmd === undefined) {
    process.stderr.write(`vslab: unknown command "${name}" (try vslab --help)\n`);
    return 2;
  }
  return cmd.invoke(rest);
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
