/** vslab bench: the benchmarks (harness/bench/), one subcommand each. */
import { bootCommand } from '../bench/boot.ts';
import { overheadCommand } from '../bench/overhead.ts';
import { UsageError } from '../errors.ts';
import type { Invocable } from './command.ts';

const BENCHMARKS: Record<string, Invocable> = { overhead: overheadCommand, boot: bootCommand };

function usage(): string {
  const lines = Object.entries(BENCHMARKS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`);
  return `usage: vslab bench <benchmark> [options]\n\nbenchmarks (figures, never verdicts; "vslab bench <benchmark> --help" for each):\n${lines.join('\n')}`;
}

export const benchCommand: Invocable = {
  program: 'vslab bench',
  summary: "measure: the patch's overhead per operation, boot time and command round trip",
  async invoke(argv) {
    const [name, ...rest] = argv;
    if (name === '--help' || name === '-h') {
      process.stdout.write(`${usage()}\n`);
      return 0;
    }
    const bench = name === undefined ? undefined : BENCHMARKS[name];
    if (bench === undefined) throw new UsageError(name === undefined ? usage() : `bench: unknown benchmark "${name}"\n${usage()}`);
    return bench.invoke(rest);
  },
};
