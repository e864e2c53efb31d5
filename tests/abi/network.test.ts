/**
 * ABI conformance of the network context commands (ABI.md §3, §4.1–§4.4, §4.10, §5.4, §6.3–§6.5)
 * on the booted kernel, through vsyscall: command words, struct layouts as the kernel reads and
 * writes them (i386, little endian; addresses in network order), return values and errnos; the
 * /proc/virtnet files and who sees them; and what a network context does to sockets: bind only
 * to the set, the wildcard becomes the primary address, the source of an outgoing connection is
 * taken from the set, listings show only the set, raw ICMP only with the grant.
 *
 * The guest's init puts 10.42.0.1-3/24 and fd42::1-3/64 on dummy0 (kernel-patch/README.md).
 * Network contexts here use nids 71xx.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';
import { devNames, linkNames } from '../net-listings.ts';
import { vpoll } from '../poll.ts';
import { ALL, CAP_SYS_ADMIN, guestWords, HIDE_NETIF, ip4, PERSISTENT, STATE_ADMIN, STATE_SETUP, u16, u32, u64, vc, type VcResult } from './helpers.ts';

const CAP_SYS_RESOURCE = 24;

const SINGLE_IP = 0x100n;

const NXA = { IPV4: 0x1, IPV6: 0x2, ANY: 0xff, ADDR: 0x10, MASK: 0x20, RANGE: 0x40, BCAST: 0x100, LBACK: 0x200 };

/** An IPv6 address (full or with one "::") in network order. */
const ip6 = (a: string): string => {
  const [head = '', tail] = a.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => g.padStart(4, '0')).join('');
};
const ZERO16 = '00'.repeat(16);

/** net_addr_v0: u16 type; u16 count; in_addr ip[4]; in_addr mask[4] (36 bytes). */
const addrV0 = (type: number, ips: string[], masks: string[], count = ips.length): string => {
  const pad = (l: string[]): string => [...l.map(ip4), ...Array<string>(4 - l.length).fill('00000000')].join('');
  return u16(type) + u16(count) + pad(ips) + pad(masks);
};
/** net_addr_ipv4_v1: u16 type; u16 flags; ip; mask (12 bytes). */
const ipv4V1 = (type: number, ip: string, mask: string): string => u16(type) + u16(0) + ip4(ip) + ip4(mask);
/** net_addr_ipv4_v2: u16 type; u16 flags; ip; ip2; mask (16 bytes). */
const ipv4V2 = (type: number, ip: string, ip2: string, mask: string): string => u16(type) + u16(0) + ip4(ip) + ip4(ip2) + ip4(mask);
/** net_addr_ipv6_v1: u16 type; u16 flags; u32 prefix; in6_addr ip; in6_addr mask (40 bytes). */
const ipv6V1 = (type: number, ip: string, prefix: number, mask = ZERO16): string => u16(type) + u16(0) + u32(prefix) + ip6(ip) + mask;

const ok = (ret = 0): Partial<VcResult> => ({ ret, name: 'OK' });
const err = (name: string): Partial<VcResult> => ({ ret: -1, name });

