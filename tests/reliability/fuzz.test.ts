/**
 * The sys_vserver fuzzer (on the lock-debugging kernel with VSLAB_LOCK_DEBUG=1, tests/kernels.ts):
 * 8 workers calling from the host, the spectator, a context in setup and a guest (half of them
 * without CAP_SYS_ADMIN and CAP_CONTEXT) while a churn process creates and ends contexts. Any
 * kernel report (BUG, WARNING, Oops, lockdep, RCU stall, panic) fails the file (the fixture's
 * splat detector); a call that hangs fails it too. `vslab fuzz` runs the long sessions (1,000,000 calls
 * and more).
 */
import { describe, expect, it } from 'vitest';
import { fuzzOn } from '../../harness/fuzz/fuzz.ts';
import { timeScale, useGuest } from '../fixtures.ts';
import { lockDebugVariant } from '../kernels.ts';

const vm = useGuest({ variant: lockDebugVariant() });

describe('sys_vserver fuzzer', () => {
  it("a worker's calls depend only on the seed (what --replay relies on)", async () => {
    const a = await vm.guest.shell.succeed('vsfuzz --seed 11 --dry 3:100:50');
    const b = await vm.guest.shell.succeed('vsfuzz --seed 11 --dry 3:100:50');
    const c = await vm.guest.shell.succeed('vsfuzz --seed 12 --dry 3:100:50');
    expect(a.stdout.split('\n').filter((l) => l !== '')).toHaveLength(50);
    expect(b.stdout).toBe(a.stdout);
    expect(c.stdout).not.toBe(a.stdout);
  });

  it('a call that moves or blocks its caller runs in a throw-away child, however its word was drawn', async () => {
    // Seed 7001's worker 0 drew wait_exit as "another revision" of it (a random revision 0): the
    // worker made the call itself, after an earlier drawn ctx_migrate had moved it into context
    // 42, and waited for its own context to end until the 30 s deadline called it a hang.
    const r = await vm.guest.shell.succeed('vsfuzz --seed 7001 --dry 0:0:1050');
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1050);
    const moving = lines.filter((l) =>
      /\b(wait_exit|ctx_create(_v0)?|ctx_migrate(_v0)?|enter_space(_v[01])?|net_create(_v0)?|net_migrate|tag_migrate)\(/.test(l),
    );
    expect(moving.length).toBeGreaterThan(20);
    expect(moving.filter((l) => !l.endsWith(' in-child'))).toEqual([]);
    expect(lines[1049]).toBe('worker=0 call=1049 wait_exit(30630000) id=42 data=struct size=32 in-child');
  });

  it(
    "seed 7001's first 1,100 calls from the host end without a hang (the worker stays in the host context)",
    async () => {
      const outcome = await fuzzOn(vm.guest, { seed: 7001, calls: 1100, procs: 1, from: 'all', churn: 1, replay: false });
      // the whole outcome, so that a failure shows the hang's detail and each worker's last call
      expect(outcome).toMatchObject({ kind: 'clean', summary: { calls: 1100, hung: 0 } });
    },
    300_000 * timeScale,
  );

  it(
    '30,000 fuzzed calls from host, spectator, setup and guest, with churn: no kernel report, no hang',
    async () => {
      const outcome = await fuzzOn(vm.guest, { seed: 20261206, calls: 30_000, procs: 8, from: 'all', churn: 1, replay: false });
      expect(outcome.kind).toBe('clean');
      if (outcome.kind !== 'clean') return;
      const s = outcome.summary;
      expect(s.calls).toBe(30_000);
      // The calls reached the kernel's handlers, not only its dispatcher: some succeed, some are
      // unknown words, the rest are refused with another errno.
      expect(s.ok).toBeGreaterThan(0);
      expect(s.enosys).toBeGreaterThan(0);
      expect(s.other).toBeGreaterThan(0);
      expect(s.hung).toBe(0);
    },
    600_000 * timeScale,
  );

  it('after the fuzzing the kernel still creates a context and runs a task in it', async () => {
    const r = await vm.guest.shell.succeed("vcontext --create --xid 777 -- sh -c 'grep VxID /proc/self/status'");
    expect(r.stdout).toMatch(/^VxID:\s+777$/m);
  });
});
