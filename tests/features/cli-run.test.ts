/**
 * `vslab run` as a user (or a kernel CI job) calls it: several arguments after `--` are one
 * program's argv, one argument is a shell line, the exit status is the command's own, and
 * `--timeout` ends a command with 124 like timeout(1). Each call boots its own guest.
 */
import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../harness/paths.ts';
import { timeScale } from '../fixtures.ts';

const vslab = (...args: string[]) => execa(join(repoRoot, 'bin', 'vslab'), ['run', ...args], { reject: false });

describe('vslab run', () => {
  it(
    'several arguments reach the program one by one: sh -c gets its whole script',
    async () => {
      const r = await vslab('--', 'sh', '-c', 'mkdir -p /t && echo "ok $#" > /t/f && cat /t/f', 'zero', 'a b');
      expect(r.stderr).not.toMatch(/usage/i);
      expect(r.stdout).toBe('ok 1'); // execa strips the final newline
      expect(r.exitCode).toBe(0);
    },
    120_000 * timeScale,
  );

  it(
    'one argument is a shell line (pipes and globs work)',
    async () => {
      const r = await vslab('--', 'echo /proc/virtual/i* | tr a-z A-Z');
      expect(r.stdout).toBe('/PROC/VIRTUAL/INFO');
      expect(r.exitCode).toBe(0);
    },
    120_000 * timeScale,
  );

  it(
    "the exit status is the command's own",
    async () => {
      expect((await vslab('--', 'sh', '-c', 'exit 7')).exitCode).toBe(7);
      expect((await vslab('--', 'false')).exitCode).toBe(1);
    },
    120_000 * timeScale,
  );

  it(
    '--timeout ends the command and exits 124, naming the timeout',
    async () => {
      const r = await vslab('--timeout', '2', '--', 'sleep', '30');
      expect(r.exitCode).toBe(124);
      expect(r.stderr).toMatch(/did not end within --timeout 2 s/);
    },
    120_000 * timeScale,
  );
});
