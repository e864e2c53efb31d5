/** Calls sys_vserver in the guest through the vsyscall tool and parses its answer. */
import type { Shell } from '../../harness/console/shell.ts';
import { archInfo, type Arch } from '../../harness/machine/arch.ts';
import { archFromEnv } from '../../harness/guest.ts';

export interface VcResult {
  ret: number;
  errno: number;
  name: string;
  out?: Buffer;
  /** The u64 / u32 / s32 at a byte offset of `out` in the guest's byte order (undefined without out). */
  u64(offset: number): bigint | undefined;
  u32(offset: number): number | undefined;
  s32(offset: number): number | undefined;
}

export async function vc(shell: Shell, args: string, bin = 'vsyscall'): Promise<VcResult> {
  const r = await shell.succeed(`${bin} ${args}`);
  const m = /^ret=(-?\d+) errno=(\d+) (\w+)$/m.exec(r.stdout);
  if (m === null) throw new Error(`unexpected vsyscall output: ${r.stdout}${r.stderr}`);
  const hex = /^out=([0-9a-f]*)$/m.exec(r.stdout)?.[1];
  const out = hex !== undefined ? Buffer.from(hex, 'hex') : undefined;
  const w = guestWords;
  return {
    ret: Number(m[1]),
    errno: Number(m[2]),
    name: m[3] ?? '',
    ...(out !== undefined ? { out } : {}),
    u64: (o) => (out !== undefined ? w.readU64(out, o) : undefined),
    u32: (o) => (out !== undefined ? w.readU32(out, o) : undefined),
    s32: (o) => (out !== undefined ? w.readS32(out, o) : undefined),
  };
}

/**
 * The integers of a struct as vsyscall --in takes them and --out gives them back: hex of the
 * bytes in memory, so in the guest's byte order (s390x is big-endian, every other row little).
 */
export interface Words {
  endian: 'little' | 'big';
  u16(v: number): string;
  u32(v: number): string;
  /** A signed 32-bit int (pid, signal). */
  s32(v: number): string;
  u64(v: bigint): string;
  readU32(b: Buffer, offset: number): number;
  readS32(b: Buffer, offset: number): number;
  readU64(b: Buffer, offset: number): bigint;
}

export function wordsFor(endian: 'little' | 'big'): Words {
  const le = endian === 'little';
  const hex = (bytes: number, write: (b: Buffer) => void): string => {
    const b = Buffer.alloc(bytes);
    write(b);
    return b.toString('hex');
  };
  return {
    endian,
    u16: (v) => hex(2, (b) => (le ? b.writeUInt16LE(v) : b.writeUInt16BE(v))),
    u32: (v) => hex(4, (b) => (le ? b.writeUInt32LE(v >>> 0) : b.writeUInt32BE(v >>> 0))),
    s32: (v) => hex(4, (b) => (le ? b.writeInt32LE(v) : b.writeInt32BE(v))),
    u64: (v) => hex(8, (b) => (le ? b.writeBigUInt64LE(v) : b.writeBigUInt64BE(v))),
    readU32: (b, o) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o)),
    readS32: (b, o) => (le ? b.readInt32LE(o) : b.readInt32BE(o)),
    readU64: (b, o) => (le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)),
  };
}

/** The words of an architecture's guests. */
export const archWords = (arch: Arch): Words => wordsFor(archInfo(arch).endian);

/**
 * The words of the guests the architecture-neutral files boot: VSLAB_ARCH's row (i386 when unset),
 * so the same file runs on a big-endian row (npm run test:s390x).
 */
export const guestWords: Words = archWords(archFromEnv() ?? 'i386');

/** A u64 as vsyscall --in takes it: 16 hex digits, in the byte order of the guests the neutral files boot. */
export const u64 = (v: bigint): string => guestWords.u64(v);
