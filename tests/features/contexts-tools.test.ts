/**
 * The context tools of ABI §8 (chcontext, vcontext, vattribute, vkill, vps, vserver-stat,
 * vuname, reducecap) and our showcaps, run in the guest on the vserver kernel: usage and exit
 * codes, the output lines util-vserver users and scripts rely on, and that each tool does what
 * it says to a context. Every test cleans up the contexts it made (vkill).
 */
import { describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';
import { defineUsageTests } from '../tool-usage.ts';
import { vpoll } from '../poll.ts';

const TOOLS = ['chcontext', 'vcontext', 'vattribute', 'vkill', 'vps', 'vserver-stat', 'vuname', 'reducecap', 'showcaps'];

/** Polls (deadline 5 s) until CMD fails: exit 0 once it did, 1 if it never did. */
const gone = (cmd: string): string => vpoll(cmd, { not: true });
/** Start a process that keeps context XID alive; returns its pid. */
const keepAlive = (xid: number, extra = ''): string => `vcontext --create --silent ${extra} --xid ${xid} -- sh -c 'sleep 1000 >/dev/null 2>&1 & echo $!'`;

describe('context tools (ABI §8) on the vserver kernel', () => {
  const h = useGuest({ variant: 'vserver' });
  /** Runs BODY with context XID kept alive (keepAlive with EXTRA) and the pid of its task, then kills the context whatever BODY did. */
  const withContext = async (xid: number, extra: string, body: (pid: string) => Promise<void>): Promise<void> => {
    const pid = (await h.succeed(keepAlive(xid, extra))).stdout.trim();
    try {
      await body(pid);
    } finally {
      await h.run(`vkill --xid ${xid}`);
    }
  };

  defineUsageTests(h, TOOLS);

  it("chcontext names an unknown capability or flag: Unknown capability '…' / Unknown flag '…', exit 255", async () => {
    const cap = await h.run("chcontext --cap '!CAP_NO_SUCH' -- true");
    expect(cap).toMatchObject({ exitCode: 255, stderr: "Unknown capability 'CAP_NO_SUCH'\n" });
    const flag = await h.run('chcontext --flag fakeinit,nosuchflag -- true');
    expect(flag).toMatchObject({ exitCode: 255, stderr: "Unknown flag 'nosuchflag'\n" });
  });

  it('showcaps decodes the sets of root (full, CAP_CONTEXT as context) and of a user (none)', async () => {
    const root = (await h.succeed('showcaps')).stdout;
    expect(root).toMatch(
      /^effective: chown,dac_override,.*\bsys_admin\b.*,checkpoint_restore,context\npermitted: .*\ninheritable: none\nbounding: .*\nambient: none\n$/,
    );
    const user = (await h.succeed('su -s /bin/sh -c showcaps user')).stdout;
    expect(user).toMatch(/^effective: none\npermitted: none\ninheritable: none\nbounding: chown,/);
  });

  it('reducecap drops a capability from the bounding set; a setuid-root exec does not regain it', async () => {
    await h.succeed('mkdir -p /tmp/rc && cp /usr/lib/vslab/vstool /tmp/rc/showcaps && chmod 4755 /tmp/rc/showcaps');
    const r = await h.succeed("reducecap --cap '!CAP_NET_RAW,~chown' -- su -s /bin/sh -c /tmp/rc/showcaps user");
    expect(r.stdout).toMatch(/^effective: dac_override,.*\bsetuid\b/m);
    expect(r.stdout).not.toMatch(/\b(chown|net_raw)\b/);
    const secure = (await h.succeed('reducecap --secure --cap MKNOD -- showcaps')).stdout;
    expect(secure).toMatch(
      /^bounding: chown,dac_override,dac_read_search,fowner,fsetid,kill,setgid,setuid,net_bind_service,sys_chroot,sys_ptrace,sys_boot,sys_tty_config,mknod,lease,audit_write$/m,
    );
    await h.run('rm -rf /tmp/rc');
  });

  it('vcontext --create prints "New security context is N" and runs the command in context N', async () => {
    const r = await h.run('vcontext --create --xid 4101 -- vsyscall task_xid 0');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('New security context is 4101\nret=4101 errno=0 OK\n');
    expect(r.exitCode).toBe(0);
  });

  it('vcontext --create exits 254 if the context exists (silently with --silentexist); --migrate enters it', async () => {
    await withContext(4102, '', async (pid) => {
      const again = await h.run('vcontext --create --xid 4102 -- true');
      expect(again.exitCode).toBe(254);
      expect(again.stderr).toMatch(/4102/);
      expect(await h.run('vcontext --create --silentexist --xid 4102 -- true')).toMatchObject({ exitCode: 254, stdout: '', stderr: '' });
      expect((await h.succeed('vcontext --migrate --xid 4102 -- vsyscall task_xid 0')).stdout).toBe('ret=4102 errno=0 OK\n');
      // Inside the context its own process is visible.
      expect((await h.run(`vcontext --migrate --xid 4102 -- kill -0 ${pid}`)).exitCode).toBe(0);
    });
  });

  it("vcontext --initpid makes the command the context's init (vx_info initpid)", async () => {
    const r = await h.succeed("vcontext --create --silent --initpid --xid 4112 -- sh -c 'echo $$; exec vsyscall --out 8 vx_info 4112'");
    const [pid, call, out] = r.stdout.trim().split('\n');
    expect(call).toBe('ret=0 errno=0 OK');
    const info = Buffer.from((out ?? '').replace(/^out=/, ''), 'hex');
    expect(info.readUInt32LE(0)).toBe(4112);
    expect(info.readUInt32LE(4)).toBe(Number(pid));
  });

  it("chcontext prints its three lines and sets the names; exit status is the command's", async () => {
    const r = await h.run("chcontext --xid 4103 --hostname guest4103 --domainname example.org -- sh -c 'uname -n; exit 7'");
    // chcontext prints the name lines before it runs the chain; vcontext --create then prints its line.
    expect(r.stdout).toBe('Host name is now guest4103\nDomain name is now example.org\nNew security context is 4103\nguest4103\n');
    expect(r.exitCode).toBe(7);
    expect((await h.run('chcontext --silent --xid 4103 -- true')).stdout).toBe('');
  });

  it("chcontext --secure drops util-vserver's insecure capabilities from the context bound (and only those)", async () => {
    const caps = (await h.succeed('chcontext --silent --secure -- showcaps')).stdout;
    expect(caps).toMatch(
      /^bounding: chown,dac_override,dac_read_search,fowner,fsetid,kill,setgid,setuid,setpcap,net_bind_service,sys_chroot,sys_ptrace,sys_boot,sys_tty_config,lease,audit_control,setfcap,mac_override,mac_admin,syslog,wake_alarm,block_suspend,audit_read,perfmon,bpf,checkpoint_restore$/m,
    );
  });

  it('vattribute --get prints bcapabilities, ccapabilities, flags and umask lines (util-vserver order)', async () => {
    await withContext(4104, '', async () => {
      const out = (await h.succeed('vattribute --xid 4104 --get')).stdout;
      expect(out).toMatch(/^bcapabilities: CAP_CHOWN,[A-Z_,^0-9]+\nccapabilities: none\nflags: [a-z_^0-9,]+\numask: 0x[0-9a-f]+\n$/);
      expect(out).toMatch(/^flags: .*\bstate_setup\b/m);
      // Without --xid: the caller's own context.
      expect((await h.succeed('vcontext --migrate --xid 4104 -- vattribute --get')).stdout).toBe(out);
    });
  });

  it('vattribute --set changes flags, ccaps and bcaps through the mask, "~" clears', async () => {
    await withContext(4105, '--endsetup', async () => {
      await h.succeed('vattribute --xid 4105 --set --flag virt_uptime,hide_mount --ccap utsname,ping --bcap ~MKNOD,~CAP_NET_RAW');
      let out = (await h.succeed('vattribute --xid 4105 --get')).stdout;
      expect(out).toMatch(/^flags: .*\bvirt_uptime\b/m);
      expect(out).toMatch(/^flags: .*\bhide_mount\b/m);
      expect(out).toMatch(/^ccapabilities: set_utsname,raw_icmp$/m);
      expect(out).not.toMatch(/CAP_MKNOD|CAP_NET_RAW/);
      expect(out).toMatch(/^bcapabilities: .*CAP_SYS_ADMIN/m);
      await h.succeed('vattribute --xid 4105 --set --flag ~hide_mount --ccap !icmp');
      out = (await h.succeed('vattribute --xid 4105 --get')).stdout;
      expect(out).not.toMatch(/hide_mount/);
      expect(out).toMatch(/^ccapabilities: set_utsname$/m);
    });
  });

  it('what vattribute sets shows in /proc/virtual/<xid>/status (Flags:, CCaps:, BCaps:)', async () => {
    await withContext(4111, '--endsetup', async () => {
      await h.succeed('vattribute --xid 4111 --set --flag virt_uptime --ccap set_utsname --bcap ~MKNOD');
      const status = (await h.succeed('grep -E "^(Flags|BCaps|CCaps):" /proc/virtual/4111/status')).stdout;
      expect(status).toMatch(/^Flags:\t[0-9a-f]{16}\nBCaps:\t[0-9a-f]{16}\nCCaps:\t[0-9a-f]{16}\n$/);
      const word = (key: string): bigint => BigInt(`0x${new RegExp(`^${key}:\\t([0-9a-f]{16})$`, 'm').exec(status)?.[1] ?? 'x'}`);
      expect(word('Flags') & 0x20000n).toBe(0x20000n); // VIRT_UPTIME
      expect(word('Flags') & (1n << 32n)).toBe(0n); // STATE_SETUP ended by --endsetup
      expect(word('CCaps')).toBe(1n); // SET_UTSNAME
      expect(word('BCaps') & (1n << 27n)).toBe(0n); // CAP_MKNOD
      expect(word('BCaps') & 1n).toBe(1n); // CAP_CHOWN
    });
  });

  it("vattribute --secure sets util-vserver's secure sets: bcaps but the insecure ones, ccaps exactly set_utsname and raw_icmp, hide_netif; later options change bits on top", async () => {
    await withContext(4113, '--endsetup', async () => {
      await h.succeed('vattribute --xid 4113 --set --ccap syslog,set_utsname');
      await h.succeed('vattribute --xid 4113 --set --secure');
      let out = (await h.succeed('vattribute --xid 4113 --get')).stdout;
      expect(out).toMatch(
        /^bcapabilities: CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_DAC_READ_SEARCH,CAP_FOWNER,CAP_FSETID,CAP_KILL,CAP_SETGID,CAP_SETUID,CAP_SETPCAP,CAP_NET_BIND_SERVICE,CAP_SYS_CHROOT,CAP_SYS_PTRACE,CAP_SYS_BOOT,CAP_SYS_TTY_CONFIG,CAP_LEASE,CAP_AUDIT_CONTROL,CAP_SETFCAP,CAP_MAC_OVERRIDE,CAP_MAC_ADMIN,CAP_SYSLOG,CAP_WAKE_ALARM,CAP_BLOCK_SUSPEND,CAP_AUDIT_READ,CAP_PERFMON,CAP_BPF,CAP_CHECKPOINT_RESTORE$/m,
      );
      expect(out).toMatch(/^ccapabilities: set_utsname,raw_icmp$/m);
      expect(out).toMatch(/^flags: .*\bhide_netif\b/m);
      // util-vserver's order: --secure replaces, the words after it change bits on top.
      await h.succeed('vattribute --xid 4113 --set --secure --ccap ~raw_icmp,syslog');
      out = (await h.succeed('vattribute --xid 4113 --get')).stdout;
      expect(out).toMatch(/^ccapabilities: set_utsname,syslog$/m);
    });
  });

  it('chcontext --xid N enters context N when it exists already (the migrate chain: no "New security context" line)', async () => {
    // Made by chcontext's create chain, which saves the spaces the migrate chain enters.
    await h.succeed("chcontext --silent --xid 4114 -- sh -c 'sleep 1000 >/dev/null 2>&1 &'");
    try {
      const r = await h.succeed("chcontext --xid 4114 -- sh -c 'sleep 1000 >/dev/null 2>&1 & echo $!'");
      const [pid, extra] = r.stdout.trim().split('\n');
      expect(extra).toBeUndefined();
      expect((await h.succeed(`vsyscall task_xid ${pid ?? ''}`)).stdout).toBe('ret=4114 errno=0 OK\n');
    } finally {
      await h.run('vkill --xid 4114');
    }
  });

  it('vcontext --uid runs the command as that user inside the context', async () => {
    expect((await h.succeed('vcontext --create --silent --xid 4115 --uid 1000 -- id -u')).stdout).toBe('1000\n');
  });

  it('vuname prints the seven fields of a context and sets one with -s -t', async () => {
    await withContext(4106, '', async () => {
      const host = (await h.succeed('uname -s -n -r -m')).stdout.trim().split(' ');
      // The version field holds blanks, so ask for the others by name; all seven are printed.
      expect((await h.succeed('vuname --xid 4106 sysname nodename release machine')).stdout).toBe(`${host.join(' ')}\n`);
      expect((await h.succeed('vuname --xid 4106')).stdout).toContain(` ${host.slice(0, 3).join(' ')} `);
      await h.succeed('vuname -s --xid 4106 -t nodename=guest4106');
      expect((await h.succeed('vuname --xid 4106 nodename sysname')).stdout).toBe(`guest4106 ${host[0] ?? ''}\n`);
      expect((await h.succeed('vcontext --migrate --xid 4106 -- uname -n')).stdout).toBe('guest4106\n');
      expect((await h.succeed('uname -n')).stdout).toBe(`${host[1] ?? ''}\n`);
    });
  });

  it('vps shows the CONTEXT column after PID: xid in 5 columns, then MAIN / ALL_PROC / the guest', async () => {
    await withContext(4107, '', async (pid) => {
      const out = (await h.succeed('vps')).stdout;
      // /usr/bin/ps (procps style, right-aligned PID); CONTEXT after the PID column and its blank.
      expect(out.split('\n')[0]).toMatch(/^\s*PID CONTEXT {13}\S/);
      expect(out).toMatch(/^\s*1 {5}0 MAIN {10}\S/m);
      expect(out).toMatch(new RegExp(`^\\s*${pid}  4107 4107 {10}\\S`, 'm'));
      expect(out).toMatch(/^\s*\d+ {5}1 ALL_PROC {6}\S.*\bvps$/m);
      expect(out).toMatch(/^\s*\d+ {5}1 ALL_PROC {6}\S.*\bps$/m);
    });
  });

  it('vserver-stat prints the header and a row for the host, the spectator and a guest', async () => {
    await withContext(4108, '', async () => {
      const out = (await h.succeed('vserver-stat')).stdout;
      const lines = out.trim().split('\n');
      expect(lines[0]).toBe('CTX   PROC    VSZ    RSS  userTIME   sysTIME    UPTIME NAME');
      expect(out).toMatch(/^0 +\d+ .* root server$/m);
      expect(out).toMatch(/^1 +\d+ .* monitoring server$/m);
      expect(out).toMatch(/^4108 +1 +\S+ +\S+ +\S+ +\S+ +\S+ \S/m);
    });
  });

  it('vkill kills one process of a context, or all of them, and nothing outside it', async () => {
    const a = (await h.succeed(keepAlive(4109))).stdout.trim();
    const b = (await h.succeed(`vcontext --migrate --xid 4109 -- sh -c 'sleep 1000 >/dev/null 2>&1 & echo $!'`)).stdout.trim();
    const host = (await h.succeed('sleep 1000 >/dev/null 2>&1 & echo $!')).stdout.trim();
    try {
      expect((await h.run(`vkill --xid 4109 -s TERM ${host}`)).exitCode).toBe(1);
      await h.succeed(`vkill --xid 4109 -s TERM ${a}`);
      expect((await h.run(gone(`vcontext --migrate --xid 4109 -- kill -0 ${a}`))).exitCode).toBe(0);
      expect((await h.run(`vcontext --migrate --xid 4109 -- kill -0 ${b}`)).exitCode).toBe(0);
      await h.succeed('vkill --xid 4109');
      expect((await h.run(gone('vcontext --migrate --xid 4109 -- true'))).exitCode).toBe(0);
      expect((await h.run(`kill -0 ${host}`)).exitCode).toBe(0);
    } finally {
      await h.run(`kill ${host}; vkill --xid 4109`);
    }
  });
});
