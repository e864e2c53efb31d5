/**
 * The e2fsprogs tools the harness runs on the host, without root: mke2fs makes an ext2 image
 * from a staging directory (-d), e2fsck -fn checks one without changing it, debugfs finds an
 * inode so its raw bytes can be read from the image file. Also the decoding of those bytes,
 * including the vserver fields the kernel stores there (fs/ext2/inode.c): the context tag in the
 * upper half of osd2.linux2.l_i_reserved2 and the BARRIER/IXUNLINK/COW bits of i_flags.
 */
import { open } from 'node:fs/promises';
import { execa } from 'execa';
import { PrerequisiteError, UsageError } from '../errors.ts';
import { which } from '../host.ts';

export type E2fsTool = 'mke2fs' | 'e2fsck' | 'debugfs';

/** Where e2fsprogs lives when /sbin is not on a user's PATH. */
export const SBIN_DIRS: readonly string[] = ['/usr/sbin', '/sbin'];

export interface ToolSearch {
  /** PATH-style list searched first (default: $PATH). */
  path?: string;
  /** Searched after it (default: SBIN_DIRS). */
  extraDirs?: readonly string[];
}

/** Absolute path of an e2fsprogs tool, or a PrerequisiteError naming the Debian package. */
export async function findE2fsTool(tool: E2fsTool, search: ToolSearch = {}): Promise<string> {
  const found = await which(tool, { path: search.path, extraDirs: search.extraDirs ?? SBIN_DIRS });
  if (found === undefined) throw new PrerequisiteError(tool, 'Debian package e2fsprogs; run scripts/setup');
  return found;
}

/** Block size of the images the harness makes (small images, little slack). */
export const EXT2_BLOCK_SIZE = 1024;

export interface Mke2fsRequest {
  image: string;
  stagingDir: string;
  sizeMiB: number;
  label?: string;
}

/**
 * The mke2fs argument vector: a plain ext2 of `sizeMiB` filled from `stagingDir`, no blocks
 * reserved for root, the root directory owned by root whoever runs it.
 */
export function mke2fsArgs(req: Mke2fsRequest): string[] {
  if (!Number.isInteger(req.sizeMiB) || req.sizeMiB < 1 || req.sizeMiB > 1024) {
    throw new UsageError(`ext2 image size must be 1..1024 MiB, not ${req.sizeMiB}`);
  }
  const args = ['-q', '-F', '-t', 'ext2', '-b', String(EXT2_BLOCK_SIZE), '-m', '0', '-E', 'root_owner=0:0'];
  if (req.label !== undefined) args.push('-L', req.label);
  args.push('-d', req.stagingDir, req.image, `${req.sizeMiB}M`);
  return args;
}

export interface FsckResult {
  /** e2fsck found nothing to fix (exit status 0). */
  clean: boolean;
  exitCode: number;
  output: string;
}

/** e2fsck -fn: a full check that changes nothing. */
export async function fsckImage(image: string): Promise<FsckResult> {
  const e2fsck = await findE2fsTool('e2fsck');
  const r = await execa(e2fsck, ['-fn', image], { reject: false, all: true, env: { LC_ALL: 'C' } });
  const exitCode = r.exitCode ?? -1;
  return { clean: exitCode === 0, exitCode, output: r.all ?? '' };
}

/** Where debugfs says an inode is: "located at block 23, offset 0x0100". */
export function parseImap(output: string): { block: number; offset: number } {
  const m = /located at block (\d+), offset 0x([0-9a-f]+)/i.exec(output);
  if (m?.[1] === undefined || m[2] === undefined) throw new UsageError(`debugfs imap: no inode location in "${output.trim()}"`);
  return { block: Number(m[1]), offset: parseInt(m[2], 16) };
}

/** The fields of an on-disk ext2 inode the tests look at. */
export interface DiskInode {
  mode: number;
  uid: number;
  gid: number;
  links: number;
  /** i_flags as stored, vserver bits included. */
  flags: number;
  /** The vserver context tag (0: untagged). */
  tag: number;
}

/** Linux-VServer's ext2 i_flags bits (kernel-patch/patches/0016-vserver-ext2-tags.patch). */
export const EXT2_VX_FLAGS = { barrier: 0x04000000, ixunlink: 0x08000000, cow: 0x20000000 } as const;
/** chattr +i. */
export const EXT2_IMMUTABLE_FL = 0x10;
/** Offset of the tag in the inode: osd2 at 116, l_i_reserved2 at 124, its upper half at 126. */
export const EXT2_TAG_OFFSET = 126;

/** Decodes the first 128 bytes of an ext2 inode (little endian). */
export function decodeInode(raw: Uint8Array): DiskInode {
  if (raw.byteLength < 128) throw new UsageError(`an ext2 inode has 128 bytes at least, got ${raw.byteLength}`);
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return {
    mode: v.getUint16(0, true),
    uid: v.getUint16(2, true) | (v.getUint16(120, true) << 16),
    gid: v.getUint16(24, true) | (v.getUint16(122, true) << 16),
    links: v.getUint16(26, true),
    flags: v.getUint32(32, true),
    tag: v.getUint16(EXT2_TAG_OFFSET, true),
  };
}

/** Block size of the ext2 filesystem in `image`, from its superblock (s_log_block_size). */
async function blockSizeOf(fh: Awaited<ReturnType<typeof open>>): Promise<number> {
  const sb = Buffer.alloc(64);
  await fh.read(sb, 0, 64, 1024);
  if (sb.readUInt16LE(56) !== 0xef53) throw new UsageError('not an ext2 image (no superblock magic)');
  return 1024 << sb.readUInt32LE(24);
}

/** The on-disk inode of `path` (absolute, inside the image), read without mounting. */
export async function readDiskInode(image: string, path: string): Promise<DiskInode> {
  const debugfs = await findE2fsTool('debugfs');
  const r = await execa(debugfs, ['-R', `imap "${path}"`, image], { reject: false, all: true, env: { LC_ALL: 'C' } });
  const where = parseImap(r.all ?? '');
  const fh = await open(image, 'r');
  try {
    const raw = Buffer.alloc(128);
    await fh.read(raw, 0, 128, where.block * (await blockSizeOf(fh)) + where.offset);
    return decodeInode(raw);
  } finally {
    await fh.close();
  }
}
