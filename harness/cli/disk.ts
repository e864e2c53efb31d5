/** vslab disk: make an ext2 disk image for --disk on the host (mke2fs -d, no root, cached). */
import { copyFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DEFAULT_DISK_MIB, buildExt2Image } from '../disk/image.ts';
import { UsageError } from '../errors.ts';
import { intOf, parse } from './args.ts';

const HELP = `usage: vslab disk [--size MIB] [--from DIR] [--label NAME] OUTPUT

Makes OUTPUT, a raw ext2 image of --size MiB (default ${DEFAULT_DISK_MIB}) holding a copy of DIR's tree
(empty without --from), with e2fsprogs' mke2fs on the host; no root, no loop mount. Attach it with
vslab run --disk OUTPUT (the guest sees /dev/sda). The image is cached by its inputs; OUTPUT is a
fresh copy, so the guest's writes never reach the cache.`;

export async function diskCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { size: { type: 'string' }, from: { type: 'string' }, label: { type: 'string' } }, true);
  if (values['help'] === true) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const [output, ...extra] = positionals;
  if (output === undefined || extra.length > 0) throw new UsageError('disk: give exactly one OUTPUT file (vslab disk --help)');
  const from = values['from'];
  const label = values['label'];
  const image = await buildExt2Image({
    sizeMiB: intOf('size', values['size']),
    fromDir: typeof from === 'string' ? resolve(from) : undefined,
    label: typeof label === 'string' ? label : undefined,
  });
  await copyFile(image, output);
  process.stdout.write(`${resolve(output)}\n`);
  return 0;
}
