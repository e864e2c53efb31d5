/**
 * Escape battery, network / IPC / signal / terminal part (issue #23). Every attack is data: what
 * the host prepares, the attack itself, what the host cleans up. Each runs twice on one boot of
 * the vserver kernel:
 *
 * - in a realistic guest: root in a new context with util-vserver's default bcaps and the ccaps
 *   SET_UTSNAME and RAW_ICMP (`vattribute --set --secure`), setup phase ended, bound by chbind
 *   to 10.42.0.2 (an IPv4-only network context with HIDE_NETIF), started from the host's shell.
 *   There it must be refused;
 * - as plain root on the host (the control), where the same attack must work, so that a refusal
 *   in the guest is the context's doing and not a broken probe.
 *
 * The probe is the guest tool `escape-net` (guest-image/tools/escape-net.c): "ok ..." and exit 0
 * when an attack worked, "refused: ..." and exit 1 when not. Where only the host can tell (a
 * signal reaching a host task, a terminal hung up) the attack line is a host-side wrapper that
 * prints the verdict in the same form.
 */
import { describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';

/** POSIX shell single-quoting. */
const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Wraps a shell line to run in the realistic guest (a fresh context XID per attack). */
const inGuest =
  (xid: number) =>
  (cmd: string): string =>
    `chbind --silent --ip 10.42.0.2 -- vcontext --create --silent --xid ${xid} -- ` +
    `vattribute --set --secure --ccap set_utsname,raw_icmp -- ` +
    `vattribute --set --flag '~state_setup' -- sh -c ${q(cmd)}`;
/** The control: the same line as plain root on the host. */
const onHost = (cmd: string): string => `sh -c ${q(cmd)}`;

type Wrap = (cmd: string) => string;

interface Attack {
  name: string;
  /** Host shell line run before the attack; its `NAME=value` output lines are exported. */
  setup?: string;
  /** The attack line; `g` puts a part of it into the guest (or leaves it on the host). */
  run: (g: Wrap) => string;
  /** Host shell line run afterwards (also after a failure). */
  teardown?: string;
}

/** An attack that is one guest line. */
const probe = (name: string, cmd: string, extra: Omit<Attack, 'name' | 'run'> = {}): Attack => ({
  name,
  run: (g) => g(cmd),
  ...extra,
});

/** Turns a command's exit status into the probe's verdict form. */
const verdict = (cmd: string, what: string): string =>
  `if ${cmd} >/dev/null 2>&1; then echo "ok ${what}"; else echo "refused: ${what}"; exit 1; fi`;

/** A host task in a process group with the guest's task: the host says whether SIG reached it. */
const groupSignal = (probeCmd: string): ((g: Wrap) => string) => (g) =>
  `setsid sh -c ${q(
    `sleep 30 & v=$!; trap "" TERM; ${g(probeCmd)} >/dev/null; i=0; ` +
      `while kill -0 $v 2>/dev/null && [ $i -lt 50 ]; do usleep 20000; i=$((i+1)); done; ` +
      `if kill -0 $v 2>/dev/null; then kill $v; echo "refused: host task alive"; exit 1; fi; echo "ok host task killed"`,
  )}`;

const VICTIM = { setup: 'sleep 60 >/dev/null 2>&1 & echo "VICTIM=$!"', teardown: 'kill $VICTIM 2>/dev/null; true' };
const IPC = { setup: 'escape-net ipc-make 0x4e7', teardown: 'ipcrm -M 0x4e7 -Q 0x4e7 -S 0x4e7 2>/dev/null; true' };
const UNIX = { setup: 'escape-net unix-serve escnet >/dev/null & echo "SERVER=$!"; i=0; until grep -q @escnet.d /proc/net/unix || [ $i -ge 250 ]; do usleep 20000; i=$((i+1)); done', teardown: 'kill $SERVER 2>/dev/null; true' };
/** A listener of the host: busybox httpd on ADDR:PORT ([v6] allowed). */
const httpd = (addr: string, port: number) => ({
  setup: `httpd -f -p ${addr}:${port} -h /tmp >/dev/null 2>&1 & echo "HTTPD=$!"; i=0; until netstat -ltn | grep -q ":${port} " || [ $i -ge 250 ]; do usleep 20000; i=$((i+1)); done`,
  teardown: 'kill $HTTPD 2>/dev/null; true',
});

const ATTACKS: Attack[] = [
  // Network: fail closed (item 1).
  probe('IPv6 UDP from an IPv4-only guest (host source)', 'escape-net udp fd42::1 9'),
  { name: 'IPv6 TCP to a host service from an IPv4-only guest', ...httpd('[fd42::1]', 8181), run: (g) => g('escape-net tcp fd42::1 8181') },
  probe('IPv4-mapped traffic of an IPv6 socket leaves from another address', 'escape-net udp ::ffff:10.42.0.1 9'),
  probe('UDP-Lite is never bound to the guest address', 'escape-net udp 10.42.0.1 9 --lite'),
  probe('listen() on an unbound socket takes the wildcard', 'escape-net listen-any'),
  probe('IP_PKTINFO source 10.42.0.1', 'escape-net pktinfo 10.42.0.1 10.42.0.1 9'),
  probe('IP_PKTINFO source "any" (the route picks one)', 'escape-net pktinfo 0.0.0.0 10.42.0.1 9'),
  probe('IP_FREEBIND', 'escape-net sockopt freebind'),
  probe('IP_TRANSPARENT', 'escape-net sockopt transparent'),
  probe('IPV6_FREEBIND', 'escape-net sockopt freebind6'),
  probe('sticky IPV6_PKTINFO source', 'escape-net sockopt pktinfo6'),
  probe('bind to a host address', 'escape-net bind 10.42.0.1 0'),
  probe('raw UDP socket', 'escape-net raw 17'),
  probe('packet socket', 'escape-net packet'),
  // Raw ICMP (item 2): the host pings 10.42.0.3 while the guest listens.
  { name: 'raw ICMP socket sniffs the host\'s ICMP', run: (g) => `ping -c 5 10.42.0.3 >/dev/null 2>&1 & ${g('escape-net rawsniff 10.42.0.3')}` },
  // Listings (item 3).
  { name: '/proc/net/tcp lists a host listener', ...httpd('10.42.0.1', 8182), run: (g) => g(verdict('grep -qi ":1FF6 " /proc/net/tcp', 'host listener listed')) },
  { name: '/proc/net/unix lists the host\'s abstract sockets', ...UNIX, run: (g) => g(verdict('grep -q @escnet /proc/net/unix', 'host socket listed')) },
  { name: 'ip addr add', run: (g) => g(verdict('ip addr add 10.42.0.9/24 dev dummy0', 'address added')), teardown: 'ip addr del 10.42.0.9/24 dev dummy0 2>/dev/null; true' },
  { name: 'ip route add', run: (g) => g(verdict('ip route add 10.43.0.0/24 dev dummy0', 'route added')), teardown: 'ip route del 10.43.0.0/24 dev dummy0 2>/dev/null; true' },
  // SysV and POSIX IPC (item 4).
  { name: 'shmget by key + shmat', ...IPC, run: (g) => g('escape-net shmget 0x4e7') },
  { name: 'shmat by id', ...IPC, run: (g) => g('escape-net shmat $SHM') },
  { name: 'msgrcv by id', ...IPC, run: (g) => g('escape-net msgrcv $MSG') },
  { name: 'semop by id', ...IPC, run: (g) => g('escape-net semop $SEM') },
  { name: '/proc/sysvipc/shm lists the host segment', ...IPC, run: (g) => g(verdict('grep -qw 1255 /proc/sysvipc/shm', 'host segment listed')) },
  { name: 'mq_open + mq_receive of a host queue', setup: 'escape-net mq-make /escnet >/dev/null', run: (g) => g('escape-net mq-recv /escnet') },
  // Abstract unix sockets (item 5).
  { name: 'connect to a host abstract stream socket', ...UNIX, run: (g) => g('escape-net unix-connect escnet') },
  { name: 'sendto a host abstract datagram socket', ...UNIX, run: (g) => g('escape-net unix-send escnet') },
  // Signals (item 6) and priorities (item 8) through a shared process group.
  { name: 'SIGIO (F_SETOWN_EX pgrp + F_SETSIG) to a host task', run: groupSignal('escape-net sigio 15') },
  { name: 'kill(0) to a host task', run: groupSignal('escape-net kill0 15') },
  { name: 'getpriority(PRIO_PGRP) sees a host task', run: (g) => `setsid sh -c ${q(`nice -n -10 sleep 30 & v=$!; ${g('escape-net getprio-pgrp')}; r=$?; kill $v; exit $r`)}` },
  // Host tasks by pid.
  { name: 'ptrace a host task', ...VICTIM, run: (g) => g('escape-net ptrace $VICTIM') },
  { name: 'process_vm_readv of a host task', ...VICTIM, run: (g) => g('escape-net vmread $VICTIM') },
  { name: 'pidfd_open of a host task', ...VICTIM, run: (g) => g('escape-net pidfd $VICTIM') },
  { name: 'signal a host task', ...VICTIM, run: (g) => g('escape-net kill $VICTIM') },
  { name: 'renice a host task', ...VICTIM, run: (g) => g('escape-net renice $VICTIM') },
  { name: 'sched_setaffinity of a host task', ...VICTIM, run: (g) => g('escape-net affinity $VICTIM') },
  { name: 'ioprio_set of a host task', ...VICTIM, run: (g) => g('escape-net ioprio $VICTIM') },
  // Terminals (item 7): a host session on a fresh pty starts the attack.
  { name: 'vhangup() of the host terminal it was started from', run: (g) => `escape-net ptyrun --hangup sh -c ${q(g('escape-net vhangup'))}` },
  { name: 'TIOCSTI into the host terminal', run: (g) => `escape-net ptyrun sh -c ${q(g('escape-net tiocsti'))}` },
  // Capabilities, namespaces, limits, clock, the vserver syscall.
  probe('CAP_SYS_ADMIN held', 'escape-net sysadmin'),
  probe('capset raises CAP_SYS_ADMIN', 'escape-net capset'),
  probe('ambient CAP_SYS_ADMIN', 'escape-net ambient'),
  probe('exec after raising capabilities regains CAP_SYS_ADMIN', 'escape-net exec-regain'),
  probe('setns into the host network namespace (/proc/1/ns/net)', 'escape-net setns /proc/1/ns/net'),
  probe('unshare(CLONE_NEWNET)', 'escape-net unshare-net'),
  probe('raise the hard RLIMIT_NOFILE', 'escape-net rlimit-raise'),
  probe('set the clock', 'escape-net settime'),
  probe('ctx_create (a host-only vserver command)', verdict('vcontext --create --silent --xid 7399 -- true', 'context created')),
];

/** The whole line for one run: set-up, attack, tear-down; the attack's status is kept. */
const script = (a: Attack, g: Wrap): string =>
  `( ${a.setup ? `for v in $( ${a.setup} ); do export "$v"; done; ` : ''}${a.run(g)}; r=$?; ${a.teardown ?? 'true'}; exit $r )`;

describe('escape battery: network, IPC, signals, terminals', () => {
  const h = useGuest({ variant: 'vserver' });

  ATTACKS.forEach((a, i) => {
    it(`${a.name}: refused in the guest, works in the control`, async () => {
      const guest = await h.guest.shell.run(script(a, inGuest(7300 + i)), { timeoutMs: 60_000 });
      const control = await h.guest.shell.run(script(a, onHost), { timeoutMs: 60_000 });
      expect({ out: guest.stdout, status: guest.exitCode }, 'guest').toMatchObject({ out: expect.stringMatching(/^refused/m) as unknown, status: 1 });
      expect({ out: control.stdout, status: control.exitCode }, 'control').toMatchObject({ out: expect.stringMatching(/^ok/m) as unknown, status: 0 });
    });
  });

  it('has 30+ attacks', () => {
    expect(ATTACKS.length).toBeGreaterThanOrEqual(30);
  });
});
