/**
 * Fidelity to what util-vserver's real tools need (ABI.md §11, K1 and K3–K7, and K8: the ccaps
 * its chain grants from inside), and the setup phase's rule that a context may otherwise only
 * narrow itself from inside (issue #23 item 7), plus the
 * small kernel fixes of issue #23 item 10. Calls go raw through vsyscall (what util-vserver
 * sends) or through our tools where the tool's call is the point (setattr, lsxid, the chain).
 *
 * Contexts here use xids 73xx (dynamic ones 49152..65535), network contexts nids 73xx.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';
import {
  ALL,
  CAP_SYS_ADMIN,
  HIDE_NETIF,
  INF,
  INIT_SET,
  ip4,
  KEEP,
  MSGQUEUE,
  NOFILE,
  NPROC,
  PERSISTENT,
  rlimit,
  STATE_ADMIN,
  STATE_SETUP,
  u16,
  u32,
  u64,
  vc,
} from './helpers.ts';

const PROLIFIC = 1n << 49n;
const VIRT_UPTIME = 0x20000n;
const VIRT_LOAD = 0x80000n;
const NXF = { HIDE_NETIF: 0x2000000n, HIDE_LBACK: 0x4000000n, LBACK_ALLOW: 0x400n, INIT_SET: (1n << 34n) | 0x2000000n };
const NXC_RAW_ICMP = 0x100n;
const NXC_MULTICAST = 0x1000n;
const VXC = { SET_UTSNAME: 0x1n, TIOCSTI: 0x10n, RAW_ICMP: 0x100n, SYSLOG: 0x1000n };
/** util-vserver's insecure bcaps (its vc_get_insecurebcaps(); bit 29 is its QUOTACTL). */
const INSECURE_BCAPS = [9, 11, 12, 13, 14, 15, 16, 17, 20, 21, 23, 24, 25, 27, 29].reduce((m, b) => m | (1n << BigInt(b)), 0n);
const NXA = { IPV4: 0x1, ADDR: 0x10, LBACK: 0x200, IPV6: 0x2 };
const CAP_CONTEXT = 41;

/** {u64 value, u64 mask}: cflags, ccaps, bcaps, nflags, ncaps. */
const pair = (value: bigint, mask: bigint): string => u64(value) + u64(mask);
/** net_addr_ipv4_v2: u16 type; u16 flags; ip; ip2; mask (16 bytes). */
const ipv4V2 = (type: number, ip: string, mask: string): string => u16(type) + u16(0) + ip4(ip) + ip4('0.0.0.0') + ip4(mask);
/** net_addr_v0 with one address. */
const addrV0 = (type: number, ip: string, mask: string): string => u16(type) + u16(1) + ip4(ip) + '00'.repeat(12) + ip4(mask) + '00'.repeat(12);
/** net_addr_ipv6_v1 ADDR. */
const ipv6Addr = (hex16: string): string => u16(NXA.ADDR) + u16(0) + u32(128) + hex16 + '00'.repeat(16);

/** Every "ret=… errno=… NAME" line of vsyscall output, in order. */
const rets = (out: string): string[] => out.split('\n').filter((l) => l.startsWith('ret='));
/** The "out=" payloads of vsyscall output, in order. */
const outs = (out: string): Buffer[] => [...out.matchAll(/^out=([0-9a-f]*)$/gm)].map((m) => Buffer.from(m[1] ?? '', 'hex'));
const OK = 'ret=0 errno=0 OK';
const EPERM = 'ret=-1 errno=1 EPERM';
/** A capability set from /proc/<pid>/status ("CapBnd:\t000001ffffffffff"). */
const capLine = (status: string, name: string): bigint => {
  const m = new RegExp(`^${name}:\\s*([0-9a-f]+)$`, 'm').exec(status);
  if (m === null) throw new Error(`no ${name} in ${status}`);
  return BigInt(`0x${m[1] ?? ''}`);
};

