/**
 * The guest's own clock and counts (/proc/virtual/<xid>/cvirt, virt_stat; ABI.md §4.1, §6.2) and the
 * kernel helper (ABI.md §7): reboot(2) inside a guest never touches the machine, it runs
 * /sbin/vshelper on the host with the action, the xid and the documented environment; contexts and
 * network contexts created with SC_HELPER run it for startup/shutdown and netup/netdown.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';
import { settleUntil, vpoll } from '../poll.ts';

const REBOOT = { RESTART: '01234567', HALT: 'cdef0123', POWER_OFF: '4321fedc' };
const LOG = '/run/vshelper.log';

describe('guest clock, task counts and the reboot helper', () => {
  const h = useGuest({ variant: 'vserver' });
  const run = (cmd: string) => h.guest.shell.run(cmd);

  beforeEach(async () => {
    await h.succeed(`rm -f ${LOG}`);
  });

  it('reboot, halt and poweroff in a guest run the helper with ACTION XID and its environment; the machine stays up', async () => {
    const r = await h.succeed(`vcontext --create --silent --xid 150 -- sh -c 'for c in reboot halt poweroff; do $c -f & echo $! $c; wait $!; echo $?; done'`);
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((_, i) => i % 2 === 1)).toEqual(['0', '0', '0']);
    const pids = lines.filter((_, i) => i % 2 === 0).map((l) => l.split(' ')[0]);
    // reboot(2) waits until the helper has started, not for its end (ABI.md §7): the helpers may
    // still be writing when the loop is done, and in any order.
    await settleUntil(h.guest.shell, `test "$(wc -l < ${LOG})" -ge 3`);
    const log = (await h.succeed(`cat ${LOG}`)).stdout.trim().split('\n');
    const env = 'path=/sbin:/usr/sbin:/bin:/usr/bin';
    expect([...log].sort()).toEqual(
      [
        `restart 150 uid=0 pid=${pids[0]} cmd=${REBOOT.RESTART} ${env}`,
        `halt 150 uid=0 pid=${pids[1]} cmd=${REBOOT.HALT} ${env}`,
        `poweroff 150 uid=0 pid=${pids[2]} cmd=${REBOOT.POWER_OFF} ${env}`,
      ].sort(),
    );
    // Still the same machine: the console answers.
    expect((await h.succeed('echo alive')).stdout).toBe('alive\n');
  });

  it('a guest task without CAP_SYS_BOOT cannot reboot at all, and no helper runs', async () => {
    const r = await run(`vcontext --create --silent --xid 151 -- setpriv --reuid=1000 --regid=1000 --clear-groups reboot -f`);
    expect(r.exitCode).not.toBe(0);
    expect((await run(`cat ${LOG}`)).exitCode).not.toBe(0);
  });

  it('a helper that cannot be started makes reboot fail with EPERM, and nothing else happens', async () => {
    await h.succeed('echo /nonexistent/vshelper > /proc/sys/kernel/vshelper');
    try {
      const r = await run(`vcontext --create --silent --xid 152 -- sh -c 'reboot -f'`);
      expect(r.exitCode).not.toBe(0);
      expect(r.stderr).toMatch(/Operation not permitted/);
    } finally {
      await h.succeed('echo /sbin/vshelper > /proc/sys/kernel/vshelper');
    }
    expect((await h.succeed('cat /proc/sys/kernel/vshelper')).stdout).toBe('/sbin/vshelper\n');
  });

  it('a guest cannot change the helper path', async () => {
    const r = await run(`vcontext --create --silent --xid 153 -- sh -c 'echo /tmp/evil > /proc/sys/kernel/vshelper'`);
    expect(r.exitCode).not.toBe(0);
    expect((await h.succeed('cat /proc/sys/kernel/vshelper')).stdout).toBe('/sbin/vshelper\n');
  });

  it('with REBOOT_KILL a guest reboot ends every task of the context, and wait_exit reports the reboot cmd', async () => {
    await h.succeed(`vcontext --create --silent --xid 154 -- sh -c 'sleep 1000 >/dev/null 2>&1 &'`);
    await h.succeed('vattribute --xid 154 --set --flag reboot_kill');
    expect((await h.succeed('grep ^Tasks: /proc/virtual/154/status')).stdout).toBe('Tasks:\t1\n');
    await h.succeed(`vsyscall --out 8 wait_exit 154 >/tmp/w154 & echo $! >/tmp/w154.pid`);
    await run(`vcontext --migrate --xid 154 -- sh -c 'reboot -f; sleep 5'`);
    // The waiter returns once the context is gone; poll for it with a deadline.
    await settleUntil(h.guest.shell, 'kill -0 $(cat /tmp/w154.pid) 2>/dev/null', { timeoutMs: 5000, not: true });
    const out = (await h.succeed('cat /tmp/w154')).stdout;
    expect(out).toMatch(/^ret=0 errno=0 OK\n/);
    const data = Buffer.from(/^out=([0-9a-f]+)$/m.exec(out)?.[1] ?? '', 'hex');
    expect(data.readUInt32LE(0).toString(16).padStart(8, '0')).toBe(REBOOT.RESTART);
    expect((await run('test -d /proc/virtual/154')).exitCode).not.toBe(0);
    expect((await h.succeed(`cat ${LOG}`)).stdout).toMatch(/^restart 154 /);
  });

  it('cvirt and virt_stat count the tasks and forks of the context and its creation time', async () => {
    await h.succeed(`vcontext --create --silent --xid 155 -- sh -c '/bin/true; /bin/true; /bin/true; exec sleep 1000' >/dev/null 2>&1 &`);
    await settleUntil(h.guest.shell, 'grep -q "^total_forks:\t3$" /proc/virtual/155/cvirt 2>/dev/null', { timeoutMs: 5000 });
    const cvirt = (await h.succeed('cat /proc/virtual/155/cvirt')).stdout;
    expect(cvirt).toMatch(
      /^BiasUptime:\t\d+\.\d\d\nnr_threads:\t1\nnr_running:\t0\nnr_unintr:\t0\nnr_onhold:\t0\nload_updates:\t\d+\nloadavg:\t0\.00 0\.00 0\.00\ntotal_forks:\t3\n$/,
    );
    const r = await h.succeed('vsyscall --out 48 virt_stat 155');
    expect(r.stdout).toMatch(/^ret=0 errno=0 OK\n/);
    const vs = Buffer.from(/^out=([0-9a-f]+)$/m.exec(r.stdout)?.[1] ?? '', 'hex');
    expect(vs).toHaveLength(48);
    const offsetNs = vs.readBigUInt64LE(0);
    const bias = Number(/^BiasUptime:\t(\d+\.\d\d)$/m.exec(cvirt)?.[1]);
    expect(Math.floor(Number(offsetNs) / 1e7) / 100).toBe(bias); // same clock, ns vs centiseconds
    expect(vs.readBigUInt64LE(8)).toBeGreaterThan(0n); // uptime since creation
    expect([4, 5, 6, 7, 8].map((i) => vs.readUInt32LE(16 + 4 * (i - 4)))).toEqual([1, 0, 0, 0, 3]);
    expect([0, 1, 2].map((i) => vs.readUInt32LE(36 + 4 * i))).toEqual([0, 0, 0]);
    // A missing context is ESRCH; a bad pointer EFAULT.
    expect((await h.succeed('vsyscall --out 48 virt_stat 156')).stdout).toBe('ret=-1 errno=3 ESRCH\nout=' + '00'.repeat(48) + '\n');
    expect((await h.succeed('vsyscall --badptr virt_stat 155')).stdout).toBe('ret=-1 errno=14 EFAULT\n');
    await h.succeed('vkill --xid 155');
  });

  it('vwait reports how a context ended: FINISHED with the last status, REBOOT with the action, TIMEOUT', async () => {
    // Exit status of the last task.
    await h.succeed(`vsyscall --in 0000000047000000 ctx_create 158 >/dev/null`);
    await h.succeed(`vwait 158 >/tmp/vw158 2>&1 & echo $! >/tmp/vw158.pid`);
    await h.succeed(`vcontext --migrate --xid 158 -- sh -c 'while [ ! -e /tmp/go158 ]; do usleep 20000; done; exit 7' >/dev/null 2>&1 &`);
    // The task must be inside before persistence goes, or the empty context ends at once.
    await settleUntil(h.guest.shell, 'grep -q "^Tasks:\t1$" /proc/virtual/158/status', { timeoutMs: 5000 });
    await h.succeed('vsyscall --in 00000000000000000000000040000000 set_cflags 158 >/dev/null; touch /tmp/go158');
    await settleUntil(h.guest.shell, 'kill -0 $(cat /tmp/vw158.pid) 2>/dev/null', { timeoutMs: 5000, not: true });
    expect((await h.succeed('cat /tmp/vw158')).stdout).toBe('FINISHED 7\n');
    // A guest reboot with REBOOT_KILL.
    await h.succeed(`vcontext --create --silent --xid 159 -- sh -c 'sleep 1000 >/dev/null 2>&1 &'`);
    await h.succeed('vattribute --xid 159 --set --flag reboot_kill');
    await h.succeed(`vwait 159 >/tmp/vw159 2>&1 & echo $! >/tmp/vw159.pid`);
    await run(`vcontext --migrate --xid 159 -- halt -f`);
    await settleUntil(h.guest.shell, 'kill -0 $(cat /tmp/vw159.pid) 2>/dev/null', { timeoutMs: 5000, not: true });
    expect((await h.succeed('cat /tmp/vw159')).stdout).toBe('REBOOT halt\n');
    // Nothing happens within the timeout.
    await h.succeed(`vcontext --create --silent --xid 160 -- sh -c 'sleep 1000 >/dev/null 2>&1 &'`);
    expect(await run('vwait --timeout 1 160')).toMatchObject({ exitCode: 2, stdout: 'TIMEOUT\n' }); // util-vserver's exit status for a timeout
    await h.succeed('vkill --xid 160');
    // Bad input.
    expect(await run('vwait 161')).toMatchObject({ exitCode: 255, stderr: 'vwait: wait_exit: No such process\n' });
    for (const bad of ['vwait', 'vwait --timeout 0 2', 'vwait x', 'vwait 2 3']) expect((await run(bad)).exitCode).toBe(255);
  });

  it("VIRT_LOAD: the guest's /proc/loadavg shows its own task counts and a load that rises with its busy task; without the flag, the host's", async () => {
    await h.succeed(`vcontext --create --silent --xid 170 -- sh -c 'while :; do :; done >/dev/null 2>&1 &'`);
    await h.succeed('vattribute --xid 170 --set --flag virt_load');
    const fields = (line: string): string[] => line.trim().split(' ');
    // The busy loop and the reading cat: both running, 2 tasks.
    expect(fields((await h.succeed('vcontext --migrate --xid 170 -- cat /proc/loadavg')).stdout)[3]).toBe('2/2');
    // The load follows once a 5-second interval has passed (poll, deadline 30 s).
    const loadavg = 'vcontext --migrate --xid 170 -- cat /proc/loadavg';
    const poll = await h.guest.shell.succeed(`${vpoll(`${loadavg} | grep -qv '^0\\.00'`, { timeoutMs: 30_000, intervalMs: 100 })}; ${loadavg}`, {
      timeoutMs: 60_000,
    });
    const [one, five, fifteen] = fields(poll.stdout).map(Number);
    expect(one).toBeGreaterThan(0);
    expect(one).toBeGreaterThanOrEqual(five ?? Infinity);
    expect(five).toBeGreaterThanOrEqual(fifteen ?? Infinity);
    const cvirt = (await h.succeed('cat /proc/virtual/170/cvirt')).stdout;
    expect(Number(/^load_updates:\t(\d+)$/m.exec(cvirt)?.[1])).toBeGreaterThanOrEqual(1);
    expect(/^loadavg:\t(\d+\.\d\d) /m.exec(cvirt)?.[1]).not.toBe('0.00');
    // Without the flag a guest reads the host's numbers: every task of the machine.
    const host =
      fields((await h.succeed('cat /proc/loadavg')).stdout)[3]
        ?.split('/')
        .map(Number) ?? [];
    const plain =
      fields((await h.succeed('vcontext --create --silent --xid 171 -- cat /proc/loadavg')).stdout)[3]
        ?.split('/')
        .map(Number) ?? [];
    expect(host[1]).toBeGreaterThan(10);
    expect(plain[1]).toBeGreaterThan(10);
    await h.succeed('vkill --xid 170');
  });

  it("VIRT_MEM: with an RSS limit the guest's /proc/meminfo and sysinfo(2) show that limit as its memory; without the flag, the machine's", async () => {
    const kb = (meminfo: string, key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(meminfo)?.[1]);
    const host = (await h.succeed('cat /proc/meminfo')).stdout;
    await h.succeed(`vsyscall --in 0000000047000000 ctx_create 172 >/dev/null && vlimit --xid 172 --rss 0x2000`);
    const plain = (await h.succeed('vcontext --migrate --xid 172 -- cat /proc/meminfo')).stdout;
    expect(kb(plain, 'MemTotal')).toBe(kb(host, 'MemTotal'));
    await h.succeed('vattribute --xid 172 --set --flag virt_mem');
    const guest = (await h.succeed('vcontext --migrate --xid 172 -- cat /proc/meminfo')).stdout;
    expect(kb(guest, 'MemTotal')).toBe(0x2000 * 4);
    expect(kb(guest, 'MemFree')).toBeGreaterThan(0);
    expect(kb(guest, 'MemFree')).toBeLessThan(0x2000 * 4);
    expect(kb(guest, 'MemAvailable')).toBeLessThanOrEqual(kb(guest, 'MemFree'));
    // busybox free reads sysinfo(2): the same total.
    const free = (await h.succeed('vcontext --migrate --xid 172 -- free -k')).stdout;
    expect(/^Mem:\s+(\d+)/m.exec(free)?.[1]).toBe(String(0x2000 * 4));
    // The RSS row counts what the guest's processes keep resident.
    const rss = /^RSS:\t\s*(\d+)\t/m.exec((await h.succeed('cat /proc/virtual/172/limit')).stdout)?.[1];
    expect(rss).toBe('0'); // nothing runs in it now
    await h.succeed('vsyscall --in 00000000000000000000000040000000 set_cflags 172 >/dev/null');
  });

  const env = 'path=/sbin:/usr/sbin:/bin:/usr/bin';
  /** Waits until the helper log has LINES lines; returns them. */
  const logLines = async (lines: number): Promise<string[]> => {
    await settleUntil(h.guest.shell, `[ "$(cat ${LOG} 2>/dev/null | wc -l)" -ge ${lines} ]`, { timeoutMs: 5000 });
    return (await run(`cat ${LOG}`)).stdout
      .trim()
      .split('\n')
      .filter((l) => l !== '');
  };

  it('SC_HELPER: ctx_create runs "startup XID" and waits for it; the context\'s end runs "shutdown XID"', async () => {
    // ctx_create v1 with STATE_SETUP|STATE_ADMIN|STATE_INIT|SC_HELPER moves vsyscall in; its exit ends the context.
    expect((await h.succeed('vsyscall --in 0000000017000000 ctx_create 190')).stdout).toBe('ret=190 errno=0 OK\n');
    expect(await logLines(2)).toEqual([`startup 190 uid= pid= cmd=00000001 ${env}`, `shutdown 190 uid= pid= cmd=00000002 ${env}`]);
    expect((await run('cat /proc/virtual/190/status')).exitCode).not.toBe(0);
    // Without the flag: no helper.
    await h.succeed(`rm -f ${LOG}; vsyscall --in 0000000007000000 ctx_create 191 >/dev/null`);
    expect((await run(`cat ${LOG}`)).exitCode).not.toBe(0);
    // A persistent context runs shutdown only once persistence is cleared.
    expect((await h.succeed('vsyscall --in 0000000057000000 ctx_create 192')).stdout).toBe('ret=192 errno=0 OK\n');
    expect(await logLines(1)).toEqual([`startup 192 uid= pid= cmd=00000001 ${env}`]);
    await h.succeed('vsyscall --in 00000000000000000000000040000000 set_cflags 192 >/dev/null');
    expect(await logLines(2)).toEqual([`startup 192 uid= pid= cmd=00000001 ${env}`, `shutdown 192 uid= pid= cmd=00000002 ${env}`]);
  });

  it('SC_HELPER: a startup or netup helper that fails makes the create fail with ENOEXEC and nothing is created', async () => {
    await h.succeed('echo /bin/false > /proc/sys/kernel/vshelper');
    try {
      expect((await h.succeed('vsyscall --in 0000000017000000 ctx_create 193')).stdout).toBe('ret=-1 errno=8 ENOEXEC\n');
      expect((await run('cat /proc/virtual/193/status')).exitCode).not.toBe(0);
      expect((await h.succeed('vsyscall --in 0000000014000000 net_create 7193')).stdout).toBe('ret=-1 errno=8 ENOEXEC\n');
      expect((await run('cat /proc/virtual/7193/status')).exitCode).not.toBe(0);
      // Without SC_HELPER the helper is not asked.
      expect((await h.succeed('vsyscall --in 0000000007000000 ctx_create 194')).stdout).toBe('ret=194 errno=0 OK\n');
    } finally {
      await h.succeed('echo /sbin/vshelper > /proc/sys/kernel/vshelper');
    }
    // A helper that cannot be started at all counts as a failure too.
    await h.succeed('echo /nonexistent/vshelper > /proc/sys/kernel/vshelper');
    try {
      expect((await h.succeed('vsyscall --in 0000000017000000 ctx_create 195')).stdout).toBe('ret=-1 errno=8 ENOEXEC\n');
    } finally {
      await h.succeed('echo /sbin/vshelper > /proc/sys/kernel/vshelper');
    }
    expect((await run('cat /proc/virtual/195/status')).exitCode).not.toBe(0);
  });

  it('NXF_SC_HELPER: net_create runs "netup NID", the network context\'s end runs "netdown NID"', async () => {
    // net_create v1 with STATE_ADMIN|SC_HELPER moves vsyscall in; its exit ends the network context.
    expect((await h.succeed('vsyscall --in 0000000014000000 net_create 7190')).stdout).toBe('ret=7190 errno=0 OK\n');
    expect(await logLines(2)).toEqual([`netup 7190 uid= pid= cmd=00000003 ${env}`, `netdown 7190 uid= pid= cmd=00000004 ${env}`]);
    expect((await run('cat /proc/virtnet/7190/status')).exitCode).not.toBe(0);
  });
});
