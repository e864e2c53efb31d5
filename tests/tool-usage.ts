/**
 * The usage contract every guest tool keeps (ABI §8, and what util-vserver's users expect of a
 * command-line tool): `--help` prints the usage on stdout and exits 0; an unknown option prints
 * a usage line on stderr and exits 255, as util-vserver's tools do.
 */
import { expect, it } from 'vitest';
import type { GuestHandle } from './fixtures.ts';

export function defineUsageTests(h: GuestHandle, tools: readonly string[]): void {
  it('every tool answers --help with its usage on stdout and exit 0', async () => {
    for (const t of tools) {
      const r = await h.run(`${t} --help`);
      expect(r.exitCode, t).toBe(0);
      expect(r.stdout, t).toMatch(new RegExp(`^usage: ${t}\\b`));
    }
  });

  it('every tool answers a bad option with a usage line on stderr and exit 255', async () => {
    for (const t of tools) {
      const r = await h.run(`${t} --no-such-option`);
      expect(r.exitCode, t).toBe(255);
      expect(r.stderr, t).toMatch(new RegExp(`^usage: ${t}\\b`, 'm'));
    }
  });
}
