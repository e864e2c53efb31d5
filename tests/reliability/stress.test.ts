/**
 * A guest that misbehaves inside its limits (ABI.md §5.6): a fork bomb under an NPROC limit and a
 * memory hog under an ANON limit. The host context keeps answering and can still fork and allocate,
 * the guest's refusals show as hits, and once the guest's tasks are killed every counter is back at
 * its baseline and the context goes away.
 */
import { describe, expect, it } from 'vitest';
import type { Shell } from '../../harness/console/shell.ts';
import { useGuest } from '../fixtures.ts';
import { settleUntil } from '../poll.ts';

/** The NAME row of /proc/virtual/<xid>/limit: current, min, max, soft, hard, hits. */
async function limitRow(shell: Shell, xid: number, name: string): Promise<number[]> {
  const out = (await shell.succeed(`cat /proc/virtual/${xid}/limit`)).stdout;
  const m = new RegExp(`^${name}:\\t\\s*(-?\\d+)\\t\\s*(-?\\d+)/\\s*(-?\\d+)\\t\\s*(-?\\d+)/\\s*(-?\\d+)\\t\\s*(\\d+)$`, 'm').exec(out);
  return m?.slice(1).map(Number) ?? [];
}

/** Kills every task of XID until none is left (a fork in flight may outlive one round). */
async function killAll(shell: Shell, xid: number): Promise<void> {
  await settleUntil(shell, `vkill --xid ${xid} >/dev/null 2>&1; grep -q "^Tasks:\t[1-9]" /proc/virtual/${xid}/status`, {
    timeoutMs: 10_000,
    intervalMs: 50,
    not: true,
  });
}

const ACTIVE = /#CActive:\t(\d+)/;

describe('a fork bomb and a memory hog inside limited guests', () => {
  const h = useGuest({ variant: 'vserver' });
  const active = async (): Promise<number> => Number(ACTIVE.exec((await h.succeed('cat /proc/virtual/status')).stdout)?.[1]);

  it('a fork bomb under NPROC 20: the host answers and forks, the guest stays at its limit with hits, and everything is given back after vkill', async () => {
    const before = await active();
    // Persistent context 600 (setup, admin, init, persistent) with 20 tasks at most.
    await h.succeed('vsyscall --in 0000000047000000 ctx_create 600 >/dev/null && vlimit --xid 600 --nproc 20');
    // Every shell of the bomb leaves a sleeper behind: busybox sh exits at its first refused fork,
    // so without them the tree would die out on its own and the limit would hold nothing.
    await h.succeed(`vcontext --migrate --xid 600 -- sh -c 'b() { sleep 600 & b & b & wait; }; b' >/dev/null 2>&1 &`);
    // The bomb is running into its limit.
    await settleUntil(h.guest.shell, '[ $(grep ^PROC: /proc/virtual/600/limit | cut -f5) -ne 0 ]', { timeoutMs: 10000 });
    // The host still answers, forks and runs programs meanwhile.
    expect((await h.succeed('echo host-alive')).stdout).toBe('host-alive\n');
    expect((await h.succeed('for i in 1 2 3 4 5 6 7 8; do /bin/true & done; wait; echo forked')).stdout).toBe('forked\n');
    const [current = -1, , max = -1, , hard, hits = 0] = await limitRow(h.guest.shell, 600, 'PROC');
    expect(hard).toBe(20);
    expect(hits).toBeGreaterThan(0);
    expect(current).toBeGreaterThan(0);
    // The check is not atomic with the count: forks in flight on the other CPU may pass it by a few.
    expect(max).toBeLessThanOrEqual(20 + 4);
    await killAll(h.guest.shell, 600);
    expect((await limitRow(h.guest.shell, 600, 'PROC'))[0]).toBe(0);
    await h.succeed('vsyscall --in 00000000000000000000000040000000 set_cflags 600 >/dev/null');
    await settleUntil(h.guest.shell, `grep -q "^#CActive:\t${before}$" /proc/virtual/status`, { timeoutMs: 5000 });
    expect(await active()).toBe(before);
  });

  it('a memory hog under ANON 2048 pages: it is stopped with ENOMEM, the host still allocates, and the pages are given back when it is killed', async () => {
    const before = await active();
    await h.succeed('vsyscall --in 0000000047000000 ctx_create 601 >/dev/null && vlimit --xid 601 --anon 2048');
    // Chunks of 256 pages (1 MiB), each touched, until refused; then hold them.
    await h.succeed(`rm -f /tmp/hog.out; vcontext --migrate --xid 601 -- limprobe --hold anon 1000 256 >/tmp/hog.out 2>&1 </dev/null &`);
    await settleUntil(h.guest.shell, 'grep -q held /tmp/hog.out', { timeoutMs: 10000 });
    const out = (await h.succeed('cat /tmp/hog.out')).stdout;
    expect(out).toMatch(/^anon ok=(\d+) ENOMEM\nheld\n$/);
    const ok = Number(/ok=(\d+)/.exec(out)?.[1]);
    expect(ok).toBeGreaterThanOrEqual(7);
    expect(ok).toBeLessThanOrEqual(9);
    const [current = -1, , , , , hits = 0] = await limitRow(h.guest.shell, 601, 'ANON');
    // Past the limit by at most the last chunk granted.
    expect(current).toBeGreaterThan(2048);
    expect(current).toBeLessThanOrEqual(2048 + 256 + 64);
    expect(hits).toBeGreaterThan(0);
    // The host answers and allocates more than the guest may.
    expect((await h.succeed('echo host-alive')).stdout).toBe('host-alive\n');
    expect((await h.succeed('limprobe anon 12 256')).stdout).toBe('anon ok=12 done\n');
    await killAll(h.guest.shell, 601);
    expect((await limitRow(h.guest.shell, 601, 'ANON'))[0]).toBe(0);
    await h.succeed('vsyscall --in 00000000000000000000000040000000 set_cflags 601 >/dev/null');
    await settleUntil(h.guest.shell, `grep -q "^#CActive:\t${before}$" /proc/virtual/status`, { timeoutMs: 5000 });
    expect(await active()).toBe(before);
  });
});
