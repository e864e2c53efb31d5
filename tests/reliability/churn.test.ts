/**
 * Contexts under load (on the lock-debugging kernel — lockdep, atomic-sleep, list and RCU checking
 * — with VSLAB_LOCK_DEBUG=1, tests/kernels.ts): contexts created, entered and emptied from
 * parallel shells leak nothing — the counters of /proc/virtual/status return to their baseline,
 * and so does every per-context limit counter after parallel shells ran into the limits — and
 * random garbage to every context command, to the inode attribute commands and to the tag mount
 * options returns an errno. The fixture fails the test on any kernel splat.
 */
import { describe, expect, it } from 'vitest';
import type { Shell } from '../../harness/console/shell.ts';
import { useGuest } from '../fixtures.ts';
import { lockDebugVariant } from '../kernels.ts';
import { pollUntil, settleUntil } from '../poll.ts';

const COUNTERS = /#CTotal:\t(\d+)\n#CActive:\t(\d+)/;

async function counters(shell: Shell): Promise<string> {
  const m = COUNTERS.exec((await shell.succeed('cat /proc/virtual/status')).stdout);
  if (m === null) throw new Error('no counters in /proc/virtual/status');
  return `${m[1]}/${m[2]}`;
}

/** The counters once they read `want` (contexts are freed after an RCU grace period), or as they stay. */
const settle = (shell: Shell, want: string): Promise<string> => pollUntil(shell, () => counters(shell), want, 50);

