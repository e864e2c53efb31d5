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
/** A u32 and a u16 as vsyscall --in takes them, in the same byte order. */
export const u32 = (v: number): string => guestWords.u32(v);
export const u16 = (v: number): string => guestWords.u16(v);
/** A signed 32-bit int (pid, signal) as vsyscall --in takes it. */
export const s32 = (v: number): string => guestWords.s32(v);
/** An IPv4 address as the kernel's structs hold it: in network order on every row. */
export const ip4 = (a: string): string => Buffer.from(a.split('.').map(Number)).toString('hex');
/** ctx_rlimit_v0 as an i386 task lays it out: u32 id, then three u64 at 4-byte alignment (28 bytes). */
export const rlimit = (id: number, min: bigint, soft: bigint, max: bigint): string => u32(id) + u64(min) + u64(soft) + u64(max);
/** The limit ids of the rlimit commands as an i386 task numbers them: Linux's RLIMIT_* below 16, the context's own above. */
export const RSS = 5;
export const NPROC = 6;
export const NOFILE = 7;
export const MEMLOCK = 8;
export const AS = 9;
export const LOCKS = 10;
export const MSGQUEUE = 12;
export const NSOCK = 16;
export const OPENFD = 17;
export const ANON = 18;
export const SHMEM = 19;
/** The rlimit commands' values for "no limit" and "leave as it is". */
export const INF = 0xffffffffffffffffn;
export const KEEP = 0xfffffffffffffffen;

/** Flags of a context (cflags) that several files use; a network context's nflags have them at the same bits. */
export const STATE_SETUP = 1n << 32n;
export const STATE_ADMIN = 1n << 34n;
export const PERSISTENT = 1n << 38n;
/** STATE_SETUP | STATE_INIT | STATE_ADMIN: a context as ctx_create makes it by default. */
export const INIT_SET = 7n << 32n;
export const HIDE_NETIF = 0x2000000n;
/** Every bit of a u64 word (a mask that changes every flag, a full capability set). */
export const ALL = 0xffffffffffffffffn;
export const CAP_SYS_ADMIN = 21;
