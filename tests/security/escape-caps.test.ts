/**
 * The capability, socket-listing and host-interface part of the escape battery (issue #23;
 * framework and threat model in ./battery.ts).
 *
 * util-vserver's `vattribute --set --secure` (so `chcontext --secure`) bounds a guest by
 * ~INSECURE, a list older than many capabilities: SETPCAP, SYS_BOOT, SYS_PTRACE, AUDIT_CONTROL,
 * SETFCAP, MAC_OVERRIDE, MAC_ADMIN, SYSLOG, WAKE_ALARM, BLOCK_SUSPEND, AUDIT_READ, PERFMON, BPF
 * and CHECKPOINT_RESTORE stay in the bound. Every attack here runs in a guest with exactly that
 * bound (our `--secure`, with battery.ts's UTIL_VSERVER_BOUND named on top so the attack holds its
 * capability whatever `--secure` sets) and uses one of them; the machine-wide ones are refused by the vserver
 * LSM's capable hook whatever the bound says (SYSLOG and the audit pair come back with the
 * ccaps SYSLOG and AUDIT_CONTROL). Then the NETLINK_SOCK_DIAG listings (ss's interface) and the
 * host interfaces of item 8 (uevent helper, cgroupfs, binfmt_misc, debugfs, quotas).
 *
 * Most of these interfaces are only built into the vserver-distro kernel (bpf, perf, audit,
 * suspend, keys, the diag modules, binfmt_misc, debugfs, the uevent helper): those
 * attacks are `distroOnly`. Cgroups are built into the vserver kernel too (its scheduler's task
 * groups), not into vserver-off: the cgroup attacks (`needsConfig: 'CONFIG_CGROUPS'`) run in every
 * guest run and have their control on the vserver host or on vserver-distro; so does the quota
 * attack (`needsConfig: 'CONFIG_QUOTA'`, built for vroot and quota since issue #16). MAC_OVERRIDE has no user there (neither Smack nor SELinux is
 * built); ns_last_pid needs PID namespaces, which no variant builds (CHECKPOINT_RESTORE is tried
 * with clone3's set_tid instead). Probe: `escape-caps` (guest-image/tools/escape-caps.c).
 */
import { vpoll } from '../poll.ts';
import { EACCES_OR_EPERM, httpd, KEXEC_LOAD, LEAKED_DISK_NODE, REBOOT, refusedBecause, unixServer } from './attacks.ts';
import { defineBattery, REALM, UTIL_VSERVER_BOUND, type Attack } from './battery.ts';

/** Mount @type at $ROOT/@dir on the host once (as a careless host would), with mount options @opts. */
const hostMount = (type: string, dir: string, opts = ''): string =>
  `mkdir -p $ROOT/${dir} && { grep -q " $ROOT/${dir} " /proc/mounts || mount -t ${type}${opts === '' ? '' : ` -o ${opts}`} ${type} $ROOT/${dir}; }`;

/** A host task to attack by pid, in the other context (xid 43) in the guest run: its pid in the guest's /tmp/victim43. */
const OTHER_GUEST =
  `if [ $MODE = control ]; then sleep 600 </dev/null >/dev/null 2>&1 & echo $! >$ROOT/tmp/victim43; ` +
  `else vcontext --create --silent --xid ${REALM.otherXid} -- sleep 600 </dev/null >/dev/null 2>&1 & ` +
  `echo $! >$ROOT/tmp/victim43; fi`;

/** "OK" when the /proc/net listing FILE has a socket line (the attacker has none of its own). */
const listed = (file: string): string => `if [ $(wc -l <${file}) -gt 1 ]; then echo "OK listed"; else echo "REFUSED listing none-seen"; exit 1; fi`;
/** A socket the host holds for a minute (escape-caps hold ARGS), taken before the attack starts. */
const hold = (args: string): string =>
  `rm -f /tmp/hold.out; escape-caps hold ${args} </dev/null >/tmp/hold.out 2>&1 & ${vpoll('grep -q holding /tmp/hold.out')}`;

