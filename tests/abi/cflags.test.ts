/**
 * Context flags (ABI §5.1): every flag set_cflags accepts does what it says, or set_cflags refuses
 * it with EINVAL (issue #17). The legacy 2.4-era flags nothing in this kernel would honour are
 * refused; PROLIFIC, FORK_RSS and IGNEG_NICE are shown working, each beside the same action without
 * the flag; util-vserver's own flag sets still go through.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';
import { u64, vc } from './helpers.ts';

const CMD = { ctx_create: '0x09010001', set_cflags: '0x34020000', get_cflags: '0x34010000' };
const INIT_SET = 7n << 32n;
const PERSISTENT = 1n << 38n;
const VXF = {
  INFO_LOCK: 0x1n,
  INFO_SCHED: 0x2n,
  INFO_NPROC: 0x4n,
  INFO_PRIVATE: 0x8n,
  INFO_INIT: 0x10n,
  INFO_HIDE: 0x20n,
  INFO_ULIMIT: 0x40n,
  INFO_NSPACE: 0x80n,
  VIRT_MEM: 0x10000n,
  VIRT_UPTIME: 0x20000n,
  VIRT_CPU: 0x40000n,
  VIRT_LOAD: 0x80000n,
  VIRT_TIME: 0x100000n,
  HIDE_MOUNT: 0x1000000n,
  HIDE_NETIF: 0x2000000n,
  HIDE_VINFO: 0x4000000n,
  SC_HELPER: 1n << 36n,
  REBOOT_KILL: 1n << 37n,
  FORK_RSS: 1n << 48n,
  PROLIFIC: 1n << 49n,
  IGNEG_NICE: 1n << 52n,
};

describe('context flags (ABI §5.1): enforced, or refused by set_cflags', () => {
  const h = useGuest({ variant: 'vserver' });
  const call = (args: string) => vc(h.guest.shell, args);
  const sh = (cmd: string) => h.guest.shell.succeed(cmd);
  const made: number[] = [];
  const persistent = async (xid: number, flags = 0n): Promise<void> => {
    expect(await call(`--in ${u64(INIT_SET | PERSISTENT | flags)} ${CMD.ctx_create} ${xid}`)).toMatchObject({ ret: xid });
    made.push(xid);
  };
  const setFlags = (xid: number, value: bigint, mask: bigint) => call(`--in ${u64(value)}${u64(mask)} ${CMD.set_cflags} ${xid}`);
  const flagsOf = async (xid: number): Promise<bigint> => (await call(`--out 16 ${CMD.get_cflags} ${xid}`)).out?.readBigUInt64LE(0) ?? -1n;

  afterAll(async () => {
    for (const xid of made) await sh(`vkill --xid ${xid} >/dev/null 2>&1; vsyscall --in ${u64(0n)}${u64(PERSISTENT)} ${CMD.set_cflags} ${xid} >/dev/null`).catch(() => undefined);
  });

  it('INFO_NPROC, INFO_HIDE, INFO_ULIMIT, INFO_NSPACE, VIRT_CPU and VIRT_TIME are EINVAL in set_cflags and ctx_create, and change nothing', async () => {
    await persistent(1801);
    const before = await flagsOf(1801);
    for (const bit of [VXF.INFO_NPROC, VXF.INFO_HIDE, VXF.INFO_ULIMIT, VXF.INFO_NSPACE, VXF.VIRT_CPU, VXF.VIRT_TIME]) {
      expect(await setFlags(1801, bit, bit)).toMatchObject({ ret: -1, name: 'EINVAL' });
      expect(await call(`--in ${u64(INIT_SET | bit)} ${CMD.ctx_create} 1802`)).toMatchObject({ ret: -1, name: 'EINVAL' });
    }
    expect(await flagsOf(1801)).toBe(before);
    // The tools name the refusal (chcontext --flag nproc and ulimit meet the same answer).
    const r = await h.guest.shell.run('vattribute --xid 1801 --set --flag ulimit');
    expect(r).toMatchObject({ exitCode: 255, stderr: 'vattribute: set_cflags: Invalid argument\n' });
  });

  it("every other flag is accepted, util-vserver's sets among them (secure = hide_netif, default = virt_uptime, lock, sched, the lifecycle bits)", async () => {
    const ok = [VXF.INFO_LOCK, VXF.INFO_SCHED, VXF.INFO_PRIVATE, VXF.INFO_INIT, VXF.VIRT_MEM, VXF.VIRT_UPTIME, VXF.VIRT_LOAD, VXF.HIDE_MOUNT, VXF.HIDE_NETIF, VXF.HIDE_VINFO, VXF.SC_HELPER, VXF.REBOOT_KILL, VXF.FORK_RSS, VXF.PROLIFIC, VXF.IGNEG_NICE];
    const all = ok.reduce((a, b) => a | b, 0n);
    expect(await setFlags(1801, all, all)).toMatchObject({ ret: 0 });
    expect((await flagsOf(1801)) & all).toBe(all);
    expect(await setFlags(1801, 0n, all)).toMatchObject({ ret: 0 });
    // Clearing a refused bit (value 0 under the mask) is no error: it is not set.
    expect(await setFlags(1801, 0n, VXF.INFO_NPROC | VXF.VIRT_CPU)).toMatchObject({ ret: 0 });
    expect((await h.guest.shell.run('vattribute --xid 1801 --set --flag secure,default,lock,sched')).exitCode).toBe(0);
    // chcontext's words lock and sched, in a guest's own chain.
    const chain = await h.guest.shell.run("chcontext --silent --xid 1803 --secure --flag lock,sched -- sh -c 'grep -c . /proc/self/status >/dev/null && echo in'");
    expect(chain).toMatchObject({ exitCode: 0, stdout: 'in\n' });
  });

  it('PROLIFIC: a context forks past its NPROC limit with the flag; without it the same fork is EAGAIN', async () => {
    await persistent(1811);
    await sh('vlimit --xid 1811 --nproc 2');
    const bg = 'sleep 1000 >/dev/null 2>&1 &';
    const forks = `sh -c '${bg} ${bg} ${bg} echo all-forked'`;
    const without = await h.guest.shell.run(`vcontext --migrate --xid 1811 -- ${forks}`);
    expect(without.stdout).not.toMatch(/all-forked/);
    expect(without.stderr).toMatch(/fork.*(Resource temporarily unavailable|Try again)/i);
    await sh('vkill --xid 1811 -s KILL; sleep 0.2');
    expect(await setFlags(1811, VXF.PROLIFIC, VXF.PROLIFIC)).toMatchObject({ ret: 0 });
    const withFlag = await h.guest.shell.run(`vcontext --migrate --xid 1811 -- ${forks}`);
    expect(withFlag).toMatchObject({ exitCode: 0, stdout: 'all-forked\n' });
    await sh('vkill --xid 1811 -s KILL');
  });

  it('FORK_RSS: a context past its RSS limit cannot fork (ENOMEM) with the flag; without it the fork works', async () => {
    await persistent(1812);
    // One page of resident memory: any running shell is past it.
    await sh('vlimit --xid 1812 --rss 1');
    const fork = "sh -c '/bin/true && echo forked'";
    expect(await h.guest.shell.run(`vcontext --migrate --xid 1812 -- ${fork}`)).toMatchObject({ exitCode: 0, stdout: 'forked\n' });
    expect(await setFlags(1812, VXF.FORK_RSS, VXF.FORK_RSS)).toMatchObject({ ret: 0 });
    const refused = await h.guest.shell.run(`vcontext --migrate --xid 1812 -- ${fork}`);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/fork.*(Out of memory|Cannot allocate memory)/i);
    // A hit on the RSS row, and the host and an unlimited guest fork freely.
    expect((await sh('grep ^RSS: /proc/virtual/1812/limit')).stdout).toMatch(/\t\s*[1-9]\d*\n$/);
    await persistent(1813, VXF.FORK_RSS);
    expect(await h.guest.shell.run(`vcontext --migrate --xid 1813 -- ${fork}`)).toMatchObject({ exitCode: 0, stdout: 'forked\n' });
  });

  it('IGNEG_NICE: a negative nice(2) or setpriority(2) from the guest succeeds and changes nothing with the flag; without it the niceness drops', async () => {
    // The context is in setup, so its tasks still hold CAP_SYS_NICE: the flag alone decides.
    await persistent(1821);
    const nice = 'escape-fs nice -5';
    const renice = `sh -c 'renice -n -3 -p $$ >/dev/null && cut -d" " -f19 /proc/$$/stat && renice -n 4 -p $$ >/dev/null && cut -d" " -f19 /proc/$$/stat'`;
    expect((await sh(`vcontext --migrate --xid 1821 -- ${nice}`)).stdout).toBe('OK nice -5\n');
    expect((await sh(`vcontext --migrate --xid 1821 -- ${renice}`)).stdout).toBe('-3\n1\n');
    expect(await setFlags(1821, VXF.IGNEG_NICE, VXF.IGNEG_NICE)).toMatchObject({ ret: 0 });
    expect(await h.guest.shell.run(`vcontext --migrate --xid 1821 -- ${nice}`)).toMatchObject({ exitCode: 0, stdout: 'OK nice 0\n' });
    // setpriority (renice) likewise; a positive step still applies.
    expect((await sh(`vcontext --migrate --xid 1821 -- ${renice}`)).stdout).toBe('0\n4\n');
    // The host is not concerned.
    expect((await sh(nice)).stdout).toBe('OK nice -5\n');
  });
});
