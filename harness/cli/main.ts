#!/usr/bin/env node
/**
 * vslab: build kernels and guest images, boot them, run commands in them.
 * Each subcommand lives in its own module; this file only dispatches and reports errors.
 */
import { VslabError } from '../errors.ts';
import { buildCommand } from './build.ts';
import { patchCommand } from './patch.ts';
import { runCommand } from './run.ts';
import { shellCommand } from './shell.ts';
import { fetchCommand } from './fetch.ts';
import { examplesCommand } from './examples.ts';
import { diskCommand } from './disk.ts';
import { exitStatusFor } from './exit-status.ts';
import { fuzzCommand } from './fuzz.ts';

const USAGE = `usage: vslab <command> [options]

commands:
  examples  reproduce the paper's examples E01–E45 on the booted kernel and report them
  build     build kernels and the guest image (cached under ~/.cache/vslab)
  run       boot a guest, run one command, print its output, exit with its status
  shell     boot a guest and attach this terminal to its console (Ctrl-] leaves)
  disk      make an ext2 disk image on the host for run/shell --disk
  fuzz      run the seeded sys_vserver fuzzer in a guest; report calls/s or the kernel's report
  patch     work on the kernel patch: prepare | export | diff
  fetch     fetch Debian's busybox-static for a guest architecture

"vslab <command> --help" describes each command.

exit status: 0 passed (run: the command's own status), 1 a test failed or the kernel
printed a splat, 2 usage error or infrastructure (build, emulator, boot, harness timeout),
124 run --timeout ended the command.`;

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  build: buildCommand,
  run: runCommand,
  shell: shellCommand,
  patch: patchCommand,
  fetch: fetchCommand,
  examples: examplesCommand,
  disk: diskCommand,
  fuzz: fuzzCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  const cmd = COMMANDS[name];
  if (cmd === undefined) {
    process.stderr.write(`vslab: unknown command "${name}" (try vslab --help)\n`);
    return 2;
  }
  return cmd(rest);
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
