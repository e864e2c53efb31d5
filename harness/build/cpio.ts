/**
 * A writer for the "newc" cpio format the kernel unpacks as an initramfs. Writing it ourselves
 * lets an unprivileged build add device nodes (/dev/console) and root ownership, and makes the
 * archive byte-for-byte reproducible (fixed inode numbers, mtime 0).
 */
export type CpioEntry =
  | { kind: 'dir'; path: string; mode: number }
  | { kind: 'file'; path: string; mode: number; data: Buffer }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'char'; path: string; mode: number; major: number; minor: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

function record(ino: number, mode: number, name: string, data: Buffer, rdevMajor = 0, rdevMinor = 0, nlink = 1): Buffer {
  const nameBuf = Buffer.from(`${name}\0`, 'utf8');
  const header = '070701' + [ino, mode, 0, 0, nlink, 0, data.length, 0, 0, rdevMajor, rdevMinor, nameBuf.length, 0].map(hex8).join('');
  const headLen = header.length + nameBuf.length;
  return Buffer.concat([Buffer.from(header, 'ascii'), nameBuf, Buffer.alloc(pad4(headLen)), data, Buffer.alloc(pad4(data.length))]);
}

/** Builds an archive; paths are relative (no leading slash) and parents must come first. */
export function buildCpio(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  for (const e of entries) {
    const path = e.path.replace(/^\/+/, '');
    switch (e.kind) {
      case 'dir':
        parts.push(record(ino++, S_IFDIR | e.mode, path, Buffer.alloc(0), 0, 0, 2));
        break;
      case 'file':
        parts.push(record(ino++, S_IFREG | e.mode, path, e.data));
        break;
      case 'symlink':
        parts.push(record(ino++, S_IFLNK | 0o777, path, Buffer.from(e.target, 'utf8')));
        break;
      case 'char':
        parts.push(record(ino++, S_IFCHR | e.mode, path, Buffer.alloc(0), e.major, e.minor));
        break;
    }
  }
  parts.push(record(0, 0, 'TRAILER!!!', Buffer.alloc(0), 0, 0, 1));
  const out = Buffer.concat(parts);
  // The kernel accepts any length; pad to 512 like cpio(1) for tools that expect it.
  return Buffer.concat([out, Buffer.alloc((512 - (out.length % 512)) % 512)]);
}
