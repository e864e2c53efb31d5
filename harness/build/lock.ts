/**
 * A lock file around work on one cache entry (a kernel build directory, the patched work tree),
 * so two vslab processes sharing ~/.cache/vslab never build into the same directory at once.
 * The lock holds the owner's pid; a lock whose owner is gone is taken over.
 */
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

const POLL_MS = 500;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let serial = 0;

/** Creates the lock with our pid in it, atomically (link fails if it exists), or returns false. */
async function tryAcquire(path: string): Promise<boolean> {
  serial += 1;
  const tmp = `${path}.${process.pid}.${serial}`;
  await writeFile(tmp, String(process.pid));
  try {
    await link(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && alive(owner)) return false;
    await rm(path, { force: true }); // stale: its owner is gone
    return false;
  } finally {
    await rm(tmp, { force: true });
  }
}

export async function withLock<T>(path: string, onWait: (owner: string) => void, fn: () => Promise<T>): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  let told = false;
  while (!(await tryAcquire(path))) {
    if (!told) {
      told = true;
      onWait((await readFile(path, 'utf8').catch(() => '?')).trim());
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}