const attacks: Attack[] = [
  // --- capabilities the secure bound leaves in ---
  {
    id: 'cap-bpf-map',
    title: 'CAP_BPF: bpf(BPF_MAP_CREATE) with unprivileged bpf disabled',
    command: 'escape-caps bpf-map',
    refused: { errno: 'EPERM' },
    distroOnly: true,
  },
  {
    id: 'cap-bpf-prog',
    title: 'CAP_BPF: bpf(BPF_PROG_LOAD) of a socket filter',
    command: 'escape-caps bpf-prog',
    refused: { errno: 'EPERM' },
    distroOnly: true,
  },
  {
    id: 'cap-perfmon',
    title: 'CAP_PERFMON: perf_event_open of every task on CPU 0 (system-wide profiling)',
    command: 'escape-caps perf-cpu',
    refused: { errno: EACCES_OR_EPERM },
    distroOnly: true,
  },
  {
    id: 'perf-host-task',
    title: 'perf_event_open of a host task by pid (a counter that follows it)',
    prepare: 'sleep 600 </dev/null >/dev/null 2>&1 & echo $! >$ROOT/tmp/victim-perf',
    command: 'escape-caps perf-task $(cat /tmp/victim-perf)',
    refused: { errno: ['ESRCH', 'EPERM', 'EACCES'] },
  },
  {
    id: 'userfaultfd-kernel-faults',
    title:
      "userfaultfd(2) for the kernel's own page faults (a race primitive against the kernel; vm.unprivileged_userfaultfd=0 leaves it to CAP_SYS_PTRACE, which the bound keeps)",
    command: 'escape-caps userfaultfd',
    refused: { errno: 'EPERM' },
    distroOnly: true,
  },
  {
    id: 'cap-audit-control',
    title: "CAP_AUDIT_CONTROL: read and set the host's audit status over NETLINK_AUDIT",
    command: 'escape-caps audit-set',
    refused: { errno: 'EPERM' },
    distroOnly: true,
  },
  {
    id: 'cap-audit-read',
    title: "CAP_AUDIT_READ: join the audit log's multicast group",
    command: 'escape-caps audit-read',
    refused: { errno: 'EPERM' },
    distroOnly: true,
  },
  {
    id: 'cap-mac-admin',
    title:
      'CAP_MAC_ADMIN: AppArmor policy removal through a securityfs the host mounted (the control passes the check: ENOENT for a profile that is not there)',
    prepare: hostMount('securityfs', 'sys/kernel/security'),
    command: 'escape-fs write /sys/kernel/security/apparmor/.remove vslab-nosuch',
    refused: { errno: EACCES_OR_EPERM },
    succeeded: { errno: 'ENOENT' },
    distroOnly: true,
  },
  {
    id: 'cap-wake-alarm',
    title: 'CAP_WAKE_ALARM: an alarm timer that wakes the machine (timerfd CLOCK_BOOTTIME_ALARM)',
    command: 'escape-caps alarm-timer',
    refused: { errno: 'EPERM' },
  },
  {
    id: 'cap-block-suspend',
    title: 'CAP_BLOCK_SUSPEND: EPOLLWAKEUP keeps the machine from suspending',
    command: 'escape-caps epoll-wakeup',
    refused: refusedBecause(/^REFUSED epollwakeup dropped/m),
    distroOnly: true,
  },
  {
    id: 'cap-checkpoint-restore',
    title: "CAP_CHECKPOINT_RESTORE: clone3 with set_tid picks a pid in the host's pid space",
    command: 'escape-caps set-tid 31007',
    refused: { errno: 'EPERM' },
    succeeded: { stdout: /^OK child got pid 31007/m },
  },
  {
    id: 'cap-setfcap-exec',
    title: 'CAP_SETFCAP: give a binary the file capability SYS_ADMIN and run it as uid 1000',
    prepare: `${hostMount('tmpfs', 'mnt/fcap')} && cp $ROOT/usr/lib/vslab/vstool $ROOT/mnt/fcap/vstool && chmod 755 $ROOT/mnt/fcap/vstool`,
    command: 'escape-caps fcap-exec /mnt/fcap/vstool',
    refused: { errno: 'EPERM' },
    succeeded: { stdout: /^OK holds CAP_SYS_ADMIN/m },
  },
  {
    id: 'cap-setpcap-inheritable',
    title: 'CAP_SETPCAP: raise CAP_SYS_ADMIN in the inheritable set',
    command: 'escape-caps setpcap-inh',
    refused: { errno: 'EPERM' },
  },
  {
    id: 'cap-syslog-kptr',
    title: 'CAP_SYSLOG: kernel addresses in /proc/net/netlink under kptr_restrict=1',
    prepare: 'echo 1 >/proc/sys/kernel/kptr_restrict',
    command: 'escape-caps kptr',
    refused: refusedBecause(/^REFUSED kptr zeroed/m),
  },
  {
    id: 'cap-sys-ptrace-other-guest',
    title: 'CAP_SYS_PTRACE: ptrace a task of another guest (xid 43)',
    prepare: OTHER_GUEST,
    command: 'escape-net ptrace $(cat /tmp/victim43)',
    refused: { errno: ['ESRCH', 'EPERM'] },
  },
  // CAP_SYS_BOOT, which the secure bound keeps: the filesystem battery's reboot and kexec_load (attacks.ts), run here in this file's guest.
  { ...REBOOT, id: 'cap-sys-boot-reboot', title: `CAP_SYS_BOOT: ${REBOOT.title}` },
  { ...KEXEC_LOAD, id: 'cap-sys-boot-kexec', title: 'CAP_SYS_BOOT: kexec_load(2) of a kernel for the whole machine' },
  {
    id: 'keyctl-host-key',
    title: "keyctl: read a key the host's root keeps in uid 0's user keyring",
    prepare: 'escape-caps key-add vslab-key host-secret >/dev/null',
    command: 'escape-caps key-read vslab-key',
    // the search meets the refusal on the keyring (EACCES) or on the key itself (skipped: ENOKEY)
    refused: { errno: ['EACCES', 'ENOKEY'], notStdout: /host-secret/ },
    succeeded: { stdout: /^OK host-secret/m },
    distroOnly: true,
  },
  // --- NETLINK_SOCK_DIAG listings (ss) ---
  {
    id: 'diag-tcp',
    title: "inet_diag lists the host's TCP listener on 10.42.0.1:8191",
    prepare: httpd('10.42.0.1', 8191),
    command: 'escape-caps diag tcp 8191',
    refused: refusedBecause(/^REFUSED listing none-seen/m),
    distroOnly: true,
  },
  {
    id: 'diag-udp',
    title: "inet_diag lists the host's UDP socket on port 8192",
    prepare: hold('udp 10.42.0.1 8192'),
    command: 'escape-caps diag udp 8192',
    refused: refusedBecause(/^REFUSED listing none-seen/m),
    distroOnly: true,
  },
  {
    id: 'diag-unix',
    title: "unix_diag lists the host's abstract socket @escdiag",
    prepare: unixServer('escdiag'),
    command: 'escape-caps diag unix escdiag',
    refused: refusedBecause(/^REFUSED listing none-seen/m),
    distroOnly: true,
  },
  {
    id: 'diag-packet',
    title: "packet_diag lists the host's packet socket",
    prepare: hold('packet'),
    command: 'escape-caps diag packet',
    refused: refusedBecause(/^REFUSED listing none-seen/m),
    distroOnly: true,
  },
  {
    id: 'diag-netlink',
    title: "netlink_diag lists the host's and the kernel's netlink sockets",
    command: 'escape-caps diag netlink',
    refused: refusedBecause(/^REFUSED listing none-seen/m),
    distroOnly: true,
  },
  {
    id: 'proc-net-packet',
    title: "/proc/net/packet lists the host's packet socket",
    prepare: hold('packet'),
    command: listed('/proc/net/packet'),
    refused: refusedBecause(/^REFUSED listing none-seen/m),
  },
  {
    id: 'proc-net-netlink',
    title: "/proc/net/netlink lists the host's and the kernel's netlink sockets",
    command: listed('/proc/net/netlink'),
    refused: refusedBecause(/^REFUSED listing none-seen/m),
  },
  // --- host interfaces (item 8) ---
  {
    id: 'sysfs-uevent-helper',
    title: 'write /sys/kernel/uevent_helper (the program the kernel runs as root on every device event)',
    command: 'escape-fs write /sys/kernel/uevent_helper /tmp/helper',
    refused: { errno: EACCES_OR_EPERM },
    distroOnly: true,
  },
  {
    id: 'sysctl-hotplug',
    title: 'write /proc/sys/kernel/hotplug (the same uevent helper, through the sysctl)',
    command: 'escape-fs write /proc/sys/kernel/hotplug /tmp/helper',
    refused: { errno: EACCES_OR_EPERM },
    distroOnly: true,
  },
  {
    id: 'cgroup2-mount',
    title: 'mount cgroup2',
    command: 'mkdir -p /tmp/cg && escape-fs mount cgroup2 /tmp/cg cgroup2',
    refused: { errno: 'EPERM' },
    needsConfig: 'CONFIG_CGROUPS',
  },
  {
    id: 'cgroup1-mount-release-agent',
    title: 'mount a cgroup v1 hierarchy of its own and set its release_agent (runs as root on the host)',
    command: 'mkdir -p /tmp/cg1 && escape-fs mountd cgroup /tmp/cg1 cgroup none,name=vslabg && ' + 'escape-fs write /tmp/cg1/release_agent /tmp/agent',
    refused: { errno: 'EPERM' },
    needsConfig: 'CONFIG_CGROUPS',
  },
  {
    id: 'cgroup2-procs',
    title: 'move oneself in a cgroup2 hierarchy the host mounted (cgroup.procs)',
    prepare: `${hostMount('cgroup2', 'mnt/cg2')} && mkdir -p $ROOT/mnt/cg2/vs`,
    command: 'escape-fs write /mnt/cg2/vs/cgroup.procs 0',
    refused: { errno: EACCES_OR_EPERM },
    needsConfig: 'CONFIG_CGROUPS',
  },
  {
    id: 'cgroup2-procs-host-task',
    title: 'move a host task in a cgroup2 hierarchy the host mounted (its pid into cgroup.procs)',
    prepare:
      // Braces: without them `&` would put the mount and mkdir in the background with the sleep,
      // and the attack could run before vs-host exists (ENOENT in the control, under load).
      `${hostMount('cgroup2', 'mnt/cg2')} && mkdir -p $ROOT/mnt/cg2/vs-host && ` + '{ sleep 600 </dev/null >/dev/null 2>&1 & echo $! >$ROOT/tmp/hostpid; }',
    command: 'escape-fs write /mnt/cg2/vs-host/cgroup.procs $(cat /tmp/hostpid)',
    refused: { errno: EACCES_OR_EPERM },
    needsConfig: 'CONFIG_CGROUPS',
  },
  {
    id: 'cgroup2-clone-into',
    title:
      'clone3(CLONE_INTO_CGROUP) a child into a cgroup of a cgroup2 hierarchy the host mounted ' +
      '(the kernel asks write permission on cgroup.procs without opening it)',
    prepare: `${hostMount('cgroup2', 'mnt/cg2')} && mkdir -p $ROOT/mnt/cg2/vs-clone`,
    command: 'escape-caps cgroup-clone /mnt/cg2/vs-clone',
    refused: { errno: 'EACCES' },
    succeeded: { stdout: /^OK child in 0::\/vs-clone$/m },
    needsConfig: 'CONFIG_CGROUPS',
  },
  {
    id: 'cgroup1-release-agent',
    title: 'set release_agent of a cgroup v1 hierarchy the host mounted (runs as root on the host)',
    prepare: hostMount('cgroup', 'mnt/cg1', 'none,name=vslab'),
    command: 'escape-fs write /mnt/cg1/release_agent /tmp/agent',
    refused: { errno: EACCES_OR_EPERM },
    needsConfig: 'CONFIG_CGROUPS',
  },
  {
    id: 'binfmt-misc-mount-register',
    title: 'mount binfmt_misc and register an interpreter (every exec of a matching file on the host runs it)',
    command: 'mkdir -p /tmp/bm && escape-fs mount binfmt_misc /tmp/bm binfmt_misc && ' + "escape-fs write /tmp/bm/register ':vslabg:E::vslabg::/bin/sh:'",
    refused: { errno: 'EPERM' },
    distroOnly: true,
  },
  {
    id: 'binfmt-misc-register',
    title: 'register a binfmt_misc interpreter through a binfmt_misc the host mounted',
    prepare: hostMount('binfmt_misc', 'mnt/binfmt'),
    command: "escape-fs write /mnt/binfmt/register ':vslab:E::vslabx::/bin/sh:'",
    refused: { errno: EACCES_OR_EPERM },
    distroOnly: true,
  },
  {
    id: 'debugfs-mount',
    title: 'mount debugfs',
    command: 'mkdir -p /tmp/dbg && escape-fs mount debugfs /tmp/dbg debugfs',
    refused: { errno: 'EPERM' },
    distroOnly: true,
  },
  {
    id: 'debugfs-read',
    title: 'list a debugfs the host mounted',
    prepare: hostMount('debugfs', 'mnt/debug'),
    command: 'escape-fs ls /mnt/debug',
    refused: { errno: EACCES_OR_EPERM },
    distroOnly: true,
  },
  {
    id: 'quotactl',
    title: "quotactl(Q_QUOTAOFF) on the host disk's filesystem (through a node the host left)",
    prepare: LEAKED_DISK_NODE,
    command: 'escape-caps quotaoff /dev/sda',
    refused: { errno: EACCES_OR_EPERM },
    // quotactl(2) is built wherever QUOTA is: vserver-distro, and the vserver variants since
    // issue #16 (vroot and quota).
    needsConfig: 'CONFIG_QUOTA',
  },
];

// Every attack of this file meets the bound util-vserver's tools give a guest.
defineBattery(
  'capabilities and listings',
  attacks.map((a) => ({ ...a, bcaps: UTIL_VSERVER_BOUND })),
);