describe('util-vserver fidelity (ABI §11 K1, K3–K7), narrowing from inside, issue #23 item 10', () => {
  const h = useGuest({ variant: 'vserver' });
  const call = (args: string) => vc(h.guest.shell, args);
  const persistentXids: number[] = [];
  const persistentNids: number[] = [];

  afterAll(async () => {
    for (const xid of persistentXids) await call(`--in ${pair(0n, PERSISTENT)} set_cflags ${xid}`).catch(() => undefined);
    for (const nid of persistentNids) await call(`--in ${pair(0n, PERSISTENT)} set_nflags ${nid}`).catch(() => undefined);
  });

  /** A persistent context with the flag word INIT_SET | PERSISTENT | extra, left at once by vsyscall. */
  const persistentCtx = async (xid: number, extra = 0n): Promise<void> => {
    expect(await call(`--in ${u64(INIT_SET | PERSISTENT | extra)} ctx_create ${xid}`)).toMatchObject({ ret: xid });
    persistentXids.push(xid);
  };

  it('K1 net_create v1 with data NULL creates the network context with NXF_INIT_SET defaults', async () => {
    const r = await h.succeed(`vsyscall --null net_create 7301 -- vsyscall --out 16 get_nflags 7301`);
    expect(rets(r.stdout)).toEqual(['ret=7301 errno=0 OK', OK]);
    const [flags] = outs(r.stdout);
    expect(flags?.readBigUInt64LE(0)).toBe(NXF.INIT_SET);
    // The same as v0, which takes no data at all.
    const v0 = await h.succeed(`vsyscall net_create_v0 7302 -- vsyscall --out 16 get_nflags 7302`);
    expect(rets(v0.stdout)).toEqual(['ret=7302 errno=0 OK', OK]);
    expect(outs(v0.stdout)[0]?.readBigUInt64LE(0)).toBe(NXF.INIT_SET);
    // A bad pointer is still EFAULT: only NULL means "defaults".
    expect(await call(`--badptr net_create 7303`)).toMatchObject({ ret: -1, name: 'EFAULT' });
  });

  it("K3 set_bcaps from inside a context in setup keeps the caller's capabilities until setup ends, then the bound applies", async () => {
    const noAdmin = ALL & ~(1n << BigInt(CAP_SYS_ADMIN));
    const r = await h.succeed(
      `vcontext --create --silent --xid 7310 -- sh -c '` +
        `vsyscall --in ${pair(noAdmin, ALL)} set_bcaps 7310; ` +
        `grep -E "^Cap(Eff|Bnd)" /proc/self/status; ` +
        // Still a setup command that needs CAP_SYS_ADMIN: it must work.
        `vsyscall --in ${pair(VIRT_UPTIME, VIRT_UPTIME)} set_cflags 7310; ` +
        `vsyscall --in ${pair(0n, STATE_SETUP)} set_cflags 7310 -- grep -E "^Cap(Eff|Bnd)" /proc/self/status'`,
    );
    expect(rets(r.stdout)).toEqual([OK, OK, OK]);
    const [during, after] = r.stdout.split(/^ret=.*$/m).filter((s) => s.includes('Cap'));
    // During setup: the full set the creator had, CAP_CONTEXT included.
    expect(capLine(during ?? '', 'CapEff') & (1n << BigInt(CAP_SYS_ADMIN))).not.toBe(0n);
    expect(capLine(during ?? '', 'CapEff') & (1n << BigInt(CAP_CONTEXT))).not.toBe(0n);
    // Setup ended: exactly the lowered bound, without CAP_SYS_ADMIN and CAP_CONTEXT.
    const bound = noAdmin & ((1n << BigInt(CAP_CONTEXT)) - 1n);
    expect(capLine(after ?? '', 'CapBnd')).toBe(bound);
    expect(capLine(after ?? '', 'CapEff')).toBe(bound);
  });

  it('K3 the chain util-vserver runs (vuname, vattribute --secure --bcap --flag, then the end of setup from inside) ends with exactly the lowered bound', async () => {
    persistentXids.push(7311);
    const r = await h.succeed(
      // util-vserver says "--xid self" and chains vuname with "-- CMD"; our vuname wants the
      // number and a shell. Its "vcontext --endsetup --migrate-self" is task_xid(0) and then
      // set_cflags clearing STATE_SETUP (no ctx_migrate): sent here raw, exactly so.
      "vcontext --create --silent --xid 7311 -- sh -c 'vuname --set --xid 7311 -t nodename=k3node && exec " +
        'vattribute --set --secure --bcap ~SYS_CHROOT --flag fakeinit,persistent -- ' +
        `vsyscall task_xid 0 -- vsyscall --in ${pair(0n, STATE_SETUP)} set_cflags 7311 -- ` +
        'sh -c "grep -E \\"^Cap(Eff|Bnd)\\" /proc/self/status; uname -n"\'',
    );
    expect(rets(r.stdout)).toEqual(['ret=7311 errno=0 OK', OK]);
    expect(r.stdout).toMatch(/^k3node$/m);
    const bcaps = await call(`--out 16 get_bcaps 7311`);
    expect(bcaps).toMatchObject({ ret: 0 });
    const bound = bcaps.out?.readBigUInt64LE(0) ?? -1n;
    expect(bound & ((1n << BigInt(CAP_SYS_ADMIN)) | (1n << 18n))).toBe(0n); // --secure, ~SYS_CHROOT
    expect(capLine(r.stdout, 'CapBnd')).toBe(bound);
    expect(capLine(r.stdout, 'CapEff')).toBe(bound);
    const flags = await call(`--out 16 get_cflags 7311`);
    expect((flags.out?.readBigUInt64LE(0) ?? 0n) & STATE_SETUP).toBe(0n);
  });

  it("K8 util-vserver's vattribute --set --secure, raw as it sends it from inside the new context in setup (set_ccaps {SET_UTSNAME|RAW_ICMP, ~0}, then set_bcaps {~insecure, ~0}, then set_cflags hide_netif), succeeds; CMD ends with those ccaps and that bound", async () => {
    persistentXids.push(7312);
    const r = await h.succeed(
      `vcontext --create --silent --xid 7312 -- ` +
        `vsyscall --in ${pair(VXC.SET_UTSNAME | VXC.RAW_ICMP, ALL)} set_ccaps 7312 -- ` +
        `vsyscall --in ${pair(~INSECURE_BCAPS & ALL, ALL)} set_bcaps 7312 -- ` +
        `vsyscall --in ${pair(HIDE_NETIF, HIDE_NETIF)} set_cflags 7312 -- ` +
        `vsyscall --in ${pair(PERSISTENT, PERSISTENT | STATE_SETUP)} set_cflags 7312 -- ` +
        `sh -c 'grep -E "^Cap(Eff|Bnd)" /proc/self/status'`,
    );
    expect(rets(r.stdout)).toEqual([OK, OK, OK, OK]);
    expect((await call(`--out 16 get_ccaps 7312`)).out?.readBigUInt64LE(0)).toBe(VXC.SET_UTSNAME | VXC.RAW_ICMP);
    const bound = (await call(`--out 16 get_bcaps 7312`)).out?.readBigUInt64LE(0) ?? -1n;
    // Every capability of 6.1 (0..40) but the insecure ones; CAP_CONTEXT is never a bcap.
    expect(bound).toBe(((1n << 41n) - 1n) & ~INSECURE_BCAPS);
    expect(capLine(r.stdout, 'CapBnd')).toBe(bound);
    expect(capLine(r.stdout, 'CapEff')).toBe(bound);
  });

  it('K4 link(2) of an IUNLINK|IMMUTABLE file succeeds (unification); other immutable files still refuse it', async () => {
    await h.succeed('rm -rf /tmp/k4 && mkdir /tmp/k4 && echo u >/tmp/k4/unified && echo i >/tmp/k4/immutable');
    await h.succeed('setattr --iunlink /tmp/k4/unified && setattr --immutable /tmp/k4/immutable');
    try {
      expect((await h.guest.shell.run('ln /tmp/k4/unified /tmp/k4/unified2')).exitCode).toBe(0);
      expect((await h.succeed('stat -c %h /tmp/k4/unified')).stdout).toBe('2\n');
      expect((await h.succeed('cat /tmp/k4/unified2')).stdout).toBe('u\n');
      const refused = await h.guest.shell.run('ln /tmp/k4/immutable /tmp/k4/immutable2');
      expect(refused.exitCode).not.toBe(0);
      expect(refused.stderr).toMatch(/Operation not permitted/);
      // A guest links a unified file too (vunify runs for guests' trees).
      expect((await h.guest.shell.run('vcontext --create --silent --xid 7340 -- ln /tmp/k4/unified /tmp/k4/unified3')).exitCode).toBe(0);
    } finally {
      await h.guest.shell.run('setattr --~iunlink /tmp/k4/unified; setattr --~immutable /tmp/k4/immutable; rm -rf /tmp/k4');
    }
  });

  it('K5 set_iattr v1 with BARRIER in the mask on a non-directory ignores the bit and sets the others', async () => {
    await h.succeed('rm -rf /tmp/k5 && mkdir -p /tmp/k5/d && echo x >/tmp/k5/f');
    try {
      // One set_iattr call with mask BARRIER|IXUNLINK|IMMUTABLE on a regular file.
      const r = await h.guest.shell.run('setattr --barrier --iunlink-but-not-immutable /tmp/k5/f');
      expect(r).toMatchObject({ exitCode: 0, stderr: '' });
      // showattr: b is '-' (does not apply), U set, i clear.
      expect((await h.succeed('showattr /tmp/k5/f')).stdout).toMatch(/^-----Uic-\s+\/tmp\/k5\/f$/m);
      // On a directory BARRIER still applies.
      await h.succeed('setattr --barrier /tmp/k5/d');
      expect((await h.succeed('showattr -d /tmp/k5/d')).stdout).toMatch(/^----B/m);
    } finally {
      await h.guest.shell.run('setattr --~barrier /tmp/k5/d; setattr --~iunlink /tmp/k5/f; rm -rf /tmp/k5');
    }
  });

  it('K6 get_iattr v1 on devpts reports IATTR_TAG; a pty slave carries the xid of the task that opened the master', async () => {
    // exec 3<>/dev/ptmx makes a new /dev/pts/N while fd 3 is open.
    const r = await h.succeed(`vcontext --create --silent --xid 7360 -- sh -c 'exec 3<>/dev/ptmx; lsxid /dev/pts/*; showattr /dev/pts/*'`);
    const tags = [...r.stdout.matchAll(/^\s+(\d+)\s+(\/dev\/pts\/\d+)$/gm)].map((m) => [Number(m[1]), m[2]] as const);
    expect(tags.filter(([tag]) => tag === 7360)).toHaveLength(1);
    const mine = tags.find(([tag]) => tag === 7360)?.[1] ?? '/dev/pts/none';
    // The 'x' column (the last letter) is X: TAG is in the mask.
    expect(r.stdout).toMatch(new RegExp(`^\\S{8}X\\s+${mine.replace(/\//g, '\\/')}$`, 'm'));
    // A pty the host opens is the host's (tag 0), and reports TAG as well.
    const host = await h.succeed(`sh -c 'exec 3<>/dev/ptmx; lsxid /dev/pts/*'`);
    const hostTags = [...host.stdout.matchAll(/^\s+(\d+)\s+\/dev\/pts\/\d+$/gm)].map((m) => Number(m[1]));
    expect(hostTags.length).toBeGreaterThan(0);
    expect(hostTags.every((t) => t === 0)).toBe(true);
  });

  it('K7 ctx_create v1 and v0 with id -1 pick a free dynamic id in 49152..65535, and get_vci clears NO_DYNAMIC', async () => {
    const vci = await call(`get_vci 0`);
    expect(vci.ret & 1).toBe(0);
    const ids: number[] = [];
    for (const create of [`--in ${u64(INIT_SET)} ctx_create`, `--in ${u64(INIT_SET)} ctx_create`, 'ctx_create_v0']) {
      const r = await h.succeed(`vsyscall ${create} -1 -- vsyscall task_xid 0`);
      const [created, own] = rets(r.stdout);
      const id = Number(/^ret=(-?\d+)/.exec(created ?? '')?.[1]);
      expect(id).toBeGreaterThanOrEqual(49152);
      expect(id).toBeLessThanOrEqual(65535);
      // The caller is in the context it got.
      expect(own).toBe(`ret=${id} errno=0 OK`);
      ids.push(id);
    }
    expect(new Set(ids).size).toBe(3);
    // A dynamic id never collides with a live context: one is held while the next is made.
    const held = await h.succeed(`vsyscall --in ${u64(INIT_SET | PERSISTENT)} ctx_create -1`);
    const heldId = Number(/^ret=(\d+)/.exec(held.stdout)?.[1]);
    persistentXids.push(heldId);
    const next = await call(`--in ${u64(INIT_SET)} ctx_create -1`);
    expect(next.ret).toBeGreaterThanOrEqual(49152);
    expect(next.ret).not.toBe(heldId);
    // Other ids outside 2..65535 stay EINVAL.
    for (const id of ['0', '1', '65536', '-2']) {
      expect(await call(`--in ${u64(INIT_SET)} ctx_create ${id}`)).toMatchObject({ ret: -1, name: 'EINVAL' });
    }
  });

  it('K7 net_create with id -1 picks a free dynamic nid in 49152..65535', async () => {
    const r = await h.succeed(`vsyscall --in ${u64(NXF.INIT_SET)} net_create -1 -- vsyscall task_nid 0`);
    const [created, own] = rets(r.stdout);
    const nid = Number(/^ret=(-?\d+)/.exec(created ?? '')?.[1]);
    expect(nid).toBeGreaterThanOrEqual(49152);
    expect(nid).toBeLessThanOrEqual(65535);
    expect(own).toBe(`ret=${nid} errno=0 OK`);
  });

  it("from inside, a context in setup may only narrow its cflags and limits (each raise EPERM, each lowering works, the host may raise); it may grant itself ccaps as util-vserver's chain does", async () => {
    await persistentCtx(7320, VIRT_UPTIME);
    expect(await call(`--in ${pair(VXC.SET_UTSNAME | VXC.SYSLOG, ALL)} set_ccaps 7320`)).toMatchObject({ ret: 0 });
    expect(await call(`--in ${rlimit(NOFILE, KEEP, 100n, 100n)} set_rlimit 7320`)).toMatchObject({ ret: 0 });

    const raises = [
      `--in ${pair(0n, VIRT_UPTIME)} set_cflags 7320`, // drop a restriction
      `--in ${pair(PROLIFIC, PROLIFIC)} set_cflags 7320`, // take a grant
      `--in ${rlimit(NOFILE, KEEP, KEEP, 200n)} set_rlimit 7320`, // raise a hard limit
      `--in ${rlimit(NOFILE, KEEP, INF, INF)} set_rlimit 7320`, // no limit at all
    ];
    const lowerings = [
      `--in ${pair(VIRT_LOAD, VIRT_LOAD)} set_cflags 7320`, // add a restriction
      `--in ${pair(0n, VXC.SYSLOG)} set_ccaps 7320`, // drop a ccap
      `--in ${rlimit(NOFILE, KEEP, 50n, 80n)} set_rlimit 7320`, // lower a limit
      `--in ${pair(VXC.TIOCSTI, VXC.TIOCSTI)} set_ccaps 7320`, // grant a ccap (util-vserver's ccapabilities)
    ];
    const inside = await h.succeed(
      `vsyscall --in ${u64(0n)} ctx_migrate 7320 -- sh -c '` + [...raises, ...lowerings].map((a) => `vsyscall ${a}`).join('; ') + `'`,
    );
    expect(rets(inside.stdout)).toEqual([OK, ...raises.map(() => EPERM), ...lowerings.map(() => OK)]);
    // Nothing of the raises happened; the lowerings did.
    const flags = (await call(`--out 16 get_cflags 7320`)).out?.readBigUInt64LE(0) ?? 0n;
    expect(flags & (VIRT_UPTIME | VIRT_LOAD | PROLIFIC)).toBe(VIRT_UPTIME | VIRT_LOAD);
    expect((await call(`--out 16 get_ccaps 7320`)).out?.readBigUInt64LE(0)).toBe(VXC.SET_UTSNAME | VXC.TIOCSTI);
    const lim = await call(`--in ${rlimit(NOFILE, 0n, 0n, 0n)} --out 28 get_rlimit 7320`);
    expect([lim.out?.readBigUInt64LE(12), lim.out?.readBigUInt64LE(20)]).toEqual([50n, 80n]);
    // The host may raise all of them.
    for (const a of raises) expect(await call(a), a).toMatchObject({ ret: 0 });
  });

  it('from inside, a guest in its network context in setup may only narrow nflags, ncaps and addresses; the host may raise them', async () => {
    const nid = 7321;
    expect(await call(`--in ${u64(STATE_SETUP | STATE_ADMIN | PERSISTENT | NXF.HIDE_NETIF)} net_create ${nid}`)).toMatchObject({ ret: nid });
    persistentNids.push(nid);
    await persistentCtx(7322);
    expect(await call(`--in ${ipv4V2(NXA.ADDR, '10.42.0.1', '255.255.255.0')} net_add_ipv4 ${nid}`)).toMatchObject({ ret: 0 });
    expect(await call(`--in ${pair(NXC_MULTICAST, ALL)} set_ncaps ${nid}`)).toMatchObject({ ret: 0 });

    const raises = [
      `--in ${pair(NXF.LBACK_ALLOW, NXF.LBACK_ALLOW)} set_nflags ${nid}`, // take a loopback grant
      `--in ${pair(0n, NXF.HIDE_NETIF)} set_nflags ${nid}`, // drop a restriction
      `--in ${pair(NXC_RAW_ICMP, NXC_RAW_ICMP)} set_ncaps ${nid}`, // add an ncap
      `--in ${ipv4V2(NXA.ADDR, '10.42.0.2', '255.255.255.0')} net_add_ipv4 ${nid}`, // add an address
      `--in ${addrV0(NXA.IPV4 | NXA.LBACK, '127.0.0.5', '0.0.0.0')} net_add ${nid}`, // a loopback address
      `--in ${ipv6Addr('fd420000000000000000000000000002')} net_add_ipv6 ${nid}`, // an IPv6 address
    ];
    const lowerings = [
      `--in ${pair(NXF.HIDE_LBACK, NXF.HIDE_LBACK)} set_nflags ${nid}`,
      `--in ${pair(0n, NXC_MULTICAST)} set_ncaps ${nid}`,
      `--in ${ipv4V2(NXA.ADDR, '10.42.0.1', '255.255.255.0')} net_rem_ipv4 ${nid}`,
    ];
    const inside = await h.succeed(
      `vsyscall net_migrate ${nid} -- vsyscall --in ${u64(0n)} ctx_migrate 7322 -- sh -c '` +
        [...raises, ...lowerings].map((a) => `vsyscall ${a}`).join('; ') +
        `'`,
    );
    expect(rets(inside.stdout)).toEqual([OK, OK, ...raises.map(() => EPERM), ...lowerings.map(() => OK)]);
    const nflags = (await call(`--out 16 get_nflags ${nid}`)).out?.readBigUInt64LE(0) ?? 0n;
    expect(nflags & (NXF.LBACK_ALLOW | NXF.HIDE_NETIF | NXF.HIDE_LBACK)).toBe(NXF.HIDE_NETIF | NXF.HIDE_LBACK);
    expect((await call(`--out 16 get_ncaps ${nid}`)).out?.readBigUInt64LE(0)).toBe(0n);
    expect((await h.succeed(`cat /proc/virtnet/${nid}/info`)).stdout).not.toMatch(/10\.42\.0\.[12]/);
    // The host may raise all of them (it is the host even from inside the network context).
    for (const a of raises) expect((await call(a)).ret, a).toBeGreaterThanOrEqual(0);
    const hostInside = await h.succeed(`vsyscall net_migrate ${nid} -- vsyscall --in ${ipv4V2(NXA.ADDR, '10.42.0.3', '255.255.255.0')} net_add_ipv4 ${nid}`);
    expect(rets(hostInside.stdout)).toEqual([OK, OK]);
  });

  it("set_iattr on /proc entries (ADMIN/WATCH/HIDE) is the host's only: EPERM from a guest in setup, allowed from the host", async () => {
    // /proc/uptime starts with ADMIN and WATCH (the host and the spectator see it when hidden).
    const before = (await h.succeed('showattr /proc/uptime')).stdout;
    expect(before).toMatch(/^AW/m);
    const guest = await h.guest.shell.run('vcontext --create --silent --xid 7330 -- setattr --~watch /proc/uptime');
    expect(guest.exitCode).not.toBe(0);
    expect(guest.stderr).toMatch(/Operation not permitted/);
    expect((await h.succeed('showattr /proc/uptime')).stdout).toBe(before);
    try {
      await h.succeed('setattr --~watch /proc/uptime');
      expect((await h.succeed('showattr /proc/uptime')).stdout).toMatch(/^Aw/m);
    } finally {
      await h.guest.shell.run('setattr --watch /proc/uptime');
    }
    expect((await h.succeed('showattr /proc/uptime')).stdout).toBe(before);
  });

  it('ctx_create reports ENOSPC, not ENOMEM, when no UTS namespace may be made (vx_alloc)', async () => {
    const old = (await h.succeed('cat /proc/sys/user/max_uts_namespaces')).stdout.trim();
    try {
      await h.succeed('echo 0 >/proc/sys/user/max_uts_namespaces');
      expect(await call(`--in ${u64(INIT_SET)} ctx_create 7370`)).toMatchObject({ ret: -1, name: 'ENOSPC' });
    } finally {
      await h.succeed(`echo ${old} >/proc/sys/user/max_uts_namespaces`);
    }
    expect(await call(`--in ${u64(INIT_SET)} ctx_create 7370`)).toMatchObject({ ret: 7370 });
  });

  it('MSGQUEUE: a POSIX queue of more than 2 GiB on 32-bit is refused as past the limit, never charged as a negative amount', async () => {
    await persistentCtx(7380);
    expect(await call(`--in ${rlimit(MSGQUEUE, KEEP, 1048576n, 1048576n)} set_rlimit 7380`)).toMatchObject({ ret: 0 });
    // 200 messages of 16 MiB: 3.2 GB, above LONG_MAX on i386 (root may ask for it: CAP_SYS_RESOURCE).
    const r = await h.guest.shell.run(`vsyscall --in ${u64(0n)} ctx_migrate 7380 -- limprobe mq 1 200 16777216`);
    expect(r.stdout).toMatch(/^mq ok=0 EMFILE$/m);
    const st = await call(`--in ${u32(MSGQUEUE)}${'00'.repeat(28)} --out 32 rlimit_stat 7380`);
    expect(st).toMatchObject({ ret: 0 });
    const out = st.out ?? Buffer.alloc(32);
    // hits (the refusal was ours), value, minimum, maximum: never below 0.
    expect(out.readUInt32LE(4)).toBe(1);
    expect(out.readBigInt64LE(8)).toBe(0n);
    expect(out.readBigInt64LE(16)).toBeGreaterThanOrEqual(0n);
    expect(out.readBigInt64LE(24)).toBeGreaterThanOrEqual(0n);
  });

  it('NPROC is charged at fork: forks racing from several processes never take the context past its limit', async () => {
    await persistentCtx(7395);
    const LIMIT = 12;
    expect(await call(`--in ${rlimit(NPROC, KEEP, BigInt(LIMIT), BigInt(LIMIT))} set_rlimit 7395`)).toMatchObject({ ret: 0 });
    // Six processes with 4 MiB of touched memory each (a fork copies their page tables for a
    // while) fork children that live about a millisecond, waiting for one when refused. They
    // start together once the launcher has forked all six (a go file, waited for with shell
    // builtins only): else the first ones fill the limit while the launcher still forks, and
    // its own fork is refused (as it should be, but the race is then the test's, not the kernel's).
    await h.succeed('rm -f /tmp/go7395');
    const r = await h.guest.shell.succeed(
      `vsyscall --in ${u64(0n)} ctx_migrate 7395 -- sh -c 'for i in 1 2 3 4 5 6; do ` +
        `{ while [ ! -e /tmp/go7395 ]; do :; done; exec limprobe forks 150 1024; } & done; : >/tmp/go7395; wait'`,
      { timeoutMs: 120_000 },
    );
    expect(r.stdout.match(/^forks ok=\d+ refused=\d+ done$/gm)).toHaveLength(6);
    const st = await call(`--in ${u32(NPROC)}${'00'.repeat(28)} --out 32 rlimit_stat 7395`);
    const out = st.out ?? Buffer.alloc(32);
    // The limit was reached (refusals counted) and never passed.
    expect(out.readUInt32LE(4)).toBeGreaterThan(0);
    expect(Number(out.readBigInt64LE(24))).toBeLessThanOrEqual(LIMIT);
  });

  it("a guest looking up the /proc/<pid> of a task it cannot see does not invalidate the host's dentry (mounts below it stay)", async () => {
    await h.succeed('echo bound-here >/tmp/pidrev; sleep 600 >/dev/null 2>&1 & echo $! >/tmp/pidrev.pid');
    const pid = (await h.succeed('cat /tmp/pidrev.pid')).stdout.trim();
    try {
      await h.succeed(`mount --bind /tmp/pidrev /proc/${pid}/environ && cat /proc/${pid}/environ`);
      const guest = await h.guest.shell.run(`vcontext --create --silent --xid 7390 -- sh -c 'cat /proc/${pid}/environ; ls -d /proc/${pid}'`);
      expect(guest.exitCode).not.toBe(0);
      expect(guest.stdout).not.toMatch(/bound-here/);
      expect((await h.succeed(`grep -c " /proc/${pid}/environ " /proc/mounts`)).stdout).toBe('1\n');
      expect((await h.succeed(`cat /proc/${pid}/environ`)).stdout).toBe('bound-here\n');
    } finally {
      await h.guest.shell.run(`umount /proc/${pid}/environ; kill ${pid}; rm -f /tmp/pidrev /tmp/pidrev.pid`);
    }
  });
});
