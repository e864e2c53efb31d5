/** Content hashing for cache keys: a build artifact's key covers everything that went into it. */
import { createHash, type Hash } from 'node:crypto';
import { readdir, readFile, readlink, lstat } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** All regular files and symlinks under `dir`, as sorted paths relative to it. */
export async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() || e.isSymbolicLink()) out.push(relative(dir, p));
    }
  }
  await walk(dir);
  return out.sort();
}

/**
 * Feeds names, modes and contents of every file under `dir` into `h`, in sorted order. The files
 * are read all at once (a key is looked up before every boot, and one read after another was most
 * of that).
 */
export async function hashTree(h: Hash, dir: string, filter: (rel: string) => boolean = () => true): Promise<void> {
  const files = await Promise.all(
    (await listTree(dir)).filter(filter).map(async (rel) => {
      const p = join(dir, rel);
      const st = await lstat(p);
      return { rel, mode: st.mode & 0o777, content: st.isSymbolicLink() ? `->${await readlink(p)}` : await readFile(p) };
    }),
  );
  for (const f of files) {
    h.update(`${f.rel}\0${f.mode}\0`);
    h.update(f.content);
    h.update('\0');
  }
}

export function newHash(): Hash {
  return createHash('sha256');
}

export function shortDigest(h: Hash): string {
  return h.digest('hex').slice(0, 16);
}
