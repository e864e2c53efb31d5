/**
 * The network tools of ABI §8 (ncontext, naddress, nattribute, chbind), run in the guest on the
 * vserver kernel: usage and exit codes, the output lines users and scripts rely on, and that
 * each tool does what it says to a network context — the addresses a guest may bind, what it
 * sees of the host's addresses, its flags and network capabilities.
 *
 * The guest's init puts 10.42.0.1-3/24 and fd42::1-3/64 on dummy0. Servers are busybox httpd
 * (it binds the address it is given, so it also serves as a bind probe), clients busybox wget.
 * Network contexts here use nids 61xx; every test kills the processes it started, and with them
 * their network contexts.
 */
import { describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';
import { defineUsageTests } from '../tool-usage.ts';
import { devNames, linkNames } from '../net-listings.ts';
import { vpoll } from '../poll.ts';

const TOOLS = ['ncontext', 'naddress', 'nattribute', 'chbind'];
const TASK_NID = 'task_nid';

/** A process that keeps network context NID alive (created with ncontext); prints its pid. */
const keepAlive = (nid: number, extra = ''): string => `ncontext --create --silent ${extra} --nid ${nid} -- sh -c 'sleep 1000 >/dev/null 2>&1 & echo $!'`;
/** The same, with network context NID made by chbind for the one address IP. */
const chbindAlive = (nid: number, ip: string): string => `chbind --silent --nid ${nid} --ip ${ip} -- sh -c 'sleep 1000 >/dev/null 2>&1 & echo $!'`;
/**
 * Bind probe: in network context NID, httpd tries to listen on ADDR:PORT (ADDR may be [v6]).
 * Prints `bound` once netstat shows the socket, `refused` if httpd exited first (its error on
 * stderr), `stuck` if neither happened within about 5 s; then stops httpd.
 */
const bindIn = (nid: number, addr: string, port: number): string => {
  const shown = `[ :]${addr.replace(/^\[(.*)\]$/, '$1')}:${port} `;
  return (
    `ncontext --migrate --nid ${nid} -- httpd -f -p ${addr}:${port} -h /tmp 2>/tmp/bind.err & p=$!; export p; ` +
    `${vpoll(`kill -0 $p 2>/dev/null && ! netstat -ltn | grep -q '${shown}'`, { not: true })}; ` +
    `if netstat -ltn | grep -q '${shown}'; then r=bound; elif kill -0 $p 2>/dev/null; then r=stuck; else r=refused; fi; ` +
    `kill $p 2>/dev/null; wait $p; cat /tmp/bind.err >&2; echo $r`
  );
};
const BOUND = { stdout: 'bound\n' };
const REFUSED = { stdout: 'refused\n', stderr: expect.stringMatching(/httpd: bind: Cannot assign requested address/) as unknown };
/** The IPv4 (or IPv6) addresses an `ip -o addr` listing shows. */
const listed = (out: string): string[] => [...out.matchAll(/\binet6? ([0-9a-f.:]+)\//g)].map((m) => m[1] ?? '');

describe('network tools (ABI §8) on the vserver kernel', () => {
  const h = useGuest({ variant: 'vserver' });
  /** Runs KEEPER (keepAlive, chbindAlive), then BODY with the pid it printed, and kills that task whatever BODY did. */
  const whileAlive = async (keeper: string, body: (pid: string) => Promise<void>): Promise<void> => {
    const pid = (await h.succeed(keeper)).stdout.trim();
    try {
      await body(pid);
    } finally {
      await h.run(`kill ${pid}`);
    }
  };

  describe('options and errors', () => {
    defineUsageTests(h, TOOLS);

    it('missing or contradictory options are usage errors (exit 255), before any kernel call', async () => {
      for (const cmd of [
        'ncontext -- true', // no --create/--migrate
        'ncontext --migrate -- true', // --migrate needs --nid
        'ncontext --create --nid 70000 -- true', // nid out of range
        'ncontext --create --nid 6100', // no command
        'naddress --nid 6100 --ip 10.42.0.1', // no --add/--remove/--set
        'naddress --add --remove --nid 6100', // two operations
        'naddress --remove --nid 6100 --range 10.42.0.5-10.42.0.9', // ranges go only with "all"
        'nattribute --get --set',
        'nattribute --get --flag private',
        'nattribute --nid x --get',
        'chbind -- true', // no --ip
        'chbind --ip 10.42.0.1', // no command
        'chbind --nid -1 --ip 10.42.0.1 -- true',
      ]) {
        const r = await h.run(cmd);
        expect(r.exitCode, cmd).toBe(255);
        expect(r.stderr, cmd).toMatch(/^usage: /);
        expect(r.stdout, cmd).toBe('');
      }
    });

    it('addresses that do not parse are named on stderr, exit 255', async () => {
      const cases: [string, string][] = [
        ['chbind --ip 10.42.0.300 -- true', "chbind: '10.42.0.300': not an address, interface or host name\n"],
        ['chbind --ip nosuchhost -- true', "chbind: 'nosuchhost': not an address, interface or host name\n"],
        ['chbind --ip fd42::1 -- true', "chbind: 'fd42::1': not an IPv4 address\n"],
        ['chbind --ip 10.42.0.1/33 -- true', "chbind: '10.42.0.1/33': bad mask\n"],
        ['chbind --ip 10.42.0.1/255.0.255.0 -- true', "chbind: '10.42.0.1/255.0.255.0': bad mask\n"],
        ['chbind --ip 10.42.0.1 --bcast 10.42.0.255/24 -- true', "chbind: '10.42.0.255/24': a broadcast address takes no mask\n"],
        ['naddress --add --nid 6100 --range 10.42.0.9-10.42.0.5', "naddress: '10.42.0.9-10.42.0.5': range ends before it starts\n"],
        ['naddress --add --nid 6100 --ip fd42::1/129', "naddress: 'fd42::1/129': bad mask\n"],
        ['naddress --add --nid 6100 --bcast fd42::ff', "naddress: 'fd42::ff': not an IPv4 address\n"],
        ['naddress --add --nid 6100 --mask 255.255.0.255 --ip 10.42.0.1', "naddress: '255.255.0.255': bad mask\n"],
      ];
      for (const [cmd, err] of cases) expect(await h.run(cmd), cmd).toMatchObject({ exitCode: 255, stdout: '', stderr: err });
      const ips = Array.from({ length: 17 }, (_, i) => `--ip 10.42.1.${i + 1}`).join(' ');
      expect(await h.run(`chbind ${ips} -- true`)).toMatchObject({ exitCode: 255, stderr: 'chbind: at most 16 addresses\n' });
    });

    it("nattribute names an unknown flag or capability: Unknown flag '…' / Unknown capability '…', exit 255", async () => {
      expect(await h.run('nattribute --set --flag private,nosuchflag')).toMatchObject({ exitCode: 255, stderr: "Unknown flag 'nosuchflag'\n" });
      expect(await h.run("nattribute --set --ncap '!bogus'")).toMatchObject({ exitCode: 255, stderr: "Unknown capability 'bogus'\n" });
      // Context flags are not network flags.
      expect(await h.run('nattribute --set --flag fakeinit')).toMatchObject({ exitCode: 255, stderr: "Unknown flag 'fakeinit'\n" });
    });
  });

  describe('against the kernel', () => {
    it('kernel errors are named with the command and exit 255: no such network context (ESRCH)', async () => {
      expect(await h.run('naddress --add --nid 6199 --ip 10.42.0.1')).toMatchObject({
        exitCode: 255,
        stdout: 'Adding 10.42.0.1\n',
        stderr: 'naddress: net_add_ipv4 10.42.0.1: No such process\n',
      });
      expect(await h.run('nattribute --nid 6199 --get')).toMatchObject({ exitCode: 255, stderr: 'nattribute: get_nflags: No such process\n' });
      expect(await h.run('ncontext --migrate --nid 6199 -- true')).toMatchObject({ exitCode: 255, stderr: 'ncontext: net_migrate: No such process\n' });
    });

    it('ncontext --create prints "New network context is N" and runs the command in network context N', async () => {
      const r = await h.run(`ncontext --create --nid 6101 -- vsyscall ${TASK_NID} 0`);
      expect(r).toMatchObject({ exitCode: 0, stderr: '', stdout: 'New network context is 6101\nret=6101 errno=0 OK\n' });
      // Without --nid: a free id of the dynamic range; the exit status is the command's.
      const dyn = await h.run(`ncontext --create -- sh -c 'vsyscall ${TASK_NID} 0; exit 7'`);
      expect(dyn.exitCode).toBe(7);
      const [line, call] = dyn.stdout.trim().split('\n');
      const nid = Number(/^New network context is (\d+)$/.exec(line ?? '')?.[1]);
      expect(nid).toBeGreaterThanOrEqual(49152);
      expect(call).toBe(`ret=${nid} errno=0 OK`);
      // The security context is untouched: still the host's.
      expect((await h.succeed('ncontext --create --silent --nid 6101 -- vsyscall task_xid 0')).stdout).toBe('ret=0 errno=0 OK\n');
    });

    it('ncontext --create exits 254 if the nid exists (silently with --silentexist); --migrate enters it', async () => {
      await whileAlive(keepAlive(6102), async (pid) => {
        const again = await h.run('ncontext --create --nid 6102 -- true');
        expect(again.exitCode).toBe(254);
        expect(again.stderr).toBe('ncontext: network context 6102 already exists\n');
        expect(await h.run('ncontext --create --silentexist --nid 6102 -- true')).toMatchObject({ exitCode: 254, stdout: '', stderr: '' });
        expect((await h.succeed(`ncontext --migrate --nid 6102 -- vsyscall ${TASK_NID} 0`)).stdout).toBe('ret=6102 errno=0 OK\n');
        expect((await h.succeed(`vsyscall ${TASK_NID} ${pid}`)).stdout).toBe('ret=6102 errno=0 OK\n');
        // --migrate-self without a command just moves and exits 0.
        expect(await h.run('ncontext --migrate-self --nid 6102')).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
      });
    });

    it('naddress --add prints one "Adding" line per address; the context may then bind exactly those', async () => {
      await whileAlive(keepAlive(6103, '--endsetup'), async () => {
        // A new network context has no address: nothing can be bound.
        expect(await h.run(bindIn(6103, '10.42.0.1', 8101))).toMatchObject(REFUSED);
        const add = await h.run('naddress --add --nid 6103 --ip 10.42.0.1 --ip 10.42.0.2/32 --ip fd42::2');
        expect(add).toMatchObject({ exitCode: 0, stderr: '', stdout: 'Adding 10.42.0.1\nAdding 10.42.0.2\nAdding fd42::2\n' });
        expect(await h.run(bindIn(6103, '10.42.0.1', 8101))).toMatchObject(BOUND);
        expect(await h.run(bindIn(6103, '10.42.0.2', 8101))).toMatchObject(BOUND);
        expect(await h.run(bindIn(6103, '[fd42::2]', 8101))).toMatchObject(BOUND);
        expect(await h.run(bindIn(6103, '10.42.0.3', 8101))).toMatchObject(REFUSED);
        expect(await h.run(bindIn(6103, '[fd42::3]', 8101))).toMatchObject(REFUSED);
        // The same address twice: EEXIST.
        expect(await h.run('naddress --add --silent --nid 6103 --ip 10.42.0.1')).toMatchObject({
          exitCode: 255,
          stdout: '',
          stderr: 'naddress: net_add_ipv4 10.42.0.1: File exists\n',
        });
      });
    });

    it('naddress --remove takes one address away ("Removing"), or all of them; --set replaces the set', async () => {
      await whileAlive(keepAlive(6104, '--endsetup'), async () => {
        await h.succeed('naddress --add --silent --nid 6104 --ip 10.42.0.1 --ip 10.42.0.2 --ip fd42::1');
        expect(await h.run('naddress --remove --nid 6104 --ip 10.42.0.2')).toMatchObject({ exitCode: 0, stdout: 'Removing 10.42.0.2\n', stderr: '' });
        expect(await h.run(bindIn(6104, '10.42.0.2', 8102))).toMatchObject(REFUSED);
        expect(await h.run(bindIn(6104, '10.42.0.1', 8102))).toMatchObject(BOUND);
        // Removing what is not there: ESRCH.
        expect(await h.run('naddress --remove --nid 6104 --ip 10.42.0.2')).toMatchObject({
          exitCode: 255,
          stderr: 'naddress: net_rem_ipv4 10.42.0.2: No such process\n',
        });
        // No --ip: every address, IPv4 and IPv6.
        expect(await h.run('naddress --remove --nid 6104')).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
        expect(await h.run(bindIn(6104, '10.42.0.1', 8102))).toMatchObject(REFUSED);
        expect(await h.run(bindIn(6104, '[fd42::1]', 8102))).toMatchObject(REFUSED);
        // --set: whatever was there goes, the new set comes.
        await h.succeed('naddress --add --silent --nid 6104 --ip 10.42.0.1');
        expect(await h.run('naddress --set --nid 6104 --ip 10.42.0.3')).toMatchObject({ exitCode: 0, stdout: 'Adding 10.42.0.3\n' });
        expect(await h.run(bindIn(6104, '10.42.0.3', 8102))).toMatchObject(BOUND);
        expect(await h.run(bindIn(6104, '10.42.0.1', 8102))).toMatchObject(REFUSED);
      });
    });

    it('naddress --range adds the addresses A through B; --bcast and --lback are accepted', async () => {
      await whileAlive(keepAlive(6105, '--endsetup'), async () => {
        expect(await h.run('naddress --add --nid 6105 --range 10.42.0.2-10.42.0.3 --bcast 10.42.0.255 --lback 127.0.0.2')).toMatchObject({
          exitCode: 0,
          stdout: 'Adding 10.42.0.2-10.42.0.3\n',
          stderr: '',
        });
        expect(await h.run(bindIn(6105, '10.42.0.2', 8103))).toMatchObject(BOUND);
        expect(await h.run(bindIn(6105, '10.42.0.3', 8103))).toMatchObject(BOUND);
        expect(await h.run(bindIn(6105, '10.42.0.1', 8103))).toMatchObject(REFUSED);
      });
    });

    it('nattribute --get/--set round-trips flags and network capabilities through the mask, "~" clears', async () => {
      await whileAlive(keepAlive(6106, '--endsetup'), async () => {
        const before = (await h.succeed('nattribute --nid 6106 --get')).stdout;
        expect(before).toMatch(/^flags: [a-z_^0-9,]+\nncapabilities: none\n$/);
        expect(before).toMatch(/^flags: .*\bhide_netif\b/m);
        expect(before).toMatch(/^flags: .*\bstate_admin\b/m);
        expect(before).not.toMatch(/state_setup/); // ended by --endsetup
        await h.succeed('nattribute --nid 6106 --set --flag private,remap_lback,lock --ncap raw_icmp,tun_create');
        let out = (await h.succeed('nattribute --nid 6106 --get')).stdout;
        expect(out).toMatch(/^flags: .*\bprivate\b/m);
        expect(out).toMatch(/^flags: .*\blback_remap\b/m);
        expect(out).toMatch(/^ncapabilities: tun_create,raw_icmp$/m);
        await h.succeed("nattribute --nid 6106 --set --flag '~private,!lback_remap' --ncap ~tun_create,multicast");
        out = (await h.succeed('nattribute --nid 6106 --get')).stdout;
        expect(out).not.toMatch(/private|lback_remap/);
        expect(out).toMatch(/^ncapabilities: raw_icmp,multicast$/m);
        // The one-time flag state_setup, once cleared, stays cleared.
        await h.run('nattribute --nid 6106 --set --flag state_setup');
        expect((await h.succeed('nattribute --nid 6106 --get')).stdout).not.toMatch(/state_setup/);
        // Without --nid: the caller's own network context.
        expect((await h.succeed('ncontext --migrate --nid 6106 -- nattribute --get')).stdout).toBe(out);
        // --secure (util-vserver's): hide_netif set, the ncaps left alone; it replaces the words
        // before it, the words after it count.
        await h.succeed('nattribute --nid 6106 --set --flag ~hide_netif --ncap tun_create');
        await h.succeed('nattribute --nid 6106 --set --ncap ~tun_create --secure');
        out = (await h.succeed('nattribute --nid 6106 --get')).stdout;
        expect(out).toMatch(/^flags: .*\bhide_netif\b/m);
        expect(out).toMatch(/^ncapabilities: tun_create,raw_icmp,multicast$/m);
        await h.succeed('nattribute --nid 6106 --set --secure --ncap ~tun_create --flag hide_lback');
        out = (await h.succeed('nattribute --nid 6106 --get')).stdout;
        expect(out).toMatch(/^ncapabilities: raw_icmp,multicast$/m);
        expect(out).toMatch(/^flags: .*\bhide_lback\b/m);
      });
    });

    it('chbind prints "ipv4root is now …" and runs the command in a network context of its own', async () => {
      const r = await h.run(`chbind --ip 10.42.0.1 --ip 10.42.0.2/32 -- vsyscall ${TASK_NID} 0`);
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      const [line, call] = r.stdout.trim().split('\n');
      expect(line).toBe('ipv4root is now 10.42.0.1 10.42.0.2');
      const nid = Number(/^ret=(\d+) errno=0 OK$/.exec(call ?? '')?.[1]);
      expect(nid).toBeGreaterThanOrEqual(49152);
      // --silent, --nid, and the exit status is the command's.
      expect(await h.run(`chbind --silent --nid 6107 --ip 10.42.0.1 -- sh -c 'vsyscall ${TASK_NID} 0; exit 7'`)).toMatchObject({
        exitCode: 7,
        stdout: 'ret=6107 errno=0 OK\n',
      });
      // The setup phase is over when the command runs.
      expect((await h.succeed('chbind --silent --nid 6107 --ip 10.42.0.1 -- nattribute --get')).stdout).not.toMatch(/state_setup/);
    });

    it('chbind takes an interface name (its address) or a host name from /etc/hosts', async () => {
      expect((await h.succeed('chbind --ip dummy0 -- true')).stdout).toBe('ipv4root is now 10.42.0.1\n');
      try {
        await h.succeed("printf '# test\\n10.42.0.3\\tguest3 g3\\n' >/etc/hosts");
        expect((await h.succeed('chbind --ip g3/28 -- true')).stdout).toBe('ipv4root is now 10.42.0.3\n');
      } finally {
        await h.run('rm -f /etc/hosts');
      }
    });

    it('chbind --nid N enters N when it exists (util-vserver: ncontext --migrate), leaving its addresses as they are', async () => {
      await whileAlive(keepAlive(6108), async () => {
        await h.succeed('naddress --add --silent --nid 6108 --ip 10.42.0.3');
        const r = await h.run(`chbind --silent --nid 6108 --ip 10.42.0.1 -- sh -c 'vsyscall ${TASK_NID} 0; grep V4Root /proc/self/ninfo'`);
        expect(r).toMatchObject({ exitCode: 0, stderr: '' });
        expect(r.stdout).toMatch(/^ret=6108 errno=0 OK$/m);
        expect(r.stdout).toMatch(/^V4Root\[0\]:\s+\[10\.42\.0\.3-/m);
        expect(r.stdout).not.toMatch(/10\.42\.0\.1/);
      });
    });

    it('two guests on the same port: each server gets its own address and serves only its own page', async () => {
      await h.succeed('mkdir -p /tmp/w1 /tmp/w2 && echo page-one >/tmp/w1/index.html && echo page-two >/tmp/w2/index.html');
      const one = (await h.succeed('chbind --silent --nid 6109 --ip 10.42.0.1 -- httpd -f -p 8080 -h /tmp/w1 >/dev/null 2>&1 & echo $!')).stdout.trim();
      const two = (
        await h.succeed('chbind --silent --nid 6110 --ip 10.42.0.2 -- httpd -f -p 0.0.0.0:8080 -h /tmp/w2 >/tmp/w2.err 2>&1 & echo $!')
      ).stdout.trim();
      try {
        // Both servers start in the background: wait for both, not only the last one started.
        await h.succeed(vpoll("netstat -ltn | grep -q '10.42.0.1:8080 ' && netstat -ltn | grep -q '10.42.0.2:8080 '"));
        // Both bound port 8080 on a wildcard — one on [::] (httpd's default; its address shows
        // v4-mapped, ::ffff:10.42.0.1), one on 0.0.0.0 — and each ended up on its own address.
        const listen = (await h.succeed('netstat -ltn')).stdout;
        expect(listen).toMatch(/[\s:]10\.42\.0\.1:8080\s/);
        expect(listen).toMatch(/[\s:]10\.42\.0\.2:8080\s/);
        expect(listen).not.toMatch(/\s(0\.0\.0\.0|::):8080\s/);
        expect((await h.run('cat /tmp/w2.err')).stdout).toBe('');
        // Each guest reaches its own server at its own address.
        expect((await h.succeed('ncontext --migrate --nid 6109 -- wget -q -O - http://10.42.0.1:8080/')).stdout).toBe('page-one\n');
        expect((await h.succeed('ncontext --migrate --nid 6110 -- wget -q -O - http://10.42.0.2:8080/')).stdout).toBe('page-two\n');
        // Nothing listens on the third address.
        expect((await h.run('wget -q -O - http://10.42.0.3:8080/')).exitCode).not.toBe(0);
      } finally {
        await h.run(`kill ${one} ${two}; rm -rf /tmp/w1 /tmp/w2 /tmp/w2.err`);
      }
    });

    it("a guest cannot bind another guest's address or the host's other addresses (EADDRNOTAVAIL), only its own", async () => {
      await whileAlive(chbindAlive(6112, '10.42.0.1'), async () => {
        for (const addr of ['10.42.0.2', '10.42.0.3', '127.0.0.1', '[fd42::1]', '[::1]']) {
          expect(await h.run(bindIn(6112, addr, 8081)), addr).toMatchObject(REFUSED);
        }
        expect(await h.run(bindIn(6112, '10.42.0.1', 8081))).toMatchObject(BOUND);
      });
    });

    it("the address listings inside a guest show only the guest's own addresses", async () => {
      const host = listed((await h.succeed('ip -o addr')).stdout);
      expect(host).toEqual(expect.arrayContaining(['10.42.0.1', '10.42.0.2', '10.42.0.3', 'fd42::1', 'fd42::2']));
      const guest = listed((await h.succeed('chbind --silent --ip 10.42.0.2 -- ip -o addr')).stdout);
      expect(guest).toContain('10.42.0.2');
      expect(guest.filter((a) => a.startsWith('10.42.') || a.startsWith('fd42:'))).toEqual(['10.42.0.2']);
      // The ioctl listing (SIOCGIFCONF) agrees.
      const ifc = (await h.succeed('chbind --silent --ip 10.42.0.2 -- ifconfig')).stdout;
      expect(ifc).toMatch(/inet addr:10\.42\.0\.2 /);
      expect(ifc).not.toMatch(/10\.42\.0\.[13]\b/);
    });

    it("an unbound IPv6 socket in a guest connects from the context's IPv6 address, not the one the route would pick", async () => {
      // The kernel would choose fd42::1 itself to reach fd42::1; the context owns fd42::2.
      await h.succeed(`(nc -l -p 5103 >/dev/null 2>&1 &) && ${vpoll("netstat -ltn | grep -q ':5103 '")}`);
      await whileAlive(chbindAlive(6203, '10.42.0.2'), async () => {
        await h.succeed('naddress --add --silent --nid 6203 --ip fd42::2');
        await h.succeed("ncontext --migrate --nid 6203 -- sh -c 'echo hi | nc fd42::1 5103; true'");
        // /proc/net/tcp6 (host view): local fd42::1 port 5103 (0x13EF), remote fd42::2, as four host-order words.
        const tcp6 = (await h.succeed('cat /proc/net/tcp6')).stdout;
        const peer = /^\s*\d+: 000042FD000000000000000001000000:13EF ([0-9A-F]{32}):/m.exec(tcp6)?.[1];
        expect(peer).toBe('000042FD000000000000000002000000');
      });
    });

    it('the interface listings inside a guest show only the interfaces that carry its addresses', async () => {
      expect(linkNames((await h.succeed('ip -o link')).stdout)).toEqual(['lo', 'dummy0']);
      // RTM_GETLINK: loopback carries no address of the set (no LBACK_ALLOW), so only dummy0 shows.
      expect(linkNames((await h.succeed('chbind --silent --ip 10.42.0.2 -- ip -o link')).stdout)).toEqual(['dummy0']);
      // /proc/net/dev: the two header lines, then one line per visible interface.
      expect(devNames((await h.succeed('chbind --silent --ip 10.42.0.2 -- cat /proc/net/dev')).stdout)).toEqual(['dummy0']);
      expect(devNames((await h.succeed('cat /proc/net/dev')).stdout).sort()).toEqual(['dummy0', 'lo']);
    });

    it('without CAP_NET_RAW ping needs the raw_icmp network capability', async () => {
      await whileAlive(chbindAlive(6111, '10.42.0.1'), async () => {
        const ping = "ncontext --migrate --nid 6111 -- reducecap --cap '!NET_RAW' -- ping -c 1 -W 2 10.42.0.1";
        const without = await h.run(ping);
        expect(without.exitCode).not.toBe(0);
        expect(without.stderr).toMatch(/permission denied|not permitted/i);
        await h.succeed('nattribute --nid 6111 --set --ncap raw_icmp');
        const withCap = await h.run(ping);
        expect(withCap.exitCode, withCap.stderr).toBe(0);
        expect(withCap.stdout).toMatch(/1 packets received/);
      });
    });
  });
});
