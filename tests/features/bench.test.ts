/**
 * The guest benchmark program vsbench (PAPER §8; harness/bench/overhead.ts runs it): each
 * benchmark of the suite runs and reports a well-formed figure on the vanilla kernel, on the
 * patched kernel in the host context and inside a guest, and the guest mode really is a guest.
 * Behaviour only — the figures themselves are the benchmark's business, not a test's.
 */
import { describe, expect, it } from 'vitest';
import { BENCH_ADDR, BENCH_XID, inMode, MICRO, parseVsbench, vsbenchCommand, type Mode } from '../../harness/bench/vsbench.ts';
import { useGuest } from '../fixtures.ts';

const QUICK = `-t 5 -a ${BENCH_ADDR} ${MICRO.join(' ')}`;

describe('vsbench on the patched kernel', () => {
  const h = useGuest({ variant: 'vserver' });
  const run = (cmd: string) => h.guest.shell.run(cmd);

  for (const mode of ['host', 'guest'] as Mode[]) {
    it(`runs every microbenchmark and a macro load in ${mode} mode`, async () => {
      const micro = parseVsbench((await h.succeed(vsbenchCommand(mode, QUICK))).stdout, MICRO);
      expect(micro.map((s) => s.name)).toEqual([...MICRO]);
      const macro = parseVsbench((await h.succeed(vsbenchCommand(mode, '-t 5 run -- /bin/true'))).stdout, ['run']);
      expect(macro).toHaveLength(1);
    });
  }

  it('guest mode runs in its own security and network context, which end with the run', async () => {
    const status = (await h.succeed(inMode('guest', 'cat /proc/self/status'))).stdout;
    expect(status).toMatch(new RegExp(`^VxID:\\s+${BENCH_XID}$`, 'm'));
    expect(status).toMatch(/^NxID:\s+([2-9]|\d{2,})$/m);
    expect((await h.succeed(inMode('guest', 'cat /proc/self/ninfo'))).stdout).toContain(BENCH_ADDR);
    expect((await run(`test -e /proc/virtual/${BENCH_XID}`)).exitCode).not.toBe(0);
  });

  it('a failed operation is an error, not a figure: TCP on an address outside the guest set', async () => {
    const r = await run(vsbenchCommand('guest', '-t 5 -a 10.42.0.3 tcp'));
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/vsbench: bind: Cannot assign requested address/);
  });

  it('bad usage prints the usage line and exits 2', async () => {
    for (const args of ['bogus', '-t 0 null', '-t x null', '-a 300.1.1.1 tcp', 'run', 'run /bin/true', '-p 70000 tcp']) {
      const r = await run(`vsbench ${args}`);
      expect(r.exitCode, args).toBe(2);
      expect(r.stderr, args).toMatch(/^usage: vsbench /m);
    }
    expect((await h.succeed('vsbench -h')).stdout).toMatch(/pagefault +anonymous page fault/);
  });
});

describe('vsbench on the vanilla kernel', () => {
  const h = useGuest({ variant: 'vanilla' });

  it('runs every microbenchmark unchanged (it knows nothing of vserver)', async () => {
    const r = await h.guest.shell.succeed(vsbenchCommand('vanilla', QUICK));
    expect(parseVsbench(r.stdout, MICRO).map((s) => s.name)).toEqual([...MICRO]);
  });
});
