import { describe, expect, it } from 'vitest';
import { classifyLine, SplatDetector } from '../../harness/console/splat-detector.ts';
import type { KernelSplatError } from '../../harness/errors.ts';

function splatOf(chunks: string[], settleMs = 5): Promise<KernelSplatError | undefined> {
  const w = new SplatDetector({ settleMs });
  return new Promise((resolve) => {
    w.onSplat(resolve);
    for (const c of chunks) w.feed(c);
    setTimeout(() => resolve(undefined), 50);
  });
}

describe('splat detector', () => {
  it.each([
    ['[    1.2] Kernel panic - not syncing: Attempted to kill init!', 'panic'],
    ['[    3.4] BUG: kernel NULL pointer dereference, address: 00000000', 'bug'],
    ['[    5.6] Oops: 0002 [#1] PREEMPT', 'oops'],
    ['[    7.8] WARNING: CPU: 0 PID: 1 at kernel/fork.c:100 copy_process+0x1/0x2', 'warning'],
    ['[    9.0] WARNING: possible circular locking dependency detected', 'lockdep'],
    ['[   10.0] rcu: INFO: rcu_sched self-detected stall on CPU', 'rcu-stall'],
    ['[   11.0] general protection fault: 0000 [#1]', 'gpf'],
    ['<3>[   12.0] UBSAN: shift-out-of-bounds in kernel/vserver/limit.c:100:3', 'ubsan'],
    ['<1>[   13.0] BUG: unable to handle page fault for address: 0000abcd', 'bug'],
    ['<3>[   13.5] BUG: KASAN: slab-use-after-free in vx_put+0x1/0x2', 'kasan'],
    ['<3>[   13.6] BUG: KFENCE: out-of-bounds read in nx_addr_match+0x1/0x2', 'bug'],
    ['<4>[   13.7] kmemleak: Cannot allocate a kmemleak_object structure', 'kmemleak'],
    ['<2>[   14.0] ata1.00: some critical condition', 'critical'],
    ['<0>[   15.0] Kernel panic - not syncing: VFS: Unable to mount root fs', 'panic'],
  ])('classifies %s', (line, kind) => {
    expect(classifyLine(line)).toBe(kind);
  });

  it('leaves ordinary lines alone', () => {
    for (const line of [
      '<0>[    5.123456] reboot: Restarting system',
      '<3>[ 1.0] error-level message',
      '<4>[ 1.0] warning-level message',
      '<6>[ 1.0] info',
      'text <2> in the middle',
      'vslab:/# echo hello',
      'VSLAB{ab:out:5}',
      'SW5pdGlhbGl6aW5nIGNncm91cCBzdWJzeXMgY3B1c2V0',
      'NOWARNING:x',
      'debug: BUGS fixed',
    ]) {
      expect(classifyLine(line)).toBeUndefined();
    }
  });

  it('finds a panic split across chunks and keeps the text after it', async () => {
    const err = await splatOf(['boot ok\n[ 2.0] Kernel pa', 'nic - not syncing: sysrq triggered crash\n', '[ 2.1] CPU: 0 PID: 50 Comm: sh\n']);
    expect(err?.kind).toBe('panic');
    expect(err?.line).toContain('sysrq triggered crash');
    expect(err?.consoleTail).toContain('Comm: sh');
  });

  it('judges a crit-level line by its level only once it is whole (the panic text may come in the next chunk)', async () => {
    const panic = await splatOf([
      'VSLAB{boot:ready}\n<6>[ 1.0] sysrq: Trigger a crash\n<0>[    1.068246] Kern',
      'el panic - not syncing: sysrq triggered crash\n',
    ]);
    expect(panic?.kind).toBe('panic');
    expect(await splatOf(['<0>[    5.1] reboot: Rest', 'arting system\n'])).toBeUndefined();
    expect((await splatOf(['<2>[ 14.0] ata1.00: some crit', 'ical condition\n']))?.kind).toBe('critical');
    // The last line before the emulator ended, without its newline, is judged whole at flush().
    const w = new SplatDetector({ settleMs: 1 });
    const seen: string[] = [];
    w.onSplat((e) => seen.push(e.kind));
    w.feed('<2>[ 14.0] ata1.00: cut short');
    w.flush();
    expect(seen).toEqual(['critical']);
  });

  it('reports only the first splat', async () => {
    const w = new SplatDetector({ settleMs: 1 });
    const seen: string[] = [];
    w.onSplat((e) => seen.push(e.kind));
    w.feed('[1] BUG: spinlock bad magic\n[2] Kernel panic - not syncing: x\n');
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual(['bug']);
  });

  it('stays silent on a clean boot log', async () => {
    expect(await splatOf(['[    0.000000] Linux version 6.1.176\n', 'Run /init as init process\nVSLAB{boot:ready}\n'])).toBeUndefined();
  });
});
