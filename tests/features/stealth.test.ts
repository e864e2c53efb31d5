/**
 * Stealth (paper §06.7): a guest cannot easily tell it runs in a context. A detection script
 * makes the checks a guest would use to find out (the VxID/NxID lines of /proc/self/status, the
 * vinfo and ninfo files, /proc/virtual and /proc/virtnet, a mount table without "/", a missing or
 * foreign /proc/1, processes that started long after boot or after the uptime began, CPU time in
 * /proc/stat that none of its processes used, a boot time in /proc/stat or a CLOCK_BOOTTIME that
 * disagrees with /proc/uptime, listed addresses it cannot bind, a kernel release that names
 * Linux-VServer) and prints one word per finding. Two guests run it, made alike the way util-vserver makes them (a network context with
 * one address and no HIDE_NETIF, `vattribute --set --secure`, chrooted into the same tree); the
 * default one clears the context flag hide_netif that --secure sets; the stealth one adds
 * `vattribute --stealth` (fakeinit, hide_vinfo, hide_mount, hide_netif, virt_uptime, virt_load,
 * virt_mem, virt_cpu, virt_time) and becomes its context's init: it must find nothing, the default one each sign.
 */
import { describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';
import { settleUntil } from '../poll.ts';

const ROOT = '/tmp/stroot';

/** The detection script, run as /detect.sh inside the guest's root. */
const DETECT = String.raw`#!/bin/sh
grep -q '^VxID:' /proc/self/status && echo vxid-line
grep -q '^NxID:' /proc/self/status && echo nxid-line
[ -e /proc/self/vinfo ] && echo vinfo-file
[ -e /proc/self/ninfo ] && echo ninfo-file
ls /proc/self | grep -qx vinfo && echo vinfo-listed
[ -e /proc/virtual ] && echo proc-virtual
[ -e /proc/virtnet ] && echo proc-virtnet
ls /proc | grep -qx virtual && echo virtual-listed
grep -q '^[^ ]* / ' /proc/mounts || echo no-root-mount
grep -q '^[0-9]* [0-9]* [0-9:]* [^ ]* / ' /proc/self/mountinfo || echo no-root-mountinfo
grep -q ' mounted on / ' /proc/self/mountstats || echo no-root-mountstats
[ -r /proc/1/stat ] || echo no-pid1
up=$(cut -d. -f1 /proc/uptime)
oldest=
for f in /proc/[0-9]*/stat; do
  s=$(cut -d' ' -f22 "$f" 2>/dev/null) || continue
  [ -n "$s" ] || continue
  if [ -z "$oldest" ] || [ "$s" -lt "$oldest" ]; then oldest=$s; fi
done
[ $((oldest / 100)) -gt 5 ] && echo oldest-process-late
self=$(cut -d' ' -f22 /proc/self/stat)
[ $((self / 100)) -gt $((up + 1)) ] && echo started-after-uptime
read -r cpu u n s rest </proc/stat
own=0
for f in /proc/[0-9]*/stat; do
  t=$(cut -d' ' -f14-17 "$f" 2>/dev/null) || continue
  [ -n "$t" ] || continue
  set -- $t
  own=$((own + $1 + $2 + $3 + $4))
done
[ $((u + n + s)) -gt $((own + 50)) ] && echo cpu-time-unaccounted
bt=$(sed -n 's/^btime //p' /proc/stat)
d=$((bt + up - $(date +%s)))
{ [ $d -gt 2 ] || [ $d -lt -2 ]; } && echo btime-vs-uptime
clk=$(vclock | sed -n 's/^boottime \([0-9]*\)\..*/\1/p')
{ [ $((clk - up)) -gt 2 ] || [ $((up - clk)) -gt 2 ]; } && echo clock-vs-uptime
foreign=
for a in $(ip -4 addr show | sed -n 's/.* inet \([0-9.]*\)\/.*/\1/p'); do
  case $a in 127.*) continue ;; esac
  escape-net bind $a 40123 >/dev/null 2>&1 || foreign=yes
done
[ -n "$foreign" ] && echo foreign-address
uname -r | grep -qiE 'vs[0-9]|vserver' && echo uname-release
echo done
`;

describe('stealth (paper §06.7): vattribute --stealth hides every sign a detection script looks for', () => {
  const h = useGuest({ variant: 'vserver' });

  it('setup: a guest root with busybox, the tools and the script, /proc mounted in it; the machine up for more than 10 s', async () => {
    await h.succeed(
      `mkdir -p ${ROOT}/bin ${ROOT}/proc ${ROOT}/tmp ${ROOT}/dev && mknod -m 666 ${ROOT}/dev/null c 1 3 && cp /bin/busybox /usr/lib/vslab/vstool ${ROOT}/bin/ && ` +
        `for a in sh cat cut date grep ls ip sed uname; do ln -sf busybox ${ROOT}/bin/$a; done && ln -sf vstool ${ROOT}/bin/escape-net && ln -sf vstool ${ROOT}/bin/vclock && ` +
        `mount -t proc proc ${ROOT}/proc`,
    );
    await h.succeed(`echo ${Buffer.from(DETECT).toString('base64')} | base64 -d >${ROOT}/detect.sh && chmod 755 ${ROOT}/detect.sh`);
    await settleUntil(h.guest.shell, '[ $(cut -d. -f1 /proc/uptime) -gt 10 ]', { timeoutMs: 20_000, intervalMs: 50 });
  });

  /** Runs the script in a new guest XID (network context XID, address 10.42.0.2) with ATTRS; returns its findings. */
  const detect = async (xid: number, attrs: string, initpid: boolean): Promise<string[]> => {
    const r = await h.run(
      `ncontext --create --silent --nid ${xid} -- nattribute --nid ${xid} --set --flag ~hide_netif -- ` +
        `naddress --add --silent --nid ${xid} --ip 10.42.0.2/24 -- ` +
        `vcontext --create --silent --xid ${xid} -- vattribute --set --secure ${attrs} -- ` +
        `vcontext --silent --endsetup ${initpid ? '--initpid ' : ''}--migrate-self -- chroot ${ROOT} /bin/sh /detect.sh`,
    );
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const words = r.stdout.trim().split('\n');
    expect(words.pop()).toBe('done');
    return words;
  };

  it('a default guest: the script finds the context lines and files, /proc/virtual, the chroot in the mount table, no init, late processes, CPU time of processes it cannot see and foreign addresses', async () => {
    // util-vserver's --secure sets the context flag hide_netif, which the kernel honours like the
    // network context's: this guest clears it (and its network context has none) so that its
    // interface listing shows what a guest without it sees.
    const found = await detect(1901, '--flag ~hide_netif', false);
    expect(found).toEqual([
      'vxid-line',
      'nxid-line',
      'vinfo-file',
      'ninfo-file',
      'vinfo-listed',
      'proc-virtual',
      'proc-virtnet',
      'virtual-listed',
      'no-root-mount',
      'no-root-mountinfo',
      'no-root-mountstats',
      'no-pid1',
      'oldest-process-late',
      'cpu-time-unaccounted',
      'foreign-address',
    ]);
  });

  it('a stealth guest (vattribute --stealth, its command the context init): the same script finds nothing', async () => {
    expect(await detect(1902, '--stealth', true)).toEqual([]);
  });

  it('control: the stealth preset without virt_cpu and virt_time: the script finds CPU time no process of the guest used, and a CLOCK_BOOTTIME that disagrees with /proc/uptime', async () => {
    expect(await detect(1905, '--stealth --flag ~virt_cpu,~virt_time', true)).toEqual(['cpu-time-unaccounted', 'clock-vs-uptime']);
  });

  it('vattribute --stealth sets exactly fakeinit, hide_vinfo, hide_mount, hide_netif, virt_uptime, virt_load, virt_mem, virt_cpu and virt_time, and --help names it', async () => {
    const r = await h.succeed(`vcontext --create --silent --xid 1903 -- vattribute --set --stealth -- vattribute --get`);
    const flags = /^flags: (.*)$/m.exec(r.stdout)?.[1]?.split(',') ?? [];
    expect(flags.filter((f) => !f.startsWith('state_')).sort()).toEqual([
      'fakeinit',
      'hide_mount',
      'hide_netif',
      'hide_vinfo',
      'virt_cpu',
      'virt_load',
      'virt_mem',
      'virt_time',
      'virt_uptime',
    ]);
    expect((await h.succeed('vattribute --help')).stdout).toMatch(/--stealth .*fakeinit, hide_vinfo, hide_mount, hide_netif,\n.*virt_cpu,\n.*virt_time/);
  });

  it('the host and the spectator still see the stealth guest: /proc/virtual lists it, vps names its tasks', async () => {
    await h.succeed(
      `vcontext --create --silent --xid 1904 -- vattribute --set --secure --stealth -- vcontext --silent --endsetup --migrate-self -- sh -c 'sleep 1000 >/dev/null 2>&1 &'`,
    );
    try {
      expect((await h.succeed('ls /proc/virtual')).stdout).toMatch(/^1904$/m);
      const vps = await h.succeed('vps');
      expect(vps.stdout).toMatch(/^\s*\d+ {2}1904 \S*\s.*\bsleep\b/m);
    } finally {
      await h.run('vkill --xid 1904 -s KILL');
    }
  });
});