describe(`context churn on ${lockDebugVariant()}`, () => {
  const h = useGuest({ variant: lockDebugVariant() });

  it('1,000 contexts created, entered and emptied by 4 parallel shells leave the counters at their baseline', async () => {
    const base = await counters(h.guest.shell);
    const loop = (first: number): string =>
      `( i=0; while [ $i -lt 250 ]; do vcontext --create --silent --xid $((${first} + i)) -- sh -c 'echo $$ >/dev/null' || exit 1; i=$((i + 1)); done )`;
    const r = await h.guest.shell.run(
      `${loop(10000)} & ${loop(20000)} & ${loop(30000)} & ${loop(40000)} & fail=0; for j in 1 2 3 4; do wait -n 2>/dev/null || wait; done; wait; echo done`,
      { timeoutMs: 600_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('done\n');
    expect(await settle(h.guest.shell, base)).toBe(base);
  });

  it('garbage to every context command, with good, bad and null pointers, returns an errno', async () => {
    const cmds = [
      'ctx_create_v0',
      'ctx_create',
      'ctx_migrate_v0',
      'ctx_migrate',
      'vx_info',
      'ctx_stat',
      'get_cflags',
      'set_cflags',
      'get_ccaps',
      'set_ccaps',
      'get_bcaps',
      'set_bcaps',
      'set_vhi_name',
      'get_vhi_name',
      'ctx_kill',
      'wait_exit',
      'virt_stat',
      'get_rlimit',
      'set_rlimit',
      'get_rlimit_mask',
      'reset_hits',
      'reset_minmax',
      'rlimit_stat',
      'sock_stat',
    ];
    const ids = ['0', '1', '2', '65535', '65536', '-1', '-2', '0x7fffffff'];
    const script = `for c in ${cmds.join(' ')}; do for id in ${ids.join(' ')}; do
      for how in --badptr --null '--in ffffffffffffffffffffffffffffffff --out 16'; do vsyscall $how $c $id || echo "vsyscall failed: $c $id"; done
    done; done | grep -v '^ret=\\|^out=' || true`;
    const r = await h.guest.shell.run(script, { timeoutMs: 600_000 });
    expect(r.stdout).toBe('');
    expect(await settle(h.guest.shell, '0/0')).toBe('0/0');
  });

  it('limits hit from 3 parallel shells (forks, opens, mappings) give every charge back once the tasks are gone', async () => {
    // A persistent context with small limits; every shell keeps running into all three.
    await h.guest.shell.succeed('vsyscall --in 0000000047000000 ctx_create 500 >/dev/null && vlimit --xid 500 --nproc 6 --nofile 12 --as 0x2000');
    // Each round forks, opens files, maps past AS (dd's 64 MiB buffer) and then makes sockets (each a
    // file) until NOFILE refuses one: FILES and VM are hit without relying on the three shells
    // overlapping in time.
    const hammer = `( i=0; while [ $i -lt 40 ]; do vcontext --migrate --xid 500 -- sh -c '/bin/true & /bin/true & exec 3</dev/null 4</dev/null 5</dev/null; dd if=/dev/zero of=/dev/null bs=64M count=1; limprobe socks 16; wait' >/dev/null 2>&1; i=$((i + 1)); done )`;
    const r = await h.guest.shell.run(`${hammer} & ${hammer} & ${hammer} & wait; echo done`, { timeoutMs: 600_000 });
    expect(r.stdout).toBe('done\n');
    const row = async (name: string): Promise<number[]> => {
      const out = (await h.guest.shell.succeed('cat /proc/virtual/500/limit')).stdout;
      const m = new RegExp(`^${name}:\\t\\s*(-?\\d+)\\t\\s*(-?\\d+)/\\s*(-?\\d+)\\t\\s*(-?\\d+)/\\s*(-?\\d+)\\t\\s*(\\d+)$`, 'm').exec(out);
      return m?.slice(1).map(Number) ?? [];
    };
    // Every limit was hit. Files never pass theirs (the charge is atomic). Tasks may: a migration
    // is not refused (the host decides who enters), and a fork checked just before a migration
    // lands may then pass too, so at most 3 migrating shells plus one fork in flight each.
    const [, , procMax = 99, , , procHits = 0] = await row('PROC');
    const [, , filesMax = 99, , , filesHits = 0] = await row('FILES');
    const [, , , , , vmHits = 0] = await row('VM');
    expect(procHits).toBeGreaterThan(0);
    expect(filesHits).toBeGreaterThan(0);
    expect(vmHits).toBeGreaterThan(0);
    expect(procMax).toBeLessThanOrEqual(6 + 3 + 3);
    expect(filesMax).toBeLessThanOrEqual(12);
    // Tasks gone: nothing stays charged (files are freed by task work, so poll briefly).
    await settleUntil(h.guest.shell, 'grep -q "^FILES:\t *0\t" /proc/virtual/500/limit');
    expect((await row('PROC'))[0]).toBe(0);
    expect((await row('FILES'))[0]).toBe(0);
    expect((await row('VM'))[0]).toBe(0);
    await h.guest.shell.succeed('vsyscall --in 00000000000000000000000040000000 set_cflags 500 >/dev/null');
    expect(await settle(h.guest.shell, '0/0')).toBe('0/0');
  });

  it('the object limits (sockets, descriptors, locks, queues, segments, locked and anonymous pages) hit from 3 parallel shells give every charge back', async () => {
    await h.guest.shell.succeed(
      'vsyscall --in 0000000047000000 ctx_create 501 >/dev/null && vlimit --xid 501 --nsock 4 --openfd 24 --locks 4 --msgqueue 1000 --shmem 6 --memlock 6 --anon 100',
    );
    const probes = ['socks 6', 'fds 8', 'posix 6 /tmp/churn.lk.$$', 'flock 6 /tmp/churn.fl', 'mq 6 4 64', 'shm 6 2', 'mlock 6 2', 'anon 6 16']
      .map((p) => `limprobe ${p}`)
      .join('; ');
    const hammer = `( i=0; while [ $i -lt 40 ]; do vcontext --migrate --xid 501 -- sh -c '${probes}; rm -f /tmp/churn.lk.$$' >/dev/null 2>&1; i=$((i + 1)); done )`;
    const r = await h.guest.shell.run(`${hammer} & ${hammer} & ${hammer} & wait; echo done`, { timeoutMs: 900_000 });
    expect(r.stdout).toBe('done\n');
    const rows = ['SOCK', 'OFD', 'LOCKS', 'MSGQ', 'SHM', 'VML', 'ANON'];
    const table = async (): Promise<Map<string, number[]>> => {
      const out = (await h.guest.shell.succeed('cat /proc/virtual/501/limit')).stdout;
      const m = new Map<string, number[]>();
      for (const name of rows) {
        const row = new RegExp(`^${name}:\\t\\s*(-?\\d+)\\t\\s*(-?\\d+)/\\s*(-?\\d+)\\t\\s*(-?\\d+)/\\s*(-?\\d+)\\t\\s*(\\d+)$`, 'm').exec(out);
        m.set(name, row?.slice(1).map(Number) ?? []);
      }
      return m;
    };
    // Tasks gone: every counter is back at 0 (files and queues go by task work: poll briefly).
    await settleUntil(h.guest.shell, 'grep -q "^SOCK:\t *0\t" /proc/virtual/501/limit');
    const t = await table();
    expect(rows.map((name) => [name, t.get(name)?.[0]])).toEqual(rows.map((name) => [name, 0]));
    // Every limit was hit; the atomically charged ones never passed theirs.
    for (const name of rows) expect([name, (t.get(name)?.[5] ?? 0) > 0]).toEqual([name, true]);
    expect(t.get('SOCK')?.[2]).toBeLessThanOrEqual(4);
    expect(t.get('MSGQ')?.[2]).toBeLessThanOrEqual(1000);
    expect(t.get('SHM')?.[2]).toBeLessThanOrEqual(6);
    await h.guest.shell.succeed('vsyscall --in 00000000000000000000000040000000 set_cflags 501 >/dev/null; rm -f /tmp/churn.fl');
    expect(await settle(h.guest.shell, '0/0')).toBe('0/0');
  });

  it('garbage to the inode attribute commands and the tag mount options returns an errno', async () => {
    // get/set_iattr, fget/fset_iattr, task_tag, tag_migrate; fd 3 is a tmpfs file, a directory or a /proc entry.
    const cmds = ['get_iattr', 'set_iattr', 'fget_iattr', 'fset_iattr', 'task_tag', 'tag_migrate'];
    const ids = ['0', '1', '3', '65535', '-1', '0x7fffffff'];
    const ins = [
      '--badptr',
      '--null',
      "'--in ffffffffffffffffffffffffffffffff --out 16'",
      "'--in 00000000000000000000000000000000 --out 16'",
      "'--in 0100000000000000ffffffffffffffff --out 16'",
    ];
    const script = `mkdir -p /tmp/garbage/d && echo x >/tmp/garbage/f && for target in /tmp/garbage/f /tmp/garbage/d /proc/uptime; do
      for c in ${cmds.join(' ')}; do for id in ${ids.join(' ')}; do for how in ${ins.join(' ')}; do
        vsyscall $how $c $id 3<$target || echo "vsyscall failed: $c $id"
      done; done; done; done | grep -v '^ret=\\|^out=' || true`;
    const r = await h.guest.shell.run(script, { timeoutMs: 600_000 });
    expect(r.stdout).toBe('');
    // The attributes are unchanged: no garbage call got through.
    expect((await h.guest.shell.succeed('showattr -d /tmp/garbage/f /tmp/garbage/d /proc/uptime')).stdout).toBe(
      '-----uic-  /tmp/garbage/f\n----bui--  /tmp/garbage/d\nAWh------  /proc/uptime\n',
    );
    const opts = [
      'tag,tag',
      'tag,notag',
      'notag,tag',
      'tagid=0',
      'tagid=0x10,tagxid',
      'tagid=65535',
      'tagid=65536',
      'tagid=',
      'tagid=x',
      'notagcheck',
      ',,tag,,',
      'tag,size=1m,notagcheck',
    ];
    const mounts = opts
      .map(
        (o) =>
          `mount -t tmpfs -o '${o}' tmpfs /tmp/garbage/m 2>/dev/null && { mount -o 'remount,${o}' /tmp/garbage/m 2>/dev/null; touch /tmp/garbage/m/f; umount /tmp/garbage/m; }`,
      )
      .join('; ');
    await h.guest.shell.run(`mkdir -p /tmp/garbage/m; ${mounts}; true`);
    expect((await h.guest.shell.run('grep -c /tmp/garbage/m /proc/mounts')).stdout.trim()).toBe('0');
    await h.guest.shell.succeed('rm -rf /tmp/garbage');
  });

  it('copy-on-write link breaking from parallel guests leaves every guest its own copy and the original intact', async () => {
    // 4 guests x 10 names of one unified COW file, written at once: each write breaks one link.
    const setup =
      'mkdir -p /tmp/cowchurn && cd /tmp/cowchurn && echo original >master && for g in 1 2 3 4; do mkdir d$g; for i in 0 1 2 3 4 5 6 7 8 9; do ln master d$g/f$i; done; done && setattr --iunlink --cow master';
    await h.guest.shell.succeed(setup);
    const writer = (g: number): string =>
      `vcontext --create --silent --endsetup --xid ${2400 + g} -- sh -c 'for i in 0 1 2 3 4 5 6 7 8 9; do echo ${g} >>/tmp/cowchurn/d${g}/f$i || exit 1; done' &`;
    await h.guest.shell.succeed(`${[1, 2, 3, 4].map(writer).join(' ')} wait`);
    const r = await h.guest.shell.succeed('cd /tmp/cowchurn && stat -c %h master && cat master && cat d1/f0 d4/f9 && ls -a d2 | grep -c vx-cow; true');
    expect(r.stdout).toBe('1\noriginal\noriginal\n1\noriginal\n4\n0\n');
    await h.guest.shell.succeed('setattr --~iunlink /tmp/cowchurn/master && rm -rf /tmp/cowchurn');
  });
});
