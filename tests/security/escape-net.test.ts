/**
 * Escape battery, network / IPC / signal / terminal area (issue #23; the realm, the guest and the
 * control are tests/security/battery.ts's). The probe is `escape-net`
 * (guest-image/tools/escape-net.c): "OK …" and exit 0 when the attack worked, "REFUSED <call>
 * <ERRNO>" (or "REFUSED <what> <detail>") and exit 1 when not.
 *
 * The guest is bound to 10.42.0.2 only (IPv4). Host peers are started by `prepare` (listeners,
 * IPC objects, a victim task) and left running; each attack has its own port, key or name, and
 * passes what the attacker needs (a pid, an id) through a file in the guest's /tmp. Attacks on
 * what the attacker shares with host tasks — the process group of `vserver NAME exec CMD | tee`,
 * the administrator's terminal — `wrap` the attacker in a host-side line that prints the verdict.
 */
import { httpd, refusedBecause, unixServer } from './attacks.ts';
import { defineBattery, quote, type Attack } from './battery.ts';

/** A host task to attack by pid: its pid in the guest's /tmp/victim. */
const VICTIM = 'sleep 600 >/dev/null 2>&1 & echo $! >$ROOT/tmp/victim';
/** SysV objects of the host with KEY (mode 0666): SHM=, MSG=, SEM= in the guest's /tmp/ipc. */
const ipc = (key: string): string => `ipcrm -M ${key} -Q ${key} -S ${key} 2>/dev/null; escape-net ipc-make ${key} >$ROOT/tmp/ipc`;
/** Turns a command's exit status into the probe's verdict form. */
const verdict = (cmd: string, what: string): string => `if ${cmd} >/dev/null 2>&1; then echo "OK ${what}"; else echo "REFUSED ${what} failed"; exit 1; fi`;

/**
 * `vserver NAME exec CMD | tee`: the attacker leads a process group that a host task joined while
 * the leader was still a host task (the shell sets up the pipeline's group before `vserver`
 * enters the guest). `escape-net pgrp-run` builds that group; with --signal it reports whether
 * SIGTERM reached the host task.
 */
const sharedGroup = (attacker: string): string => `escape-net pgrp-run --signal -- sh -c ${quote(attacker)}`;

const refusedWith = (...errno: string[]) => ({ errno });

