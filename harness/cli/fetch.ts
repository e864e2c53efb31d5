/** vslab fetch busybox: download Debian's busybox-static for a guest arch (used by scripts/setup). */
import { fetchBusybox } from '../build/busybox.ts';
import { UsageError } from '../errors.ts';
import { archOption } from './args.ts';
import { defineCommand } from './command.ts';
import { makeProgress } from './progress.ts';

export const fetchCommand = defineCommand({
  program: 'vslab fetch',
  summary: "fetch Debian's busybox-static for a guest architecture",
  operands: 'busybox',
  about: "Downloads Debian's busybox-static for the guest architecture into the cache (scripts/setup runs it).",
  options: { arch: archOption },
  async run(values, operands) {
    if (operands.length !== 1 || operands[0] !== 'busybox') throw new UsageError('usage: vslab fetch busybox [--arch ARCH] (vslab fetch --help)');
    const bb = await fetchBusybox(values.arch, makeProgress());
    process.stdout.write(`${bb.deb}: ${bb.binary}\n`);
    return 0;
  },
});
