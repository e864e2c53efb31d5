/** vslab disk: make an ext2 disk image for --disk on the host (mke2fs -d, no root, cached). */
import { copyFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DEFAULT_DISK_MIB, buildExt2Image } from '../disk/image.ts';
import { UsageError } from '../errors.ts';
import { defineCommand } from './command.ts';

export const diskCommand = defineCommand({
  program: 'vslab disk',
  summary: 'make an ext2 disk image on the host for run/shell --disk',
  operands: 'OUTPUT',
  about: `Makes OUTPUT, a raw ext2 image holding a copy of DIR's tree (empty without --from), with
e2fsprogs' mke2fs on the host; no root, no loop mount. Attach it with vslab run --disk OUTPUT
(the guest sees /dev/sda). The image is cached by its inputs; OUTPUT is a fresh copy, so the
guest's writes never reach the cache.`,
  options: {
    size: { kind: 'int', arg: 'MIB', min: 1, default: DEFAULT_DISK_MIB, help: 'image size in MiB' },
    from: { kind: 'path', arg: 'DIR', help: 'copy this host tree into the image' },
    label: { kind: 'text', arg: 'NAME', help: 'ext2 volume label' },
  },
  async run(values, operands) {
    const [output, ...extra] = operands;
    if (output === undefined || extra.length > 0) throw new UsageError('disk: give exactly one OUTPUT file (vslab disk --help)');
    const image = await buildExt2Image({ sizeMiB: values.size, fromDir: values.from, label: values.label });
    await copyFile(image, output);
    process.stdout.write(`${resolve(output)}\n`);
    return 0;
  },
});