const ATTACKS: Attack[] = [
  // Network contexts fail closed (issue item 1).
  {
    id: 'net-v6-udp',
    title: 'an IPv4-only guest sends UDP over IPv6 (from a host address)',
    command: 'escape-net udp fd42::1 9',
    refused: refusedWith('ENETUNREACH'),
  },
  {
    id: 'net-v6-tcp',
    title: 'an IPv4-only guest reaches a host service over IPv6 TCP',
    prepare: httpd('[fd42::1]', 8181),
    command: 'escape-net tcp fd42::1 8181',
    refused: refusedWith('ENETUNREACH'),
  },
  {
    id: 'net-mapped-udp',
    title: 'an IPv6 socket sends to an IPv4-mapped peer from another address',
    command: 'escape-net udp ::ffff:10.42.0.1 9',
    refused: refusedBecause(/^REFUSED source 10\.42\.0\.2$/m),
  },
  {
    id: 'net-udplite',
    title: 'UDP-Lite leaves from a host address (never auto-bound)',
    command: 'escape-net udp 10.42.0.1 9 --lite',
    refused: refusedBecause(/^REFUSED source 10\.42\.0\.2$/m),
  },
  {
    id: 'net-sctp',
    title: 'SCTP connects to a host listener from a host address (never auto-bound)',
    prepare: 'escape-net stream-serve sctp 10.42.0.1 8190',
    command: 'escape-net tcp 10.42.0.1 8190 sctp',
    refused: refusedWith('EPROTONOSUPPORT'),
    distroOnly: true,
  },
  {
    id: 'net-mptcp',
    title: 'MPTCP connects to a host listener from a host address (never auto-bound)',
    prepare: 'escape-net stream-serve mptcp 10.42.0.1 8191',
    command: 'escape-net tcp 10.42.0.1 8191 mptcp',
    refused: refusedWith('EPROTONOSUPPORT'),
    distroOnly: true,
  },
  {
    id: 'net-listen-any',
    title: 'listen() on an unbound socket listens on the wildcard',
    command: 'escape-net listen-any',
    refused: refusedBecause(/^REFUSED listen 10\.42\.0\.2$/m),
  },
  {
    id: 'net-pktinfo-host',
    title: 'IP_PKTINFO picks the host address 10.42.0.1 as source',
    command: 'escape-net pktinfo 10.42.0.1 10.42.0.1 9',
    refused: refusedWith('EADDRNOTAVAIL'),
  },
  {
    id: 'net-pktinfo-any',
    title: 'IP_PKTINFO with source 0.0.0.0 lets the route pick a host address',
    command: 'escape-net pktinfo 0.0.0.0 10.42.0.1 9',
    refused: refusedWith('EADDRNOTAVAIL'),
  },
  { id: 'net-freebind', title: 'IP_FREEBIND', command: 'escape-net sockopt freebind', refused: refusedWith('EPERM') },
  { id: 'net-transparent', title: 'IP_TRANSPARENT', command: 'escape-net sockopt transparent', refused: refusedWith('EPERM') },
  { id: 'net-freebind6', title: 'IPV6_FREEBIND', command: 'escape-net sockopt freebind6', refused: refusedWith('EPERM') },
  { id: 'net-pktinfo6-sticky', title: 'sticky IPV6_PKTINFO source fd42::1', command: 'escape-net sockopt pktinfo6', refused: refusedWith('EPERM') },
  { id: 'net-bind-foreign', title: 'bind to the host address 10.42.0.1', command: 'escape-net bind 10.42.0.1 0', refused: refusedWith('EADDRNOTAVAIL') },
  { id: 'net-raw-udp', title: 'a raw UDP socket', command: 'escape-net raw 17', refused: refusedWith('EPERM') },
  { id: 'net-packet', title: 'a packet socket', command: 'escape-net packet', refused: refusedWith('EPERM') },
  {
    id: 'net-ip-addr',
    title: 'add an address over netlink',
    prepare: 'ip addr del 10.42.0.9/24 dev dummy0 2>/dev/null; true',
    command: verdict('ip addr add 10.42.0.9/24 dev dummy0', 'address-added'),
    refused: refusedBecause(/^REFUSED address-added/m),
  },
  {
    id: 'net-ip-route',
    title: 'add a route over netlink',
    prepare: 'ip route del 10.43.0.0/24 dev dummy0 2>/dev/null; true',
    command: verdict('ip route add 10.43.0.0/24 dev dummy0', 'route-added'),
    refused: refusedBecause(/^REFUSED route-added/m),
  },
  // Raw ICMP sockets (item 2): the host pings 10.42.0.3 while the attacker listens.
  {
    id: 'net-raw-icmp-sniff',
    title: "a raw ICMP socket (RAW_ICMP) sees the host's ICMP between host addresses",
    prepare: 'ping -c 6 10.42.0.3 >/dev/null 2>&1 &',
    command: 'escape-net rawsniff 10.42.0.3',
    refused: refusedBecause(/^REFUSED sniff none-seen/m),
  },
  // Listings (item 3).
  {
    id: 'net-proc-tcp',
    title: "/proc/net/tcp lists the host's listener on 10.42.0.1:8182",
    prepare: httpd('10.42.0.1', 8182),
    command: verdict('grep -qi ":1FF6 " /proc/net/tcp', 'host-listener-listed'),
    refused: refusedBecause(/^REFUSED host-listener-listed/m),
  },
  {
    id: 'net-proc-tcp6',
    title: "/proc/net/tcp6 lists the host's listener on [fd42::1]:8183",
    prepare: httpd('[fd42::1]', 8183),
    command: verdict('grep -qi ":1FF7 " /proc/net/tcp6', 'host-listener-listed'),
    refused: refusedBecause(/^REFUSED host-listener-listed/m),
  },
  {
    id: 'net-proc-unix',
    title: "/proc/net/unix lists the host's abstract sockets",
    prepare: unixServer('escnet-ls'),
    command: verdict('grep -q @escnet-ls /proc/net/unix', 'host-socket-listed'),
    refused: refusedBecause(/^REFUSED host-socket-listed/m),
  },
  // SysV and POSIX IPC of the host (item 4).
  {
    id: 'ipc-shmget-key',
    title: "shmget by the host's key, then shmat",
    prepare: ipc('0x4e01'),
    command: 'escape-net shmget 0x4e01',
    refused: refusedWith('EACCES', 'EPERM'),
  },
  {
    id: 'ipc-shmat-id',
    title: "shmat of the host's segment by id",
    prepare: ipc('0x4e02'),
    command: '. /tmp/ipc; escape-net shmat $SHM',
    refused: refusedWith('EACCES', 'EPERM'),
  },
  {
    id: 'ipc-msgrcv',
    title: "msgrcv from the host's queue by id",
    prepare: ipc('0x4e03'),
    command: '. /tmp/ipc; escape-net msgrcv $MSG',
    refused: refusedWith('EACCES', 'EPERM'),
  },
  {
    id: 'ipc-semop',
    title: "semop on the host's semaphores by id",
    prepare: ipc('0x4e04'),
    command: '. /tmp/ipc; escape-net semop $SEM',
    refused: refusedWith('EACCES', 'EPERM'),
  },
  {
    id: 'ipc-proc-sysvipc',
    title: "/proc/sysvipc/shm lists the host's segment",
    prepare: ipc('0x4e05'),
    command: verdict('grep -qw 19973 /proc/sysvipc/shm', 'host-segment-listed'),
    refused: refusedBecause(/^REFUSED host-segment-listed/m),
  },
  {
    id: 'ipc-mqueue',
    title: "mq_open + mq_receive of the host's POSIX queue",
    prepare: 'escape-net mq-make /escnet >/dev/null',
    command: 'escape-net mq-recv /escnet',
    refused: refusedWith('EACCES'),
  },
  // Abstract unix sockets of the host (item 5).
  {
    id: 'unix-abstract-connect',
    title: "connect to the host's abstract stream socket",
    prepare: unixServer('escnet-c'),
    command: 'escape-net unix-connect escnet-c',
    refused: refusedWith('EPERM'),
  },
  {
    id: 'unix-abstract-sendto',
    title: "sendto the host's abstract datagram socket",
    prepare: unixServer('escnet-s'),
    command: 'escape-net unix-send escnet-s',
    refused: refusedWith('EPERM'),
  },
  // The process group shared with host tasks (items 6, 8).
  {
    id: 'task-sigio-pgrp',
    title: 'SIGIO: F_SETOWN_EX to the own process group + F_SETSIG SIGTERM + O_ASYNC hits a host task',
    command: 'escape-net sigio 15',
    wrap: sharedGroup,
    refused: refusedBecause(/^REFUSED signal host-task-alive/m),
  },
  {
    id: 'task-kill-pgrp',
    title: 'kill(0, SIGTERM) hits a host task in the process group',
    command: 'escape-net kill0 15',
    wrap: sharedGroup,
    refused: refusedBecause(/^REFUSED signal host-task-alive/m),
  },
  {
    id: 'task-getpriority-pgrp',
    title: "getpriority(PRIO_PGRP) reads a host task's nice value",
    command: 'escape-net getprio-pgrp',
    wrap: (attacker) => `escape-net pgrp-run --nice -10 -- sh -c ${quote(attacker)}`,
    refused: refusedBecause(/^REFUSED getpriority nice-0$/m),
  },
  // Host tasks by pid.
  { id: 'task-ptrace', title: 'ptrace a host task', prepare: VICTIM, command: 'escape-net ptrace $(cat /tmp/victim)', refused: refusedWith('ESRCH', 'EPERM') },
  {
    id: 'task-vm-readv',
    title: 'process_vm_readv of a host task (CROSS_MEMORY_ATTACH: distro only)',
    prepare: VICTIM,
    command: 'escape-net vmread $(cat /tmp/victim)',
    refused: refusedWith('ESRCH', 'EPERM'),
    distroOnly: true,
  },
  {
    id: 'task-pidfd-open',
    title: 'pidfd_open of a host task',
    prepare: VICTIM,
    command: 'escape-net pidfd $(cat /tmp/victim)',
    refused: refusedWith('ESRCH', 'EPERM'),
  },
  { id: 'task-kill', title: 'signal a host task', prepare: VICTIM, command: 'escape-net kill $(cat /tmp/victim)', refused: refusedWith('ESRCH', 'EPERM') },
  { id: 'task-renice', title: 'renice a host task', prepare: VICTIM, command: 'escape-net renice $(cat /tmp/victim)', refused: refusedWith('ESRCH', 'EPERM') },
  {
    id: 'task-affinity',
    title: 'sched_setaffinity of a host task',
    prepare: VICTIM,
    command: 'escape-net affinity $(cat /tmp/victim)',
    refused: refusedWith('ESRCH', 'EPERM'),
  },
  {
    id: 'task-ioprio',
    title: 'ioprio_set of a host task',
    prepare: VICTIM,
    command: 'escape-net ioprio $(cat /tmp/victim)',
    refused: refusedWith('ESRCH', 'EPERM'),
  },
  // The administrator's terminal (item 7): a host session on a fresh pty starts the attacker.
  {
    id: 'tty-vhangup',
    title: 'vhangup() hangs up the host terminal the guest was started from',
    command: 'escape-net vhangup',
    wrap: (attacker) => `escape-net ptyrun --hangup sh -c ${quote(attacker)}`,
    refused: refusedBecause(/^REFUSED vhangup tty-intact/m),
  },
  {
    id: 'tty-tiocsti',
    title: 'TIOCSTI pushes input into the host terminal',
    command: 'escape-net tiocsti',
    wrap: (attacker) => `escape-net ptyrun sh -c ${quote(attacker)}`,
    refused: refusedWith('EPERM'),
  },
  // Capabilities, namespaces, limits, the clock, the vserver syscall.
  { id: 'cap-sysadmin', title: 'CAP_SYS_ADMIN is held', command: 'escape-net sysadmin', refused: refusedWith('EPERM') },
  { id: 'cap-capset', title: 'capset raises CAP_SYS_ADMIN', command: 'escape-net capset', refused: refusedWith('EPERM') },
  { id: 'cap-ambient', title: 'CAP_SYS_ADMIN as an ambient capability', command: 'escape-net ambient', refused: refusedWith('EPERM') },
  { id: 'cap-exec-regain', title: 'exec after raising capabilities regains CAP_SYS_ADMIN', command: 'escape-net exec-regain', refused: refusedWith('EPERM') },
  {
    id: 'ns-setns-host-mnt',
    title: "setns into the host's mount namespace (/proc/1/ns/mnt), out of the chroot",
    command: 'escape-net setns /proc/1/ns/mnt',
    refused: refusedWith('ENOENT', 'EPERM'),
  },
  // A context's own mount namespace, rejoined through a pidfd (no /proc/PID/ns file to open):
  // mntns_install() sets the caller's root to the namespace's root, which leaves any chroot. A
  // guest still in setup with the kernel's full default bcaps does leave (setup is the admin's
  // phase); past setup the NAMESPACE gate refuses it whatever the bcaps — the second attack
  // gives the guest CAP_SYS_ADMIN (and keeps SYS_CHROOT) so that only that gate can refuse it.
  {
    id: 'ns-setns-self-mnt',
    title: 'setns(pidfd_open(getpid()), CLONE_NEWNS) resets the root to the namespace root, out of the chroot',
    command: 'escape-net setns-self-mnt',
    refused: refusedWith('EPERM'),
    succeeded: { stdout: /^OK out of the chroot: host-marker$/m },
  },
  {
    id: 'ns-setns-self-mnt-sysadmin',
    title: 'the same from a guest past setup that holds CAP_SYS_ADMIN (bcaps +sys_admin): the NAMESPACE gate',
    command: 'escape-net setns-self-mnt',
    bcaps: 'sys_admin',
    refused: refusedWith('EPERM'),
    succeeded: { stdout: /^OK out of the chroot: host-marker$/m },
  },
  {
    id: 'ns-userns-mount',
    title:
      'a user namespace, and in it CAP_SYS_ADMIN: unshare(CLONE_NEWNS) and mount a tmpfs (unchrooted: mainline refuses user namespaces to every chrooted task)',
    command: 'escape-net userns-mount',
    refused: refusedWith('EPERM'),
    unchrooted: true,
    distroOnly: true,
  },
  { id: 'ns-unshare-mnt', title: 'unshare(CLONE_NEWNS)', command: 'escape-net unshare-mnt', refused: refusedWith('EPERM') },
  { id: 'rlimit-raise', title: 'raise the hard RLIMIT_NOFILE', command: 'escape-net rlimit-raise', refused: refusedWith('EPERM') },
  { id: 'clock-set', title: 'set the clock', command: 'escape-net settime', refused: refusedWith('EPERM') },
  {
    id: 'vserver-ctx-create',
    title: 'ctx_create, a host-only vserver command (no control: vserver-off has no vserver syscall)',
    command: verdict('vcontext --create --silent --xid 4399 -- true', 'context-created'),
    refused: refusedBecause(/^REFUSED context-created/m),
    succeeded: null,
  },
];

defineBattery('network, IPC, signals, terminals', ATTACKS);
