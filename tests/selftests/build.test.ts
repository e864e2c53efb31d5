/**
 * The built selftest tree holds what the kernel's own `make install` would put there (issue #22).
 * A collection whose Makefile builds part of itself in SUBDIRS installs each at <collection>/<subdir>
 * (futex: its run.sh does `(cd functional; ./run.sh)`). When the tree lacked futex/functional,
 * the cd failed and futex's run.sh ran itself again in a chain of shells, about 85 KiB of guest
 * memory each, until the runner's 45 s timeout (vanilla, vserver) or the OOM killer (vserver-off,
 * on a less loaded host) ended it: a "result" that measured nothing but the machine's speed.
 * The SUBDIRS are read here from the pristine source's Makefiles, not from the harness.
 */
import { access, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSelftests, SELFTEST_COLLECTIONS } from '../../harness/build/selftests.ts';
import { pristineSource } from '../../harness/build/debian-source.ts';
import { archFromEnv } from '../../harness/guest.ts';

const exists = (p: string): Promise<boolean> =>
  access(p).then(
    () => true,
    () => false,
  );

/** The SUBDIRS a collection's Makefile names (`SUBDIRS := a b`, `SUBDIRS += c`). */
function subdirsOf(makefile: string): string[] {
  const out: string[] = [];
  for (const m of makefile.matchAll(/^SUBDIRS\s*[:+]?=\s*(.*)$/gm)) out.push(...(m[1] ?? '').split(/\s+/).filter((w) => w !== ''));
  return out;
}

describe('selftest build', () => {
  it("installs every collection's SUBDIRS with their programs, so a collection script finds what it enters", async () => {
    const build = await buildSelftests(archFromEnv() ?? 'i386');
    const source = await pristineSource();
    const sel = join(source.dir, 'tools', 'testing', 'selftests');
    const missing: string[] = [];
    let checked = 0;
    for (const c of SELFTEST_COLLECTIONS) {
      const makefile = await readFile(join(sel, c, 'Makefile'), 'utf8').catch(() => '');
      for (const sub of subdirsOf(makefile)) {
        checked++;
        const dir = join(build.tree, c, sub);
        if (!(await exists(dir))) {
          missing.push(`${c}/${sub}`);
          continue;
        }
        // Each program the subdirectory's Makefile lists either is there or is named as not built.
        const sm = await readFile(join(sel, c, sub, 'Makefile'), 'utf8');
        const progs =
          /^TEST_GEN_PROGS\s*:?=\s*((?:.*\\\n)*.*)$/m
            .exec(sm)?.[1]
            ?.replace(/\\\n/g, ' ')
            .split(/\s+/)
            .filter((w) => w !== '') ?? [];
        const have = new Set(await readdir(dir));
        for (const p of progs) {
          if (!have.has(p) && !build.notBuilt.some((n) => n.item === `${c}:${sub}/${p}`)) missing.push(`${c}/${sub}/${p}`);
        }
      }
    }
    expect(checked, 'futex names functional in SUBDIRS').toBeGreaterThan(0);
    expect(missing).toEqual([]);
    expect(await exists(join(build.tree, 'futex', 'functional', 'run.sh'))).toBe(true);
  }, 3_600_000);
});
