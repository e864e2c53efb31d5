/**
 * Moving a host directory tree into a running guest without rebuilding the initramfs: the tree
 * is packed as a tar stream (tar-stream), uploaded over the console (Shell.upload) and unpacked
 * by the guest's busybox tar.
 */
import { lstat, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pack } from 'tar-stream';
import { listTree } from '../build/hash.ts';
import { UsageError } from '../errors.ts';
import { shellQuote, type Shell } from './shell.ts';

export async function tarTree(hostDir: string): Promise<Buffer> {
  let st;
  try {
    st = await lstat(hostDir);
  } catch (err) {
    throw new UsageError(`--put: ${hostDir} does not exist`, { cause: err });
  }
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    p.on('end', resolve);
    p.on('error', reject);
  });
  const add = async (name: string, full: string): Promise<void> => {
    const s = await lstat(full);
    if (s.isSymbolicLink()) p.entry({ name, type: 'symlink', linkname: await readlink(full), mode: 0o777 });
    else p.entry({ name, mode: s.mode & 0o7777, mtime: s.mtime }, await readFile(full));
  };
  if (st.isDirectory()) {
    for (const rel of await listTree(hostDir)) await add(rel, join(hostDir, rel));
  } else {
    await add(hostDir.split('/').pop() ?? 'file', hostDir);
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Copies `hostPath` (a directory's contents, or one file) into `guestDir`, created if needed. */
export async function putTree(shell: Shell, hostPath: string, guestDir: string): Promise<void> {
  const tar = await tarTree(hostPath);
  const tmp = `/run/vslab-put-${process.pid}-${Date.now()}.tar`;
  await shell.upload(tar, tmp, { timeoutMs: 120_000 });
  await shell.succeed(`mkdir -p ${shellQuote(guestDir)} && tar -x -f ${tmp} -C ${shellQuote(guestDir)} && rm -f ${tmp}`);
}

/** Parses a --put argument "HOSTPATH:GUESTDIR". */
export function parsePutSpec(spec: string): { host: string; guest: string } {
  const i = spec.lastIndexOf(':');
  if (i <= 0 || i === spec.length - 1 || !spec.slice(i + 1).startsWith('/')) {
    throw new UsageError(`--put expects HOSTPATH:/GUESTDIR, got "${spec}"`);
  }
  return { host: spec.slice(0, i), guest: spec.slice(i + 1) };
}
