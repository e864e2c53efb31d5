import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withLock } from '../../harness/build/lock.ts';

describe('cache lock', () => {
  it('lets one holder in at a time', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'vslab-lock-')), 'x.lock');
    const log: string[] = [];
    const job = (name: string) =>
      withLock(
        path,
        () => log.push(`${name} waits`),
        async () => {
          log.push(`${name} in`);
          await new Promise((r) => setTimeout(r, 100));
          log.push(`${name} out`);
        },
      );
    await Promise.all([job('a'), job('b')]);
    // Either may win; the other waits, and enters only after the winner left.
    const first = log[0]?.startsWith('a') === true ? 'a' : 'b';
    const second = first === 'a' ? 'b' : 'a';
    expect(log).toEqual([`${first} in`, `${second} waits`, `${first} out`, `${second} in`, `${second} out`]);
  });

  it('takes over a lock whose owner is gone', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'vslab-lock-')), 'x.lock');
    await writeFile(path, '999999999');
    expect(
      await withLock(
        path,
        () => undefined,
        async () => 'done',
      ),
    ).toBe('done');
  });
});