describe('network context commands: layouts, values and permission errnos', () => {
  const h = useGuest({ variant: 'vserver' });
  const call = (args: string) => vc(h.guest.shell, args);
  const NID = 7101;
  const created: number[] = [];
  /** A persistent network context with flags INIT_SET-like + `extra`; the vsyscall process leaves it at once. */
  const persistent = async (nid: number, flags: bigint): Promise<VcResult> => {
    const r = await call(`--in ${u64(flags | PERSISTENT)} net_create ${nid}`);
    if (r.ret === nid) created.push(nid);
    return r;
  };

  afterAll(async () => {
    for (const nid of created) await call(`--in ${u64(0n)}${u64(PERSISTENT)} set_nflags ${nid}`).catch(() => undefined);
  });

  it('get_vci reports NETV2 (bit 11)', async () => {
    const r = await call(`get_vci 0`);
    expect(r.ret & (1 << 11)).toBe(1 << 11);
  });

  it('net_create v1 returns the new nid; ids outside 2..65535 (but -1, dynamic) and unknown flags are EINVAL; an id in setup is EBUSY', async () => {
    expect(await persistent(NID, STATE_SETUP | STATE_ADMIN | HIDE_NETIF)).toMatchObject(ok(NID));
    for (const id of ['0', '1', '65536', '-2']) expect(await call(`--in ${u64(STATE_ADMIN)} net_create ${id}`)).toMatchObject(err('EINVAL'));
    expect(await call(`--in ${u64(STATE_ADMIN | 0x10n)} net_create 7199`)).toMatchObject(err('EINVAL'));
    expect(await call(`--in ${u64(STATE_ADMIN)} net_create ${NID}`)).toMatchObject(err('EBUSY'));
    expect(await call(`--badptr net_create 7198`)).toMatchObject(err('EFAULT'));
  });

  it('net_create v0 takes no data and uses NXF_INIT_SET (STATE_ADMIN|HIDE_NETIF); the creator is in the new nid', async () => {
    expect(await call(`net_create_v0 7102`)).toMatchObject(ok(7102));
    // The vsyscall process was the only task: the context went with it.
    expect(await call(`--out 4 nx_info 7102`)).toMatchObject(err('ESRCH'));
    const flags = await h.succeed(`chbind --silent --nid 7103 --ip 10.42.0.2 -- cat /proc/self/ninfo`);
    expect(flags.stdout).toMatch(/^NID:\t7103$/m);
    expect(flags.stdout).toMatch(/^NFlags:\t0000000402000000$/m); // chbind: INIT_SET + SETUP, setup ended
  });

  it('nx_info_v0 is {u32 nid}; net_flags_v0 is {u64 flagword, u64 mask} with a full mask while no one-time bit is cleared', async () => {
    const info = await call(`--out 4 nx_info ${NID}`);
    expect(info).toMatchObject(ok());
    expect(info.u32(0)).toBe(NID);
    const f = await call(`--out 16 get_nflags ${NID}`);
    expect(f).toMatchObject(ok());
    expect(f.u64(0)).toBe(STATE_SETUP | STATE_ADMIN | HIDE_NETIF | PERSISTENT);
    expect(f.u64(8)).toBe(ALL);
  });

  it('set_nflags applies the mask rule; a cleared one-time bit stays cleared and leaves the mask', async () => {
    expect(await call(`--in ${u64(0x400n)}${u64(0x400n | HIDE_NETIF)} set_nflags ${NID}`)).toMatchObject(ok());
    expect((await call(`--out 16 get_nflags ${NID}`)).u64(0)).toBe(STATE_SETUP | STATE_ADMIN | PERSISTENT | 0x400n);
    expect(await call(`--in ${u64(HIDE_NETIF)}${u64(HIDE_NETIF | 0x400n | STATE_SETUP)} set_nflags ${NID}`)).toMatchObject(ok());
    const after = await call(`--out 16 get_nflags ${NID}`);
    expect(after.u64(0)).toBe(STATE_ADMIN | PERSISTENT | HIDE_NETIF);
    expect(after.u64(8)).toBe(ALL & ~STATE_SETUP);
    await call(`--in ${u64(STATE_SETUP)}${u64(STATE_SETUP)} set_nflags ${NID}`);
    expect((await call(`--out 16 get_nflags ${NID}`)).u64(0)).toBe(STATE_ADMIN | PERSISTENT | HIDE_NETIF);
    expect(await call(`--in ${u64(1n << 50n)}${u64(ALL)} set_nflags ${NID}`)).toMatchObject(err('EINVAL'));
    // Past setup the id is taken: EEXIST.
    expect(await call(`--in ${u64(STATE_ADMIN)} net_create ${NID}`)).toMatchObject(err('EEXIST'));
  });

  it('net_caps_v0 is {u64 ncaps, u64 cmask}: get has cmask ~0, set follows the mask rule', async () => {
    expect(await call(`--in ${u64(0x1101n)}${u64(0x1100n)} set_ncaps ${NID}`)).toMatchObject(ok());
    const r = await call(`--out 16 get_ncaps ${NID}`);
    expect(r.u64(0)).toBe(0x1100n);
    expect(r.u64(8)).toBe(ALL);
    await call(`--in ${u64(0n)}${u64(ALL)} set_ncaps ${NID}`);
    expect((await call(`--out 16 get_ncaps ${NID}`)).u64(0)).toBe(0n);
  });

  it('net_add (v0) adds 1..4 IPv4 addresses and returns the count; duplicates are EEXIST, other counts and types EINVAL; BCAST/LBACK return 1', async () => {
    const add = (hex: string) => call(`--in ${hex} net_add ${NID}`);
    expect(await add(addrV0(NXA.IPV4, ['10.42.0.1', '10.42.0.2'], ['255.255.255.0', '255.255.255.0']))).toMatchObject(ok(2));
    expect(await add(addrV0(NXA.IPV4, ['10.42.0.2'], ['255.255.255.0']))).toMatchObject(err('EEXIST'));
    expect(await add(addrV0(NXA.IPV4, ['10.42.0.3'], ['255.255.255.0'], 0))).toMatchObject(err('EINVAL'));
    expect(await add(addrV0(NXA.IPV4, ['10.42.0.3'], ['255.255.255.0'], 5))).toMatchObject(err('EINVAL'));
    expect(await add(addrV0(NXA.IPV6, ['10.42.0.3'], ['255.255.255.0']))).toMatchObject(err('EINVAL'));
    expect(await add(addrV0(NXA.IPV4 | NXA.BCAST, ['10.42.0.255'], []))).toMatchObject(ok(1));
    expect(await add(addrV0(NXA.IPV4 | NXA.LBACK, ['127.0.0.1'], []))).toMatchObject(ok(1));
    expect(await call(`--badptr net_add ${NID}`)).toMatchObject(err('EFAULT'));
    expect(await call(`--null net_add ${NID}`)).toMatchObject(err('EFAULT'));
  });

  it('/proc/virtnet/<nid>/info and status have the §6.3 lines; IPv4 entries read [ip-ip2/mask:type]', async () => {
    const info = (await h.succeed(`cat /proc/virtnet/${NID}/info`)).stdout;
    expect(info).toMatch(new RegExp(`^ID:\\t${NID}\\nInfo:\\t\\S+\\nBcast:\\t10\\.42\\.0\\.255\\nLback:\\t127\\.0\\.0\\.1\\n`));
    expect(info).toContain('0:\t[10.42.0.1-0.0.0.0/255.255.255.0:0010]\n1:\t[10.42.0.2-0.0.0.0/255.255.255.0:0010]\n');
    const status = (await h.succeed(`cat /proc/virtnet/${NID}/status`)).stdout;
    expect(status).toMatch(/^UseCnt:\t\d+\nTasks:\t0\nFlags:\t0000004402000000\nNCaps:\t0000000000000000\n$/);
    const st = await h.succeed(`stat -c '%a %h' /proc/virtnet /proc/virtnet/${NID}; stat -c %a /proc/virtnet/${NID}/info`);
    expect(st.stdout.split('\n')[2]).toBe('444');
    const top = (await h.succeed('cat /proc/virtnet/status')).stdout;
    expect(top).toMatch(/^#CTotal:\t\d+\n#CActive:\t\d+\n$/);
  });

  it('the v1 and v2 IPv4 commands take the §4.4 types only and return 0; removal is exact (ESRCH otherwise), ANY empties the set', async () => {
    const v1 = (cmd: string, hex: string) => call(`--in ${hex} ${cmd} ${NID}`);
    expect(await v1('net_add_ipv4_v1', ipv4V1(NXA.MASK, '10.42.1.0', '255.255.255.0'))).toMatchObject(ok());
    expect(await v1('net_add_ipv4_v1', ipv4V1(NXA.RANGE, '10.42.1.0', '255.255.255.0'))).toMatchObject(err('EINVAL'));
    expect(await v1('net_add_ipv4_v1', ipv4V1(NXA.ADDR | NXA.BCAST, '10.42.0.254', '0.0.0.0'))).toMatchObject(ok());
    expect(await v1('net_add_ipv4_v1', ipv4V1(NXA.IPV4, '10.42.0.9', '255.255.255.0'))).toMatchObject(err('EINVAL'));
    expect(await v1('net_add_ipv4', ipv4V2(NXA.RANGE, '10.42.2.5', '10.42.2.9', '255.255.255.255'))).toMatchObject(ok());
    expect(await v1('net_add_ipv4', ipv4V2(NXA.RANGE, '10.42.2.9', '10.42.2.5', '255.255.255.255'))).toMatchObject(err('EINVAL'));
    expect(await v1('net_add_ipv4', ipv4V2(NXA.RANGE, '10.42.2.5', '10.42.2.9', '255.255.255.255'))).toMatchObject(err('EEXIST'));
    expect(await v1('net_add_ipv4', ipv4V2(NXA.ANY, '10.42.2.5', '0.0.0.0', '0.0.0.0'))).toMatchObject(err('EINVAL'));
    const info = (await h.succeed(`cat /proc/virtnet/${NID}/info`)).stdout;
    expect(info).toContain('2:\t[10.42.1.0-0.0.0.0/255.255.255.0:0020]\n3:\t[10.42.2.5-10.42.2.9/255.255.255.255:0040]\n');
    expect(info).toMatch(/^Bcast:\t10\.42\.0\.254$/m);

    expect(await v1('net_rem_ipv4_v1', ipv4V1(NXA.ADDR, '10.42.0.2', '255.255.255.0'))).toMatchObject(ok());
    expect(await v1('net_rem_ipv4_v1', ipv4V1(NXA.ADDR, '10.42.0.2', '255.255.255.0'))).toMatchObject(err('ESRCH'));
    expect(await v1('net_rem_ipv4_v1', ipv4V1(NXA.MASK, '10.42.1.0', '255.255.255.0'))).toMatchObject(err('EINVAL'));
    expect(await v1('net_rem_ipv4', ipv4V2(NXA.ADDR, '10.42.2.5', '10.42.2.9', '255.255.255.255'))).toMatchObject(ok());
    expect(await v1('net_rem_ipv4', ipv4V2(NXA.RANGE, '10.42.1.0', '0.0.0.0', '255.255.255.0'))).toMatchObject(err('EINVAL'));
    expect(await call(`--in ${addrV0(NXA.IPV4, [], [], 0)} net_remove ${NID}`)).toMatchObject(err('EINVAL'));
    expect(await call(`--in ${addrV0(NXA.ANY, [], [], 0)} net_remove ${NID}`)).toMatchObject(ok());
    const empty = (await h.succeed(`cat /proc/virtnet/${NID}/info`)).stdout;
    expect(empty).toMatch(/^Bcast:\t0\.0\.0\.0\nLback:\t0\.0\.0\.0\n$/m);
    expect(empty).not.toMatch(/^\d+:/m);
  });

  it('a second IPv4 entry clears SINGLE_IP', async () => {
    const nid = 7104;
    expect(await persistent(nid, STATE_ADMIN | SINGLE_IP)).toMatchObject(ok(nid));
    await call(`--in ${ipv4V1(NXA.ADDR, '10.42.0.1', '255.255.255.0')} net_add_ipv4_v1 ${nid}`);
    expect(((await call(`--out 16 get_nflags ${nid}`)).u64(0) ?? 0n) & SINGLE_IP).toBe(SINGLE_IP);
    await call(`--in ${ipv4V1(NXA.ADDR, '10.42.0.2', '255.255.255.0')} net_add_ipv4_v1 ${nid}`);
    expect(((await call(`--out 16 get_nflags ${nid}`)).u64(0) ?? 0n) & SINGLE_IP).toBe(0n);
  });

  it('net_add_ipv6 takes ADDR (prefix 128) and MASK; net_remove_ipv6 takes ADDR, MASK and ANY; /proc shows [addr/prefix:type]', async () => {
    const add6 = (hex: string) => call(`--in ${hex} net_add_ipv6 ${NID}`);
    const rem6 = (hex: string) => call(`--in ${hex} net_remove_ipv6 ${NID}`);
    expect(await add6(ipv6V1(NXA.ADDR, 'fd42::1', 0))).toMatchObject(ok());
    expect(await add6(ipv6V1(NXA.ADDR, 'fd42::1', 64))).toMatchObject(err('EEXIST')); // prefix ignored: /128 again
    expect(await add6(ipv6V1(NXA.MASK, 'fd42:1::', 64))).toMatchObject(ok());
    expect(await add6(ipv6V1(NXA.MASK, 'fd42:2::', 129))).toMatchObject(err('EINVAL'));
    expect(await add6(ipv6V1(NXA.RANGE, 'fd42:2::', 64))).toMatchObject(err('EINVAL'));
    expect(await add6(ipv6V1(NXA.ANY, 'fd42:2::', 64))).toMatchObject(err('EINVAL'));
    const info = (await h.succeed(`cat /proc/virtnet/${NID}/info`)).stdout;
    expect(info).toContain('0:\t[fd42::1/128:0010]\n1:\t[fd42:1::/64:0020]\n');
    expect(await rem6(ipv6V1(NXA.MASK, 'fd42:1::', 64))).toMatchObject(ok());
    expect(await rem6(ipv6V1(NXA.MASK, 'fd42:1::', 64))).toMatchObject(err('ESRCH'));
    expect(await rem6(ipv6V1(NXA.RANGE, 'fd42:1::', 64))).toMatchObject(err('EINVAL'));
    expect(await rem6(ipv6V1(NXA.ANY, '::', 0))).toMatchObject(ok());
    expect((await h.succeed(`cat /proc/virtnet/${NID}/info`)).stdout).not.toContain('fd42');
  });

  it('the match commands are defined but not dispatched: ENOSYS', async () => {
    for (const c of ['add_match_ipv4', 'get_match_ipv4', 'add_match_ipv6', 'get_match_ipv6']) {
      expect(await call(`--out 64 ${c} ${NID}`)).toMatchObject(err('ENOSYS'));
    }
  });

  it('a missing network context is ESRCH, and so are ids 0 and 1, which have no object', async () => {
    for (const id of ['7199', '0', '1', '65536']) expect(await call(`--out 4 nx_info ${id}`)).toMatchObject(err('ESRCH'));
    expect(await call(`--in ${addrV0(NXA.ANY, [], [], 0)} net_remove 7199`)).toMatchObject(err('ESRCH'));
  });

  it('level > 1 without CAP_SYS_ADMIN is EPERM; the ARES address commands without CAP_SYS_RESOURCE are EPERM', async () => {
    expect(await call(`--drop-cap ${CAP_SYS_ADMIN} --out 4 nx_info ${NID}`)).toMatchObject(err('EPERM'));
    expect(await call(`--drop-cap ${CAP_SYS_ADMIN} task_nid 0`)).toMatchObject(err('EPERM'));
    const hex = ipv4V1(NXA.ADDR, '10.42.0.3', '255.255.255.0');
    expect(await call(`--drop-cap ${CAP_SYS_RESOURCE} --in ${hex} net_add_ipv4_v1 ${NID}`)).toMatchObject(err('EPERM'));
    expect(await call(`--drop-cap ${CAP_SYS_RESOURCE} --in ${u64(0n)}${u64(0n)} set_nflags ${NID}`)).toMatchObject(err('EPERM'));
    expect(await call(`--in ${hex} net_add_ipv4_v1 ${NID}`)).toMatchObject(ok());
  });

  it("task_nid: 0 is the caller, a pid gives that task's nid, a missing pid is ESRCH; net_migrate to id 1 returns 1", async () => {
    expect(await call(`task_nid 0`)).toMatchObject(ok(0));
    expect(await call(`task_nid 999999`)).toMatchObject(err('ESRCH'));
    const r = await h.succeed(`chbind --silent --nid 7105 --ip 10.42.0.3 -- sh -c 'vsyscall task_nid $$; vsyscall task_nid 0'`);
    expect(r.stdout).toBe('ret=7105 errno=0 OK\nret=7105 errno=0 OK\n');
    expect(await call(`net_migrate 1`)).toMatchObject(ok(1));
  });

  it('once STATE_ADMIN is cleared the host may no longer administer the network context (EACCES); INFO commands still answer', async () => {
    const nid = 7106;
    expect(await persistent(nid, STATE_ADMIN)).toMatchObject(ok(nid));
    expect(await call(`--in ${u64(0n)}${u64(STATE_ADMIN)} set_nflags ${nid}`)).toMatchObject(ok());
    expect(await call(`--in ${u64(0n)}${u64(PERSISTENT)} set_nflags ${nid}`)).toMatchObject(err('EACCES'));
    expect(await call(`--in ${ipv4V1(NXA.ADDR, '10.42.0.3', '255.255.255.0')} net_add_ipv4_v1 ${nid}`)).toMatchObject(err('EACCES'));
    expect(await call(`net_migrate ${nid}`)).toMatchObject(err('EACCES'));
    expect(await call(`--out 16 get_nflags ${nid}`)).toMatchObject(ok());
  });

  it("/proc/<pid>/ninfo and the NxID line show the task's network context (§6.4)", async () => {
    const r = await h.succeed(`chbind --silent --nid 7107 --ip 10.42.0.3/24 -- sh -c 'cat /proc/self/ninfo; grep -E "^(VxID|NxID):" /proc/self/status'`);
    expect(r.stdout).toBe(
      'NID:\t7107\nNCaps:\t0000000000000000\nNFlags:\t0000000402000000\nV4Root[bcast]:\t0.0.0.0\nV4Root[lback]:\t0.0.0.0\n' +
        'V4Root[0]:\t[10.42.0.3-0.0.0.0/255.255.255.0:0010]\nVxID:\t0\nNxID:\t7107\n',
    );
    expect((await h.succeed('cat /proc/self/ninfo')).stdout).toBe('NID:\t0\n');
  });

  it('visibility (§6.5): the host lists every nid; a guest lists only its own nid and gets ENOENT for others', async () => {
    expect((await h.succeed('ls /proc/virtnet')).stdout.split('\n')).toContain(String(NID));
    const r = await h.run(
      `chbind --silent --nid 7108 --ip 10.42.0.3 -- vcontext --create --silent --xid 7108 -- sh -c 'ls /proc/virtnet | tr "\\n" " "; echo; cat /proc/virtnet/7108/status | head -1; cat /proc/virtnet/${NID}/info'`,
    );
    const [list, usecnt] = r.stdout.split('\n');
    expect(list?.trim().split(' ').sort()).toEqual(['7108', 'info', 'status']);
    expect(usecnt).toMatch(/^UseCnt:\t\d+$/);
    expect(r.stderr).toMatch(/No such file or directory/);
    expect(r.exitCode).not.toBe(0);
  });
});

describe('network contexts and sockets (PAPER 04.1, E24)', () => {
  const h = useGuest({ variant: 'vserver' });
  /** httpd as a bind probe: exit 143 (killed by timeout) means it listened, 1 means bind failed. */
  const probe = (addr: string, port: number) => `timeout 0.3 httpd -f -p ${addr}:${port} -h /tmp; echo "rc=$?"`;

  it('a guest binds only addresses of its set: others are EADDRNOTAVAIL, 127.0.0.1 too without LBACK_ALLOW', async () => {
    const r = await h.run(
      `chbind --silent --nid 7201 --ip 10.42.0.2 -- sh -c '${probe('10.42.0.2', 7201)}; ${probe('10.42.0.1', 7202)}; ${probe('127.0.0.1', 7203)}' 2>&1`,
    );
    expect(r.stdout.match(/rc=\d+/g)).toEqual(['rc=143', 'rc=1', 'rc=1']);
    expect(r.stdout.match(/bind: Cannot assign requested address/g)).toHaveLength(2);
  });

  it('a bind to the wildcard ends up on the primary address (dual-stack sockets: v4-mapped)', async () => {
    const r = await h.run(
      `chbind --silent --nid 7202 --ip 10.42.0.3 --ip 10.42.0.2 -- sh -c 'nc -l -p 7210 </dev/null & p=$!; vpoll --timeout 1000 "netstat -ltn | grep -q :7210"; netstat -ltn | grep :7210; kill $p'`,
    );
    expect(r.stdout).toMatch(/(^|\s)(::ffff:)?10\.42\.0\.3:7210\s/);
    expect(r.stdout).not.toMatch(/0\.0\.0\.0:7210|:::7210/);
  });

  it('IPv6: the wildcard means the primary IPv6 address; other IPv6 addresses are refused', async () => {
    const r = await h.run(
      `ncontext --create --silent --nid 7203 -- naddress --add --silent --nid 7203 --ip fd42::2/64 -- sh -c 'nc -l -p 7220 </dev/null & p=$!; vpoll "netstat -ltn | grep -q :7220"; netstat -ltn | grep :7220; kill $p; ${probe('[fd42::3]', 7221)}' 2>&1`,
    );
    expect(r.stdout).toMatch(/fd42::2:7220\s/);
    expect(r.stdout).toMatch(/rc=1/);
  });

  it("an outgoing connection of a guest has a source address from its set, not the host's first address", async () => {
    const r = await h.run(
      `nc -l -p 7230 </dev/null >/dev/null & p=$!; ${vpoll("netstat -ltn | grep -q ':7230 '")}; chbind --silent --nid 7204 --ip 10.42.0.3 -- sh -c 'echo x | nc 10.42.0.1 7230' ; netstat -tn | grep ':7230 '; kill $p 2>/dev/null; true`,
    );
    expect(r.stdout).toMatch(/10\.42\.0\.3:\d+\s/);
    expect(r.stdout).not.toMatch(/10\.42\.0\.1:\d+\s+(::ffff:)?10\.42\.0\.1:7230/);
  });

  it("with HIDE_NETIF the guest's address listings (ip addr, ifconfig, /proc/net/if_inet6) show only its own addresses", async () => {
    const host = await h.succeed('ip -o addr | grep -c inet');
    expect(Number(host.stdout.trim())).toBeGreaterThanOrEqual(8);
    const r = await h.succeed(
      `chbind --silent --nid 7205 --ip 10.42.0.2 -- sh -c 'ip -o addr | grep inet; echo ---; ifconfig | grep "inet addr"; echo ---; cat /proc/net/if_inet6'`,
    );
    const [ipOut = '', ifconfig = '', inet6 = ''] = r.stdout.split('---\n');
    expect([...ipOut.matchAll(/inet6? ([0-9a-f.:]+)\//g)].map((m) => m[1])).toEqual(['10.42.0.2']);
    expect([...ifconfig.matchAll(/inet addr:(\S+)/g)].map((m) => m[1])).toEqual(['10.42.0.2']);
    expect(inet6.trim()).toBe('');
  });

  it('raw ICMP: without CAP_NET_RAW ping fails; NXC_RAW_ICMP or the ccap RAW_ICMP (0x100) lets it work', async () => {
    // The probe runs under sh -c "…": the escaped $? is the inner shell's exit status.
    const ping = `reducecap --cap '!NET_RAW' -- ping -c1 -W2 10.42.0.1 >/dev/null 2>&1; echo rc=\\$?`;
    expect((await h.run(`ncontext --create --silent --nid 7206 -- sh -c "${ping}"`)).stdout).toBe('rc=1\n');
    // The contexts need an address of the family they ping from: a family without one is
    // unreachable (network contexts fail closed).
    expect(
      (
        await h.run(
          `ncontext --create --silent --nid 7207 -- naddress --add --silent --nid 7207 --ip 10.42.0.2 -- nattribute --nid 7207 --set --ncap raw_icmp -- sh -c "${ping}"`,
        )
      ).stdout,
    ).toBe('rc=0\n');
    expect(
      (
        await h.run(
          `ncontext --create --silent --nid 7208 -- naddress --add --silent --nid 7208 --ip fd42::2 -- nattribute --nid 7208 --set --ncap raw_icmp -- sh -c "${ping.replace('ping -c1 -W2 10.42.0.1', 'ping6 -c1 -W2 fd42::1')}"`,
        )
      ).stdout,
    ).toBe('rc=0\n');
    // The ccap: a security context with raw_icmp, no network context.
    // The host grants it (from inside a context may only narrow itself), then a task joins.
    const ctxCreate = 'ctx_create';
    const ctxMigrate = 'ctx_migrate';
    const setCflags = 'set_cflags';
    expect(await vc(h.guest.shell, `--in ${u64(STATE_SETUP | STATE_ADMIN | (1n << 33n) | PERSISTENT)} ${ctxCreate} 7209`)).toMatchObject(ok(7209));
    try {
      await h.succeed('vattribute --xid 7209 --set --ccap raw_icmp');
      const ccap = await h.run(`vsyscall --in ${u64(0n)} ${ctxMigrate} 7209 -- sh -c "${ping}"`);
      expect(ccap.stdout).toBe('ret=0 errno=0 OK\nrc=0\n');
    } finally {
      await vc(h.guest.shell, `--in ${u64(0n)}${u64(PERSISTENT)} ${setCflags} 7209`);
    }
  });

  it('raw sockets (ping) send from the primary address: the socket is bound to it, and the replies come back to it', async () => {
    // Without the context the kernel would send from 10.42.0.1 (the address of the route to
    // 10.42.0.1, a local one) and /proc/net/raw would show the socket unbound (00000000). A raw
    // socket bound to 10.42.0.2 receives only packets for 10.42.0.2, so replies prove the source.
    // /proc/net/raw[6] print the address as raw words (each 32 bits of it read as a host integer,
    // %08X): 10.42.0.2 is 02002A0A on a little-endian guest and 0A2A0002 on a big-endian one.
    const words = (hex: string): string => {
      const b = Buffer.from(hex, 'hex');
      return Array.from({ length: b.length / 4 }, (_, i) =>
        guestWords
          .readU32(b, 4 * i)
          .toString(16)
          .toUpperCase()
          .padStart(8, '0'),
      ).join('');
    };
    const v4hex = words(ip4('10.42.0.2'));
    const v6hex = words(ip6('fd42::2'));
    const watch = (file: string, hex: string, cmd: string) =>
      `${cmd} >/tmp/ping.out 2>&1 & p=$!; vpoll "grep -q \\" ${hex}:\\" ${file}"; ` +
      `grep -o " [0-9A-F]*:\\(0001\\|003A\\) " ${file}; wait $p; grep -o "[0-9]* packets received" /tmp/ping.out`;
    const little = guestWords.endian === 'little';
    expect([v4hex, v6hex]).toEqual(little ? ['02002A0A', '000042FD000000000000000002000000'] : ['0A2A0002', 'FD420000000000000000000000000002']);
    const v4 = await h.run(`chbind --silent --nid 7210 --ip 10.42.0.2 -- sh -c '${watch('/proc/net/raw', v4hex, 'ping -c 3 10.42.0.1')}'`);
    expect(v4.stdout).toBe(` ${v4hex}:0001 \n3 packets received\n`);
    const v6 = await h.run(
      `ncontext --create --silent --nid 7211 -- naddress --add --silent --nid 7211 --ip fd42::2 -- sh -c '${watch('/proc/net/raw6', v6hex, 'ping6 -c 3 fd42::1')}'`,
    );
    expect(v6.stdout).toBe(` ${v6hex}:003A \n3 packets received\n`);
  });

  it('ping sockets (ICMP datagram) send from the primary address too, after sendto or connect; to 127.0.0.1 ENETUNREACH', async () => {
    // pingsock prints the socket's own address after the send (getsockname) and waits for the reply.
    const range = (await h.succeed('cat /proc/sys/net/ipv4/ping_group_range')).stdout.trim();
    await h.succeed("echo '0 2147483647' >/proc/sys/net/ipv4/ping_group_range");
    try {
      // Outside a network context the socket stays unbound: the kernel picks the source per packet.
      expect(await h.run('pingsock 10.42.0.1')).toMatchObject({ exitCode: 0, stdout: 'local 0.0.0.0\nreply\n' });
      expect(await h.run('chbind --silent --nid 7212 --ip 10.42.0.2 -- pingsock 10.42.0.1')).toMatchObject({ exitCode: 0, stdout: 'local 10.42.0.2\nreply\n' });
      expect(await h.run('chbind --silent --nid 7213 --ip 10.42.0.2 -- pingsock --connect 10.42.0.1')).toMatchObject({
        exitCode: 0,
        stdout: 'local 10.42.0.2\nreply\n',
      });
      expect(await h.run('chbind --silent --nid 7214 --ip 10.42.0.2 -- pingsock 127.0.0.1')).toMatchObject({
        exitCode: 1,
        stdout: 'pingsock: sendto: Network is unreachable\n',
      });
      const v6 = await h.run('ncontext --create --silent --nid 7215 -- naddress --add --silent --nid 7215 --ip fd42::2 -- pingsock fd42::1');
      expect(v6).toMatchObject({ exitCode: 0, stdout: 'local fd42::2\nreply\n' });
    } finally {
      await h.run(`echo '${range}' >/proc/sys/net/ipv4/ping_group_range`);
    }
  });
});

describe('network contexts and the loopback (ABI §5.4 LBACK_*, HIDE_LBACK)', () => {
  const h = useGuest({ variant: 'vserver' });
  /** Polls (5 s) until netstat lists a listening socket on ADDR:PORT; fails the command otherwise. */
  const listening = (addrPort: string): string => vpoll(`netstat -ltn | grep -q '[ :]${addrPort} '`);
  /** Starts a foreground httpd serving DIR on ADDR:PORT in the background; prints its pid. */
  const serve = (addrPort: string, dir: string, prefix = ''): string => `${prefix} httpd -f -p ${addrPort} -h ${dir} >/dev/null 2>&1 & echo $!`;
  const pids: string[] = [];
  const start = async (cmd: string, addrPort: string): Promise<void> => {
    pids.push((await h.succeed(cmd)).stdout.trim());
    await h.succeed(listening(addrPort));
  };

  afterAll(async () => {
    if (pids.length) await h.run(`kill ${pids.join(' ')}; rm -rf /tmp/lo-h /tmp/lo-g`);
  });

  it("a guest cannot reach the host's loopback (127.x, ::1, 0.0.0.0): connect and sendto fail with ENETUNREACH; LBACK_ALLOW reaches it", async () => {
    await h.succeed('mkdir -p /tmp/lo-h /tmp/lo-g && echo host-page >/tmp/lo-h/index.html && echo guest-page >/tmp/lo-g/index.html');
    await start(serve('127.0.0.1:7240', '/tmp/lo-h'), '127.0.0.1:7240');
    await start(serve('[::1]:7241', '/tmp/lo-h'), '::1:7241');
    expect((await h.succeed('wget -q -O - http://127.0.0.1:7240/ && wget -q -O - http://[::1]:7241/')).stdout).toBe('host-page\nhost-page\n');
    // connect() over TCP (wget) to 127.0.0.1, 127.0.0.9, ::1 and 0.0.0.0 (which the kernel sends to
    // 127.0.0.1 for a socket without a source); sendto() on a raw socket (ping).
    const probes = [
      'wget -q -O - http://127.0.0.1:7240/',
      'wget -q -O - http://127.0.0.9:7240/',
      'wget -q -O - http://[::1]:7241/',
      'ping -c 1 -W 1 127.0.0.1 >/dev/null',
    ].map((c) => `${c}; echo rc=$?`);
    const refused = await h.run(`chbind --silent --nid 7220 --ip 10.42.0.2 -- sh -c '${probes.join('; ')}' 2>&1`);
    expect(refused.stdout).not.toMatch(/host-page/);
    expect(refused.stdout.match(/rc=\d+/g)).toEqual(['rc=1', 'rc=1', 'rc=1', 'rc=1']);
    expect(refused.stdout.match(/Network is unreachable/g)).toHaveLength(4);
    // A context without any IPv4 address: 0.0.0.0 would be the host's 127.0.0.1.
    const noV4 = await h.run(
      `ncontext --create --silent --nid 7221 -- naddress --add --silent --nid 7221 --ip fd42::2 -- wget -q -O - http://0.0.0.0:7240/ 2>&1`,
    );
    expect(noV4.stdout).toMatch(/Network is unreachable/);
    expect(noV4.stdout).not.toMatch(/host-page/);
    // LBACK_ALLOW: the real loopback, IPv4 and IPv6.
    const allow = await h.run(
      `ncontext --create --silent --nid 7222 -- naddress --add --silent --nid 7222 --ip 10.42.0.2 -- nattribute --nid 7222 --set --flag lback_allow -- sh -c 'wget -q -O - http://127.0.0.1:7240/; wget -q -O - http://[::1]:7241/'`,
    );
    expect(allow).toMatchObject({ exitCode: 0, stdout: 'host-page\nhost-page\n' });
  });

  it("LBACK_REMAP with a loopback address: the guest's 127.0.0.1 is its own loopback address, for bind, connect and sendto", async () => {
    // Host and guest both listen on "127.0.0.1:7242"; the guest's bind lands on 127.0.0.2.
    await h.succeed('mkdir -p /tmp/lo-h /tmp/lo-g && echo host-page >/tmp/lo-h/index.html && echo guest-page >/tmp/lo-g/index.html');
    await start(serve('127.0.0.1:7242', '/tmp/lo-h'), '127.0.0.1:7242');
    const keep = `ncontext --create --silent --nid 7223 -- naddress --add --silent --nid 7223 --ip 10.42.0.2 --lback 127.0.0.2 -- nattribute --nid 7223 --set --flag lback_remap --`;
    await start(serve('127.0.0.1:7242', '/tmp/lo-g', keep), '127.0.0.2:7242');
    const listen = (await h.succeed('netstat -ltn')).stdout;
    expect(listen).toMatch(/\s127\.0\.0\.1:7242\s/);
    expect(listen).toMatch(/\s127\.0\.0\.2:7242\s/);
    // The guest's connect to 127.0.0.1 (or any 127.x) reaches its own server, the host's the host's.
    const guest = await h.run(`ncontext --migrate --nid 7223 -- sh -c 'wget -q -O - http://127.0.0.1:7242/; wget -q -O - http://127.0.0.7:7242/'`);
    expect(guest).toMatchObject({ exitCode: 0, stdout: 'guest-page\nguest-page\n' });
    expect((await h.succeed('wget -q -O - http://127.0.0.1:7242/')).stdout).toBe('host-page\n');
    // sendto on a raw socket: the echo request goes to 127.0.0.2, which answers.
    const ping = await h.run(`ncontext --migrate --nid 7223 -- ping -c 1 -W 2 127.0.0.1`);
    expect(ping.exitCode).toBe(0);
    expect(ping.stdout).toMatch(/bytes from 127\.0\.0\.2:/);
    // There is no IPv6 loopback address to remap to: ::1 stays out of reach.
    const v6 = await h.run(`ncontext --migrate --nid 7223 -- wget -q -O - http://[::1]:7241/ 2>&1`);
    expect(v6.stdout).toMatch(/Network is unreachable/);
  });

  it('HIDE_LBACK hides the loopback interface and its addresses; under HIDE_NETIF they show only when the guest may use loopback', async () => {
    const addrs = (out: string): string[] => [...out.matchAll(/\binet6? ([0-9a-f.:]+)\//g)].map((m) => m[1] ?? '');
    const look = "ip -o link; echo ---; ip -o addr; echo ---; cat /proc/net/dev; echo ---; cat /proc/net/if_inet6; echo ---; ifconfig | grep 'inet addr'";
    const inCtx = async (nid: number, flags: string) => {
      const r = await h.succeed(
        `ncontext --create --silent --nid ${nid} -- naddress --add --silent --nid ${nid} --ip 10.42.0.2 -- nattribute --nid ${nid} --set --flag ${flags} -- sh -c "${look}"`,
      );
      const [link = '', addr = '', dev = '', inet6 = '', ifc = ''] = r.stdout.split('---\n');
      return {
        links: linkNames(link),
        addrs: addrs(addr),
        dev: devNames(dev),
        inet6: inet6
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(/\s+/).pop()),
        ifconfig: [...ifc.matchAll(/inet addr:(\S+)/g)].map((m) => m[1]).sort(),
      };
    };
    // HIDE_NETIF (ncontext's default) with LBACK_ALLOW: the loopback is the guest's too.
    expect(await inCtx(7230, 'lback_allow')).toEqual({
      links: ['lo', 'dummy0'],
      addrs: ['127.0.0.1', '::1', '10.42.0.2'],
      dev: ['lo', 'dummy0'],
      inet6: ['lo'],
      ifconfig: ['10.42.0.2', '127.0.0.1'],
    });
    // ... and HIDE_LBACK takes it away again.
    expect(await inCtx(7231, 'lback_allow,hide_lback')).toEqual({
      links: ['dummy0'],
      addrs: ['10.42.0.2'],
      dev: ['dummy0'],
      inet6: [],
      ifconfig: ['10.42.0.2'],
    });
    // HIDE_LBACK alone: everything but the loopback interface and 127.x/::1.
    const only = await inCtx(7232, '~hide_netif,hide_lback');
    expect(only.links).toEqual(['dummy0']);
    expect(only.dev).toEqual(['dummy0']);
    expect(only.addrs).toEqual(expect.arrayContaining(['10.42.0.1', '10.42.0.2', '10.42.0.3', 'fd42::1', 'fd42::2', 'fd42::3']));
    expect(only.addrs.filter((a) => a === '127.0.0.1' || a === '::1')).toEqual([]);
    expect(only.inet6).not.toContain('lo');
    expect(only.ifconfig).toEqual(['10.42.0.1']);
  });
});
