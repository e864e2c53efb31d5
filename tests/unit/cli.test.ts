/** The CLI's answers to bad input: one clear line on stderr and exit status 2, without booting anything. */
import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARCHES } from '../../harness/machine/arch.ts';
import { repoRoot } from '../../harness/paths.ts';

const vslab = (...args: string[]) => execa(join(repoRoot, 'bin', 'vslab'), args, { reject: false });

describe('vslab command line', () => {
  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['run', '--bogus', '--', 'true'], /Unknown option '--bogus'/],
    [['run'], /no command given/],
    [['run', '--variant', 'weird', '--', 'true'], /--variant must be one of vanilla, vserver, vserver-debug, vserver-off/],
    [['run', '--backend', 'bochs', '--', 'true'], /--backend must be qemu or v86/],
    [['run', '--put', 'nocolon', '--', 'true'], /--put expects HOSTPATH:\/GUESTDIR/],
    [['build', '--arch', 'sparc'], new RegExp(`--arch must be one of ${ARCHES.join(', ')}, not "sparc"`)],
    [['examples', '--only', 'E99'], /--only matches no example/],
    [['examples', '--json', '--ktap'], /--json and --ktap both want stdout/],
    [['fuzz', '--json', '--ktap'], /--json and --ktap both want stdout/],
    [['examples', '--kcidb'], /Option '--kcidb <value>' argument missing/],
    [['patch', 'explode'], /usage: vslab patch/],
    [['fetch', 'gcc'], /usage: vslab fetch busybox/],
    [['run', '--disk', '/nonexistent/disk.img', '--', 'true'], /disk image \/nonexistent\/disk.img does not exist/],
    [['run', '--tools', '/nonexistent/tools', '--', 'true'], /--tools: \/nonexistent\/tools does not exist/],
    [['examples', '--tools', '/etc/hostname'], /--tools: \/etc\/hostname is not a directory/],
    [['disk'], /give exactly one OUTPUT file/],
    [['bench', 'nope'], /bench: unknown benchmark "nope"/],
    [['bench', 'overhead', '--only', 'nope'], /unknown benchmark nope/],
    [['bench', 'boot', '--boots', '0'], /--boots takes a whole number from 1, not "0"/],
    [['disk', '--size', 'big', 'x.img'], /--size takes a whole number from 1, not "big"/],
  ])('vslab %j fails with a usage message and status 2', async (args, message) => {
    const r = await vslab(...args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it.each([[['examples']], [['fuzz']], [['selftests']]])('vslab %j --help names --ktap and --kcidb', async (args) => {
    const r = await vslab(...args, '--help');
    expect(r.stdout).toMatch(/--ktap/);
    expect(r.stdout).toMatch(/--kcidb FILE/);
  });

  it.each([
    [[]],
    [['run']],
    [['build']],
    [['shell']],
    [['examples']],
    [['patch']],
    [['fetch']],
    [['disk']],
    [['fuzz']],
    [['selftests']],
    [['bench']],
    [['bench', 'overhead']],
    [['bench', 'boot']],
  ])('vslab %j --help prints usage and exits 0', async (args) => {
    const r = await vslab(...args, '--help');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^usage: vslab/);
  });
});
