/**
 * Per-context limits (ABI.md §4.1, §4.3, §5.6, §6.2 limit): the commands and their layouts, the
 * vlimit tool, and the enforced limits NPROC (fork → EAGAIN), NOFILE (open → EMFILE), AS (mmap → ENOMEM), NSOCK
 * (socket → ENFILE), OPENFD (dup → EMFILE), LOCKS (flock/fcntl → ENOLCK), MSGQUEUE (mq_open → EMFILE), SHMEM
 * (shmget → ENOMEM), MEMLOCK (mlock → ENOMEM) and ANON (mmap → ENOMEM), each checked at the limit and one past
 * it, with hits, watermarks, the counter back at its baseline, and the host and other guests unaffected.
 */
import { describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';
import { pollUntil, settleUntil, vpoll } from '../poll.ts';
import { ANON, AS, INF, KEEP, LOCKS, MEMLOCK, MSGQUEUE, NOFILE, NPROC, NSOCK, OPENFD, RSS, rlimit, SHMEM, u32, u64, vc } from '../abi/helpers.ts';

/** The row of /proc/virtual/<xid>/limit for NAME: current, min, max, soft, hard, hits. */
function limitRow(text: string, name: string): number[] | undefined {
  const m = new RegExp(`^${name}:\\t\\s*(-?\\d+)\\t\\s*(-?\\d+)/\\s*(-?\\d+)\\t\\s*(-?\\d+)/\\s*(-?\\d+)\\t\\s*(\\d+)$`, 'm').exec(text);
  return m?.slice(1).map(Number);
}

/** A line of util-vserver's `vlimit -a`: name, then two spaces and each value from columns 10, 30, 50. */
const vlimitRow = (name: string, min: string, soft: string, hard: string): string =>
  `${name.padEnd(10)}${`  ${min}`.padEnd(20)}${`  ${soft}`.padEnd(20)}  ${hard}`;

describe('context limits: commands, vlimit, NPROC, NOFILE and AS', () => {
  const h = useGuest({ variant: 'vserver' });
  const call = (args: string) => vc(h.guest.shell, args);
  const persistent = async (xid: number): Promise<void> => {
    expect(await call(`--in ${u64((7n << 32n) | (1n << 38n))} ctx_create ${xid}`)).toMatchObject({ ret: xid });
  };
  const release = (xid: number) => h.succeed(`vkill --xid ${xid} >/dev/null 2>&1; vsyscall --in ${u64(0n)}${u64(1n << 38n)} set_cflags ${xid} >/dev/null`);
  /** Waits (briefly) until the current value of the NAME row of XID is `want`; returns the row. */
  const settleRow = async (xid: number, name: string, want: number): Promise<number[] | undefined> => {
    await settleUntil(h.guest.shell, `grep -q "^${name}:\t *${want}\t" /proc/virtual/${xid}/limit`, { timeoutMs: 5000 });
    return limitRow((await h.succeed(`cat /proc/virtual/${xid}/limit`)).stdout, name);
  };
  /** Runs limprobe with ARGS in XID (0: the host), output to a file; returns its stdout. */
  const probe = async (xid: number, args: string): Promise<string> => {
    const ctx = xid === 0 ? '' : `vcontext --migrate --xid ${xid} -- `;
    return (await h.succeed(`${ctx}limprobe ${args} >/tmp/probe.out 2>&1 </dev/null; cat /tmp/probe.out`)).stdout;
  };
  /** The current value of ROW while a task of XID holds what `limprobe --hold ARGS` takes. */
  const heldValue = async (xid: number, row: string, args: string): Promise<number> => {
    await h.succeed(`rm -f /tmp/held.out; vcontext --migrate --xid ${xid} -- limprobe --hold ${args} >/tmp/held.out 2>&1 </dev/null &`);
    await settleUntil(h.guest.shell, 'grep -q held /tmp/held.out', { timeoutMs: 5000 });
    const value = limitRow((await h.succeed(`cat /proc/virtual/${xid}/limit`)).stdout, row)?.[0] ?? -1;
    // The host cannot signal a guest's task by pid: end it through the context.
    await h.succeed(`vkill --xid ${xid} -s TERM; wait`);
    expect((await settleRow(xid, row, 0))?.[0]).toBe(0);
    return value;
  };
  /**
   * One limit of ABI §5.6: in XID with the limit set by VLIMIT, `limprobe WHAT n ARGS` takes OK objects and the
   * next is refused with ERRNO. The row then shows no current use, the peak (PEAK, or within the range
   * PEAK), the limit and one hit; the host and another guest (XID + 1, no limits) take more than the
   * limit, and the limited row does not move.
   */
  const limitCase = async (o: {
    xid: number;
    row: string;
    vlimit: string;
    limit: number;
    what: string;
    args: string;
    ok: number;
    errno: string;
    peak: number | [number, number];
    hits?: number;
  }): Promise<void> => {
    await h.succeed(`vlimit --xid ${o.xid} ${o.vlimit}`);
    const run = (xid: number, n: number) => probe(xid, `${o.what} ${n}${o.args === '' ? '' : ` ${o.args}`}`);
    expect(await run(o.xid, o.ok + 3)).toBe(`${o.what} ok=${o.ok} ${o.errno}\n`);
    const [cur, min, max = -1, soft, hard, hits] = (await settleRow(o.xid, o.row, 0)) ?? [];
    expect({ cur, min, soft, hard, hits }).toEqual({ cur: 0, min: 0, soft: o.limit, hard: o.limit, hits: o.hits ?? 1 });
    if (typeof o.peak === 'number') expect(max).toBe(o.peak);
    else expect(max >= o.peak[0] && max <= o.peak[1]).toBe(true);
    expect(await run(0, o.ok + 3)).toBe(`${o.what} ok=${o.ok + 3} done\n`);
    await persistent(o.xid + 1);
    expect(await run(o.xid + 1, o.ok + 3)).toBe(`${o.what} ok=${o.ok + 3} done\n`);
    expect((await settleRow(o.xid + 1, o.row, 0))?.[5]).toBe(0);
    expect(await settleRow(o.xid, o.row, 0)).toEqual([0, 0, max, o.limit, o.limit, o.hits ?? 1]);
    await release(o.xid + 1);
    await release(o.xid);
  };

  it('get_rlimit_mask names the supported ids as soft and hard, none as minimum', async () => {
    const r = await call(`--out 12 get_rlimit_mask 0`);
    expect(r).toMatchObject({ ret: 0 });
    const bits = [NPROC, NOFILE, AS, RSS, MEMLOCK, LOCKS, MSGQUEUE, NSOCK, OPENFD, ANON, SHMEM].reduce((m, id) => m | (1 << id), 0);
    expect([r.out?.readUInt32LE(0), r.out?.readUInt32LE(4), r.out?.readUInt32LE(8)]).toEqual([0, bits, bits]);
  });

  it('ctx_rlimit_v0 is 28 bytes on i386; set keeps CRLIM_KEEP fields, clamps soft to hard; unsupported ids are EINVAL', async () => {
    await persistent(160);
    const get = async (id: number): Promise<bigint[]> => {
      const r = await call(`--in ${rlimit(id, 0n, 0n, 0n)} --out 28 get_rlimit 160`);
      expect(r).toMatchObject({ ret: 0 });
      const b = r.out ?? Buffer.alloc(28);
      return [BigInt(b.readUInt32LE(0)), b.readBigUInt64LE(4), b.readBigUInt64LE(12), b.readBigUInt64LE(20)];
    };
    expect(await get(NPROC)).toEqual([BigInt(NPROC), 0n, INF, INF]);
    expect(await call(`--in ${rlimit(NPROC, KEEP, 50n, 100n)} set_rlimit 160`)).toMatchObject({ ret: 0 });
    expect(await get(NPROC)).toEqual([BigInt(NPROC), 0n, 50n, 100n]);
    expect(await call(`--in ${rlimit(NPROC, KEEP, KEEP, 20n)} set_rlimit 160`)).toMatchObject({ ret: 0 });
    expect(await get(NPROC)).toEqual([BigInt(NPROC), 0n, 20n, 20n]); // soft clamped to the new hard
    expect(await call(`--in ${rlimit(NPROC, KEEP, INF, INF)} set_rlimit 160`)).toMatchObject({ ret: 0 });
    expect(await get(NPROC)).toEqual([BigInt(NPROC), 0n, INF, INF]);
    for (const id of [0, 24, 0xffffffff]) {
      expect(await call(`--in ${rlimit(id, 0n, 0n, 0n)} --out 28 get_rlimit 160`)).toMatchObject({ ret: -1, name: 'EINVAL' });
      expect(await call(`--in ${rlimit(id, KEEP, 5n, 5n)} set_rlimit 160`)).toMatchObject({ ret: -1, name: 'EINVAL' });
    }
    expect(await call(`--badptr set_rlimit 160`)).toMatchObject({ ret: -1, name: 'EFAULT' });
    expect(await call(`--in ${rlimit(NPROC, 0n, 0n, 0n)} --out 28 get_rlimit 161`)).toMatchObject({ ret: -1, name: 'ESRCH' });
    await release(160);
  });

  it('vlimit sets a limit and lists all of them in columns 10/30/50, inf and N/A as documented', async () => {
    await persistent(162);
    await h.succeed('vlimit --xid 162 --nproc 12 -S --nofile 0x20 -H --nofile 64');
    const all = (await h.succeed('vlimit --xid 162 -a')).stdout.split('\n');
    expect(all).toContain(vlimitRow('NPROC', 'N/A', '0xc', '0xc'));
    expect(all).toContain(vlimitRow('NOFILE', 'N/A', '0x20', '0x40'));
    expect(all).toContain(vlimitRow('AS', 'N/A', 'inf', 'inf'));
    expect(all).toContain(vlimitRow('LOCKS', 'N/A', 'inf', 'inf'));
    // Only what get_rlimit_mask reports, in id order: RSS (5) first, SEMARY (accounted only) not at all.
    expect(all[0]).toBe(vlimitRow('RSS', 'N/A', 'inf', 'inf'));
    expect(all.filter((l) => l !== '').map((l) => l.split(' ')[0])).toEqual([
      'RSS',
      'NPROC',
      'NOFILE',
      'MEMLOCK',
      'AS',
      'LOCKS',
      'MSGQUEUE',
      'NSOCK',
      'OPENFD',
      'ANON',
      'SHMEM',
    ]);
    // -n: the limit's number in place of its name.
    expect((await h.succeed('vlimit --xid 162 -a -n -d')).stdout.split('\n')).toContain(vlimitRow('7', 'N/A', '32', '64'));
    await h.succeed('vlimit --xid 162 -S --nproc inf --nproc inf');
    expect((await h.succeed('vlimit --xid 162 -a')).stdout.split('\n')).toContain(vlimitRow('NPROC', 'N/A', 'inf', 'inf'));
    // --dir: "<res>" sets all three values, "<res>.soft" then the soft one; a limit named on the
    // command line keeps its value over the file's.
    await h.succeed(
      'mkdir -p /tmp/lim162 && echo 7 >/tmp/lim162/nproc && echo 5 >/tmp/lim162/nproc.soft && echo 9 >/tmp/lim162/nofile && vlimit --xid 162 --nofile 33 --dir /tmp/lim162',
    );
    const fromDir = (await h.succeed('vlimit --xid 162 -a -d')).stdout.split('\n');
    expect(fromDir).toContain(vlimitRow('NPROC', 'N/A', '5', '7'));
    expect(fromDir).toContain(vlimitRow('NOFILE', 'N/A', '32', '33'));
    // Bad input: usage or a named kernel error, exit 255.
    for (const bad of ['vlimit', 'vlimit --xid 162 --nproc', 'vlimit --xid 162 --bogus 1', 'vlimit --xid 162 --nproc many', 'vlimit --missingok -a']) {
      expect((await h.guest.shell.run(bad)).exitCode).toBe(255);
    }
    const einval = await h.guest.shell.run('vlimit --xid 162 --semary 100');
    expect(einval).toMatchObject({ exitCode: 255 });
    expect(einval.stderr).toBe('vlimit: set_rlimit(semary): Invalid argument\n');
    expect((await h.guest.shell.run('vlimit --xid 163 --nproc 1')).stderr).toBe('vlimit: set_rlimit(nproc): No such process\n');
    expect((await h.guest.shell.run('vlimit --dir /nonexistent --missingok --xid 162')).exitCode).toBe(0);
    await release(162);
  });

  it('NPROC: tasks up to the limit fork, one more fails with EAGAIN (a hit), though the user rlimit allows it; the host is unaffected', async () => {
    await persistent(164);
    await h.succeed('vlimit --xid 164 --nproc 3');
    // sh is task 1; two sleeps make 3; the third fork is refused and the shell stops there.
    const bg = 'sleep 1000 >/dev/null 2>&1 &';
    const r = await h.guest.shell.run(`vcontext --migrate --xid 164 -- sh -c 'ulimit -u; ${bg} ${bg} ${bg} echo all-forked'`);
    // The per-user rlimit would allow many more.
    const userLimit = r.stdout.trim();
    expect(userLimit === 'unlimited' || Number(userLimit) > 3).toBe(true);
    expect(r.stdout).not.toMatch(/all-forked/);
    expect(r.stderr).toMatch(/fork.*(Resource temporarily unavailable|Try again)/i);
    const limit = (await h.succeed('cat /proc/virtual/164/limit')).stdout;
    // The shell has exited: two sleeps remain; the count peaked at 3; one refusal.
    expect(limitRow(limit, 'PROC')).toEqual([2, 0, 3, 3, 3, 1]);
    expect(limit.split('\n')[0]).toBe('Limit\t current\t     min/max\t\t    soft/hard\t\thits');
    // rlimit_stat: {id, hits, value, minimum, maximum}.
    const st = await call(`--in ${u32(NPROC)}${'00'.repeat(28)} --out 32 rlimit_stat 164`);
    expect(st).toMatchObject({ ret: 0 });
    expect([st.out?.readUInt32LE(0), st.out?.readUInt32LE(4), st.out?.readBigUInt64LE(8), st.out?.readBigUInt64LE(24)]).toEqual([NPROC, 1, 2n, 3n]);
    // The host forks freely meanwhile.
    expect((await h.succeed('for i in 1 2 3 4 5; do /bin/true & done; wait; echo host-ok')).stdout).toBe('host-ok\n');
    // reset_hits and reset_minmax.
    expect(await call(`reset_hits 164`)).toMatchObject({ ret: 0 });
    expect(await call(`reset_minmax 164`)).toMatchObject({ ret: 0 });
    expect(limitRow((await h.succeed('cat /proc/virtual/164/limit')).stdout, 'PROC')).toEqual([2, 2, 2, 3, 3, 0]);
    await release(164);
  });

  it('NOFILE: opens up to the limit work, one more fails with EMFILE (a hit); closing gives the room back', async () => {
    await persistent(165);
    await h.succeed('vlimit --xid 165 --nofile 4');
    // The shell's own executable is file 1; three opens make 4; the fourth open is refused.
    await h.succeed(
      `vcontext --migrate --xid 165 -- sh -c 'exec 3</dev/null 4</dev/null 5</dev/null; true 6</dev/null && echo sixth; echo end; exec 5<&-; true 6</dev/null && echo reopened; exec sleep 1000' >/tmp/nofile.out 2>&1 &`,
    );
    await settleUntil(h.guest.shell, 'grep -q reopened /tmp/nofile.out', { timeoutMs: 5000 });
    const out = (await h.succeed('cat /tmp/nofile.out')).stdout;
    expect(out).toMatch(/Too many open files/);
    expect(out).not.toMatch(/sixth/);
    expect(out).toMatch(/end\n(.|\n)*reopened/);
    // Now: sleep's executable and fds 3 and 4 (5 was closed); the peak was 4; one refusal.
    await settleUntil(h.guest.shell, 'grep -q "^FILES:\t *3\t" /proc/virtual/165/limit', { timeoutMs: 5000 });
    expect(limitRow((await h.succeed('cat /proc/virtual/165/limit')).stdout, 'FILES')).toEqual([3, 0, 4, 4, 4, 1]);
    // The host opens what it likes.
    expect((await h.succeed('exec 3</dev/null 4</dev/null 5</dev/null 6</dev/null 7</dev/null; echo host-ok')).stdout).toBe('host-ok\n');
    await release(165);
    // Every file is uncharged when the context's tasks are gone (the context stays until then).
  });

  it("AS: the pages mapped by the context's processes, summed; a mapping past the limit fails with ENOMEM (a hit); the host is unaffected", async () => {
    await persistent(166);
    const sleepPid = (await h.succeed(`vcontext --migrate --xid 166 -- sh -c 'exec sleep 1000' >/dev/null 2>&1 & echo $!`)).stdout.trim();
    await settleUntil(h.guest.shell, 'grep -q "^Tasks:\t1$" /proc/virtual/166/status', { timeoutMs: 5000 });
    const vmOf = async (): Promise<number[] | undefined> => limitRow((await h.succeed('cat /proc/virtual/166/limit')).stdout, 'VM');
    const sleeping = (await vmOf())?.[0] ?? 0;
    // Only the context itself (or the spectator) may look at its task.
    const status = (await h.succeed(`vcontext --migrate --xid 166 -- cat /proc/${sleepPid}/status`)).stdout;
    const vmSize = Number(/^VmSize:\s+(\d+) kB$/m.exec(status)?.[1]);
    expect(sleeping * 4).toBe(vmSize); // one process: its VmSize, in 4 KiB pages
    await h.succeed('vlimit --xid 166 --as 0x1000');
    const big = await h.guest.shell.run('vcontext --migrate --xid 166 -- dd if=/dev/zero of=/dev/null bs=32M count=1');
    expect(big.exitCode).not.toBe(0);
    expect(big.stderr).toMatch(/out of memory/);
    expect((await h.guest.shell.run('vcontext --migrate --xid 166 -- dd if=/dev/zero of=/dev/null bs=1M count=1')).exitCode).toBe(0);
    expect((await h.guest.shell.run('dd if=/dev/zero of=/dev/null bs=32M count=1')).exitCode).toBe(0);
    const [current = -1, , max = -1, soft, hard, hits = 0] = (await vmOf()) ?? [];
    expect([current, soft, hard]).toEqual([sleeping, 4096, 4096]);
    expect(max).toBeLessThanOrEqual(4096);
    expect(hits).toBeGreaterThanOrEqual(1);
    await release(166);
  });

  it('cacct and sock_stat count the bytes a guest sends over TCP, in the ABI layouts; the host is not counted', async () => {
    await persistent(167);
    await h.succeed(`printf '%777s' x >/tmp/cacct.data && (nc -l -p 4167 >/dev/null 2>&1 &) && ${vpoll("netstat -ltn | grep -q ':4167 '")}`);
    await h.succeed(`vcontext --migrate --xid 167 -- sh -c 'nc 127.0.0.1 4167 </tmp/cacct.data; true'`);
    const cacct = (await h.succeed('cat /proc/virtual/167/cacct')).stdout.split('\n');
    expect(cacct[0]).toBe('Type\t    recv #/bytes\t\t   send #/bytes\t\t    fail #/bytes');
    expect(cacct.slice(1, 7).map((l) => l.split(':')[0])).toEqual(['UNSPEC', 'UNIX', 'INET', 'INET6', 'PACKET', 'OTHER']);
    expect(cacct[3]).toMatch(/^INET:\t {9}0\/0 {9}\t {9}[1-9]\d*\/777 {7}\t {9}0\/0 {9}$/);
    expect(cacct.slice(7, 10)).toEqual(['', 'slab:\t        0        0        0        0', '']);
    expect(cacct[10]).toBe('page[0]:        0        0        0        0\t        0        0        0        0');
    // sock_stat {u32 field; u32 count[3]; u64 total[3]} (40 bytes), field = INET (2).
    const st = await call(`--in 02000000 --out 40 sock_stat 167`);
    expect(st).toMatchObject({ ret: 0 });
    const b = st.out ?? Buffer.alloc(40);
    expect([b.readUInt32LE(0), b.readUInt32LE(4), b.readBigUInt64LE(16), b.readBigUInt64LE(24), b.readBigUInt64LE(32)]).toEqual([2, 0, 0n, 777n, 0n]);
    expect(b.readUInt32LE(8)).toBeGreaterThanOrEqual(1);
    expect(await call(`--in 06000000 --out 40 sock_stat 167`)).toMatchObject({ ret: -1, name: 'EINVAL' });
    expect(await call(`--badptr sock_stat 167`)).toMatchObject({ ret: -1, name: 'EFAULT' });
    await release(167);
  });

  it("cacct counts what a guest sends with sendfile(2) (the socket's sendpage) like any message", async () => {
    await persistent(168);
    // busybox cat copies a file to its stdout with sendfile(2); under nc -e that stdout is the TCP socket.
    await h.succeed(`printf '%5000s' x >/tmp/sendfile.data; vcontext --migrate --xid 168 -- nc -l -p 4168 -e cat /tmp/sendfile.data >/dev/null 2>&1 &`);
    // busybox nc listens dual-stack, so the listener shows in tcp6 (grepping tcp alone always waited the full 200 rounds).
    await settleUntil(h.guest.shell, 'grep -qh ":1048 " /proc/net/tcp /proc/net/tcp6', { timeoutMs: 5000 });
    expect((await h.succeed('nc 127.0.0.1 4168 | wc -c')).stdout.trim()).toBe('5000');
    await settleUntil(h.guest.shell, 'grep -q "^Tasks:\t[1-9]" /proc/virtual/168/status', { timeoutMs: 5000, not: true });
    // busybox nc listens dual-stack: the accepted socket may be INET6 (v4-mapped); add both rows.
    const rows = (await h.succeed('grep "^INET6\\?:" /proc/virtual/168/cacct')).stdout.trim().split('\n');
    expect(rows).toHaveLength(2);
    const send = rows.map((row) => /^INET6?:\t\s*\d+\/\d+\s*\t\s*(\d+)\/(\d+)\s*\t/.exec(row)?.slice(1).map(Number) ?? [0, 0]);
    expect((send[0]?.[0] ?? 0) + (send[1]?.[0] ?? 0)).toBeGreaterThanOrEqual(1);
    expect((send[0]?.[1] ?? 0) + (send[1]?.[1] ?? 0)).toBe(5000);
    await release(168);
  });

  it('NSOCK: sockets up to the limit are made, one more fails with ENFILE (a hit); closing gives them back', async () => {
    await persistent(170);
    await limitCase({ xid: 170, row: 'SOCK', vlimit: '--nsock 3', limit: 3, what: 'socks', args: '', ok: 3, errno: 'ENFILE', peak: 3 });
  });

  it('OPENFD: descriptors up to the limit are opened, one more dup fails with EMFILE (a hit)', async () => {
    await persistent(172);
    // The probe's own descriptors (0, 1, 2) count: measure them first.
    const base = await heldValue(172, 'OFD', 'fds 0');
    expect(base).toBeGreaterThanOrEqual(3);
    await limitCase({ xid: 172, row: 'OFD', vlimit: `--openfd ${base + 3}`, limit: base + 3, what: 'fds', args: '', ok: 3, errno: 'EMFILE', peak: base + 3 });
  });

  it('LOCKS: POSIX locks up to the limit are taken, one more fails with ENOLCK (a hit); the process exit gives them back', async () => {
    await persistent(174);
    await h.succeed('touch /tmp/locks.posix');
    await limitCase({ xid: 174, row: 'LOCKS', vlimit: '--locks 3', limit: 3, what: 'posix', args: '/tmp/locks.posix', ok: 3, errno: 'ENOLCK', peak: 3 });
  });

  it('LOCKS: flock locks count too; converting a held flock at the limit adds nothing and works', async () => {
    await persistent(176);
    await h.succeed('touch /tmp/locks.flock');
    await limitCase({ xid: 176, row: 'LOCKS', vlimit: '--locks 2', limit: 2, what: 'flock', args: '/tmp/locks.flock', ok: 2, errno: 'ENOLCK', peak: 2 });
    await persistent(178);
    await h.succeed('vlimit --xid 178 --locks 1');
    expect(await probe(178, 'flockup 1 /tmp/locks.flock')).toBe('flockup ok=1 done\n');
    expect(await settleRow(178, 'LOCKS', 0)).toEqual([0, 0, 1, 1, 1, 0]);
    await release(178);
  });

  it('MSGQUEUE: the bytes of POSIX message queues; queues up to the limit are made, one more fails with EMFILE (a hit)', async () => {
    await persistent(180);
    // One queue of 4 messages of 64 bytes costs the messages plus the kernel's bookkeeping.
    const one = await heldValue(180, 'MSGQ', 'mq 1 4 64');
    expect(one).toBeGreaterThan(4 * 64);
    await limitCase({
      xid: 180,
      row: 'MSGQ',
      vlimit: `--msgqueue ${3 * one}`,
      limit: 3 * one,
      what: 'mq',
      args: '4 64',
      ok: 3,
      errno: 'EMFILE',
      peak: 3 * one,
    });
  });

  it('SHMEM: the pages of SysV shared memory; segments up to the limit are made, one more fails with ENOMEM (a hit)', async () => {
    await persistent(182);
    await limitCase({ xid: 182, row: 'SHM', vlimit: '--shmem 4', limit: 4, what: 'shm', args: '2', ok: 2, errno: 'ENOMEM', peak: 4 });
  });

  it('MEMLOCK: locked pages up to the limit are locked, one more chunk fails with ENOMEM (a hit)', async () => {
    await persistent(184);
    await limitCase({ xid: 184, row: 'VML', vlimit: '--memlock 4', limit: 4, what: 'mlock', args: '2', ok: 2, errno: 'ENOMEM', peak: 4 });
  });

  it("SEMARY, NSEMS and MAPPED are accounted only: a guest's semaphore arrays, semaphores and file-mapped pages count, and nothing limits them", async () => {
    const SEMARY = 20;
    const NSEMS = 21;
    const MAPPED = 23;
    await persistent(190);
    await h.succeed(`rm -f /tmp/held.out; vcontext --migrate --xid 190 -- limprobe --hold sem 3 4 >/tmp/held.out 2>&1 </dev/null &`);
    await settleUntil(h.guest.shell, 'grep -q held /tmp/held.out', { timeoutMs: 5000 });
    expect((await h.succeed('cat /tmp/held.out')).stdout).toBe('sem ok=3 done\nheld\n');
    // The host's own arrays are not the guest's.
    expect((await h.succeed('limprobe sem 2 5')).stdout).toBe('sem ok=2 done\n');
    const text = (await h.succeed('cat /proc/virtual/190/limit')).stdout;
    expect(limitRow(text, 'SEMA')).toEqual([3, 0, 3, -1, -1, 0]);
    expect(limitRow(text, 'SEMS')).toEqual([12, 0, 12, -1, -1, 0]);
    expect(limitRow(text, 'RMAP')?.[0]).toBeGreaterThan(0);
    // rlimit_stat reads them; get/set_rlimit refuse them (nothing to limit).
    const st = await call(`--in ${u32(NSEMS)}${'00'.repeat(28)} --out 32 rlimit_stat 190`);
    expect(st).toMatchObject({ ret: 0 });
    expect([st.out?.readUInt32LE(4), st.out?.readBigUInt64LE(8), st.out?.readBigUInt64LE(24)]).toEqual([0, 12n, 12n]);
    for (const id of [SEMARY, NSEMS, MAPPED]) {
      expect(await call(`--in ${rlimit(id, KEEP, 5n, 5n)} set_rlimit 190`)).toMatchObject({ ret: -1, name: 'EINVAL' });
    }
    await h.succeed('vkill --xid 190 -s TERM; wait');
    expect((await settleRow(190, 'SEMA', 0))?.[0]).toBe(0);
    expect((await settleRow(190, 'SEMS', 0))?.[0]).toBe(0);
    expect((await settleRow(190, 'RMAP', 0))?.[0]).toBe(0);
    await release(190);
  });

  it("DENTRY is accounted only: the dentries a guest's tasks allocate count until they are killed; a dentry that outlives its context counts for no later one", async () => {
    const dent = async (xid: number): Promise<number> => limitRow((await h.succeed(`cat /proc/virtual/${xid}/limit`)).stdout, 'DENT')?.[0] ?? -1;
    const status = async (): Promise<string> => /#CTotal:\t\d+\n#CActive:\t\d+/.exec((await h.succeed('cat /proc/virtual/status')).stdout)?.[0] ?? '';
    const before = await status();
    await persistent(192);
    const d0 = await dent(192);
    await h.succeed(`vcontext --migrate --xid 192 -- sh -c 'mkdir /tmp/dent192 && cd /tmp/dent192 && for i in $(seq 50); do : >f$i; done'`);
    const d1 = await dent(192);
    expect(d1 - d0).toBeGreaterThanOrEqual(51);
    // The host's dentries are not the guest's.
    await h.succeed('mkdir /tmp/dent-host && cd /tmp/dent-host && for i in $(seq 30); do : >f$i; done');
    expect(await dent(192)).toBe(d1);
    // tmpfs kills a dentry when its file goes: the 51 are given back, whoever removes them.
    await h.succeed('rm -rf /tmp/dent192 /tmp/dent-host');
    expect(await dent(192)).toBeLessThanOrEqual(d1 - 51);
    expect(await call(`--in ${rlimit(22, KEEP, 5n, 5n)} set_rlimit 192`)).toMatchObject({ ret: -1, name: 'EINVAL' });
    // A dentry made in context 192 outlives it; a new context 192 is not charged for it.
    await h.succeed(`vcontext --migrate --xid 192 -- sh -c 'mkdir /tmp/dent192b && : >/tmp/dent192b/kept'`);
    await release(192);
    // The ended context is freed (an RCU grace period later) although its dentries are still cached.
    expect(await pollUntil(h.guest.shell, status, before, 50)).toBe(before);
    await persistent(192);
    const fresh = await dent(192);
    await h.succeed('rm -rf /tmp/dent192b');
    expect(await dent(192)).toBe(fresh);
    await release(192);
  });

  it('ANON: private writable mappings fail with ENOMEM (a hit) once the anonymous pages are past the limit', async () => {
    await persistent(186);
    // The probe's own anonymous pages (stack, data) count: measure them first. They vary by a few pages
    // from run to run (address space randomisation moves the stack within its first page), so the limit
    // sits half a chunk of 16 pages above two chunks' worth: the first two chunks fit, the third is
    // refused whatever the few pages, and the last one granted overshoots the limit by at most its size.
    // mmap asks may_expand_vm() twice before it gives up, so that one refusal counts two hits.
    const base = await heldValue(186, 'ANON', 'anon 0 16');
    expect(base).toBeGreaterThan(0);
    const limit = base + 24;
    await limitCase({
      xid: 186,
      row: 'ANON',
      vlimit: `--anon ${limit}`,
      limit,
      what: 'anon',
      args: '16',
      ok: 2,
      errno: 'ENOMEM',
      peak: [limit + 1, limit + 16],
      hits: 2,
    });
  });
});
