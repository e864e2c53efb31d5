/** vslab fetch busybox: download Debian's busybox-static for a guest arch (used by scripts/setup). */
import { fetchBusybox } from '../build/busybox.ts';
import { UsageError } from '../errors.ts';
import { archOf, parse } from './args.ts';
import { makeProgress } from './progress.ts';

const HELP = `usage: vslab fetch busybox [--arch i386|x86_64|arm|arm64]`;

export async function fetchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { arch: { type: 'string' } }, true);
  if (values['help'] === true) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== 'busybox') throw new UsageError(HELP);
  const bb = await fetchBusybox(archOf(values['arch']), makeProgress());
  process.stdout.write(`${bb.deb}: ${bb.binary}\n`);
  return 0;
}
