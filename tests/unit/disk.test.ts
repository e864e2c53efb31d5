/** The ext2 disk images: how they are made and attached (argument building), and host-side reading. */
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootOptionsFrom } from '../../harness/cli/args.ts';
import { parseCommand } from '../../harness/cli/command.ts';
import { runCommand } from '../../harness/cli/run.ts';
import { EXT2_TAG_OFFSET, EXT2_VX_FLAGS, decodeInode, findE2fsTool, fsckImage, mke2fsArgs, parseImap, readDiskInode } from '../../harness/disk/e2fs.ts';
import { buildExt2Image, checkDiskFile, ext2ImageKey, workingCopy } from '../../harness/disk/image.ts';
import { PrerequisiteError, UsageError } from '../../harness/errors.ts';
import { NO_DISK_CMDLINE } from '../../harness/machine/machine.ts';
import { QemuMachine, qemuDriveSpec } from '../../harness/machine/qemu.ts';
import { v86Options } from '../../harness/machine/v86.ts';

const machine = { arch: 'i386' as const, kernelPath: '/k', initrdPath: '/i' };

describe('attaching a disk image', () => {
  it('gives QEMU the image as the first IDE disk, raw, commas escaped', () => {
    expect(qemuDriveSpec('/c/d.img')).toBe('file=/c/d.img,format=raw,if=ide,index=0,media=disk');
    expect(qemuDriveSpec('/c/a,b.img')).toBe('file=/c/a,,b.img,format=raw,if=ide,index=0,media=disk');
    const args = QemuMachine.args({ ...machine, diskPath: '/c/d.img' }, 'tcg');
    expect(args[args.indexOf('-drive') + 1]).toBe('file=/c/d.img,format=raw,if=ide,index=0,media=disk');
    expect(args[args.indexOf('-append') + 1]).not.toContain('reserve=');
    const diskless = QemuMachine.args(machine, 'tcg');
    expect(diskless).not.toContain('-drive');
    // Without a disk the IDE ports are reserved, so ata_piix does not reset empty channels.
    expect(diskless[diskless.indexOf('-append') + 1]).toContain(` ${NO_DISK_CMDLINE}`);
  });

  it('gives v86 the very buffer as hda, so the guest writes land in it', () => {
    const disk = new ArrayBuffer(4096);
    const files = { bios: new ArrayBuffer(8), boot: { bzimage: new ArrayBuffer(8), initrd: new ArrayBuffer(8) } };
    const o = v86Options(machine, { ...files, disk });
    expect(o.hda).toEqual({ buffer: disk });
    expect((o.hda as { buffer: ArrayBuffer }).buffer).toBe(disk);
    expect(v86Options(machine, files).hda).toBeUndefined();
    expect(o.cmdline).not.toContain('reserve=');
    expect(() => v86Options(machine, { ...files, disk: new ArrayBuffer(1000) })).toThrow(UsageError);
  });

  it('takes --disk on the command line as an absolute path', () => {
    const boot = (argv: string[]) => {
      const p = parseCommand(runCommand, argv);
      if (p.help) throw new Error('help');
      return bootOptionsFrom(p.values);
    };
    expect(boot(['--disk', 'x/d.img', '--', 'true']).diskPath).toBe(join(process.cwd(), 'x/d.img'));
    expect(boot(['--', 'true']).diskPath).toBeUndefined();
  });

  it('refuses a missing file or one that is not whole sectors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vslab-disk-'));
    try {
      await expect(checkDiskFile(join(dir, 'none.img'))).rejects.toMatchObject({ code: 'USAGE', message: /does not exist/ });
      await writeFile(join(dir, 'odd.img'), Buffer.alloc(1000));
      await expect(checkDiskFile(join(dir, 'odd.img'))).rejects.toMatchObject({ code: 'USAGE', message: /512-byte sectors/ });
      await writeFile(join(dir, 'ok.img'), Buffer.alloc(2048));
      await expect(checkDiskFile(join(dir, 'ok.img'))).resolves.toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('making ext2 images', () => {
  it('builds the mke2fs arguments: ext2 from a staging dir, no root reserve, root-owned root', () => {
    expect(mke2fsArgs({ image: '/o/d.img', stagingDir: '/s', sizeMiB: 16, label: 'vs' })).toEqual([
      '-q',
      '-F',
      '-t',
      'ext2',
      '-b',
      '1024',
      '-m',
      '0',
      '-E',
      'root_owner=0:0',
      '-L',
      'vs',
      '-d',
      '/s',
      '/o/d.img',
      '16M',
    ]);
    expect(() => mke2fsArgs({ image: 'i', stagingDir: 's', sizeMiB: 0 })).toThrow(UsageError);
    expect(() => mke2fsArgs({ image: 'i', stagingDir: 's', sizeMiB: 2.5 })).toThrow(UsageError);
  });

  it('names the Debian package when an e2fsprogs tool is missing', async () => {
    const err: unknown = await findE2fsTool('mke2fs', { path: '/nonexistent', extraDirs: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrerequisiteError);
    expect(err).toMatchObject({ code: 'PREREQUISITE_MISSING', message: /mke2fs.*e2fsprogs/ });
  });

  it('keys the cache by content, size and label, and keeps file paths inside the image', async () => {
    const a = await ext2ImageKey({ files: { 'a/b': 'x' } }, 'mke2fs 1');
    expect(await ext2ImageKey({ files: { 'a/b': 'x' } }, 'mke2fs 1')).toBe(a);
    expect(await ext2ImageKey({ files: { 'a/b': 'y' } }, 'mke2fs 1')).not.toBe(a);
    expect(await ext2ImageKey({ files: { 'a/c': 'x' } }, 'mke2fs 1')).not.toBe(a);
    expect(await ext2ImageKey({ files: { 'a/b': 'x' }, sizeMiB: 8 }, 'mke2fs 1')).not.toBe(a);
    expect(await ext2ImageKey({ files: { 'a/b': 'x' }, label: 'l' }, 'mke2fs 1')).not.toBe(a);
    expect(await ext2ImageKey({ files: { 'a/b': 'x' } }, 'mke2fs 2')).not.toBe(a);
    await expect(ext2ImageKey({ files: { '../x': '' } }, 'v')).rejects.toThrow(UsageError);
    await expect(ext2ImageKey({ files: { '/etc/x': '' } }, 'v')).rejects.toThrow(UsageError);
  });

  it('reads where debugfs puts an inode and decodes its fields', () => {
    expect(parseImap('Inode 13 is part of block group 0\n\tlocated at block 23, offset 0x0100')).toEqual({ block: 23, offset: 256 });
    expect(() => parseImap('imap: File not found by ext2_lookup')).toThrow(UsageError);
    const raw = new Uint8Array(128);
    const v = new DataView(raw.buffer);
    v.setUint16(0, 0o100644, true);
    v.setUint16(2, 0x0005, true);
    v.setUint16(120, 0x0001, true);
    v.setUint16(24, 7, true);
    v.setUint16(26, 2, true);
    v.setUint32(32, EXT2_VX_FLAGS.ixunlink | 0x10, true);
    v.setUint16(EXT2_TAG_OFFSET, 4242, true);
    expect(decodeInode(raw)).toEqual({ mode: 0o100644, uid: 0x10005, gid: 7, links: 2, flags: 0x08000010, tag: 4242 });
  });
});

describe('an ext2 image on the host', () => {
  let cache: string;
  const saved = process.env['VSLAB_CACHE'];
  beforeAll(async () => {
    cache = await mkdtemp(join(tmpdir(), 'vslab-cache-'));
    process.env['VSLAB_CACHE'] = cache;
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env['VSLAB_CACHE'];
    else process.env['VSLAB_CACHE'] = saved;
    await rm(cache, { recursive: true, force: true });
  });

  it('is made from files, cached, checks clean, and its inodes can be read back', async () => {
    const spec = { sizeMiB: 4, files: { 'dir/hello.txt': 'hello\n', top: 'x' } };
    const image = await buildExt2Image(spec);
    expect(await buildExt2Image(spec)).toBe(image);
    expect((await fsckImage(image)).clean).toBe(true);
    const hello = await readDiskInode(image, '/dir/hello.txt');
    expect(hello.mode & 0o170000).toBe(0o100000);
    expect(hello).toMatchObject({ uid: 0, links: 1, flags: 0, tag: 0 });
    expect((await readDiskInode(image, '/dir')).mode & 0o170000).toBe(0o040000);
    await expect(readDiskInode(image, '/missing')).rejects.toThrow(UsageError);

    // A working copy is independent; a tag written into the kernel's slot reads back, and
    // e2fsck accepts it and the vserver i_flags bits.
    const copy = await workingCopy(image);
    expect(copy).not.toBe(image);
    const loc = await (async () => {
      const { execa } = await import('execa');
      const r = await execa(await findE2fsTool('debugfs'), ['-R', 'imap /top', copy], { all: true });
      return parseImap(r.all);
    })();
    const fh = await open(copy, 'r+');
    const tag = Buffer.alloc(2);
    tag.writeUInt16LE(31337);
    await fh.write(tag, 0, 2, loc.block * 1024 + loc.offset + EXT2_TAG_OFFSET);
    const flags = Buffer.alloc(4);
    flags.writeUInt32LE(EXT2_VX_FLAGS.ixunlink | EXT2_VX_FLAGS.cow);
    await fh.write(flags, 0, 4, loc.block * 1024 + loc.offset + 32);
    await fh.close();
    expect(await readDiskInode(copy, '/top')).toMatchObject({ tag: 31337, flags: 0x28000000 });
    expect(await readDiskInode(image, '/top')).toMatchObject({ tag: 0 });
    const fsck = await fsckImage(copy);
    expect(fsck.output).toContain('Pass 5');
    expect(fsck.clean).toBe(true);
  });
});
