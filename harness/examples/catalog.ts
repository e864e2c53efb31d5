/**
 * The catalogue of the paper's examples (PAPER.md §7). Every example is listed; those whose
 * feature has not landed yet name what they require, and the runner reports them as not
 * implemented when the guest lacks it.
 */
import { stepOf, type Example, type Requirement } from './types.ts';

const tool = (name: string): Requirement => ({ what: `the ${name} tool`, probe: `command -v ${name}` });
/** A sys_vserver command is implemented when the kernel does not answer ENOSYS. */
const vcmd = (what: string, cmd: string, id = '0', extra = ''): Requirement => ({
  what,
  probe: `vsyscall ${extra} ${cmd} ${id} | grep -qv ENOSYS`,
});
const CTX_CREATE = vcmd('contexts (ctx_create)', '0x09010001', '2', '--in 0000000007000000');

/** Kernel features the context examples need beyond ctx_create, each probed in a throw-away context 2. */
const PROC_VIRTUAL_CTX: Requirement = { what: '/proc/virtual/<xid>/ entries', probe: 'vcontext --create --silent --xid 2 -- test -r /proc/virtual/2/status' };
const PROC_ISOLATION: Requirement = { what: "process isolation (a guest must not see the host's tasks in /proc)", probe: "vcontext --create --silent --xid 2 -- sh -c '! test -d /proc/1'" };
const FAKEINIT: Requirement = { what: 'fake init (INFO_INIT shows the init as pid 1)', probe: "chcontext --silent --xid 2 --flag fakeinit -- sh -c 'test $$ = 1'" };
const UTSNAME_CCAP: Requirement = { what: 'the SET_UTSNAME ccap (sethostname refused in a guest without it)', probe: "vcontext --create --silent --xid 2 -- sh -c '! hostname probe 2>/dev/null'" };
/** Network contexts: the guest's test addresses, net_create, and what the kernel does with a context's address set. */
const NET_CREATE = vcmd('network contexts (net_create)', '0x19010001', '2', '--in 0000000004000000');
const TEST_ADDRESSES: Requirement = { what: "the guest's test addresses (10.42.0.1-3 on dummy0)", probe: "ip -o addr show dev dummy0 | grep -q 'inet 10.42.0.2/'" };
const BIND_RESTRICTION: Requirement = {
  what: 'bind restriction (a network context binds only its own addresses)',
  probe: "chbind --silent --ip 10.42.0.1 -- sh -c '! timeout 2 httpd -f -p 10.42.0.2:8099 -h /tmp 2>/dev/null'",
};
const ADDRESS_HIDING: Requirement = {
  what: "address hiding (a guest's listings show only its own addresses)",
  probe: "chbind --silent --ip 10.42.0.2 -- ip -o addr | grep -q 'inet 10.42.0.2/' && ! chbind --silent --ip 10.42.0.2 -- ip -o addr | grep -q 'inet 10.42.0.1/'",
};
/** The addresses an `ip -o addr` listing shows, IPv4 and IPv6. */
const listedAddrs = (stdout: string): string[] => [...stdout.matchAll(/\binet6? ([0-9a-f.:]+)\//g)].map((m) => m[1] ?? '');
const RAW_ICMP_CCAP: Requirement = {
  what: 'the RAW_ICMP ccap (ping without CAP_NET_RAW)',
  probe: 'ip link set lo up; vcontext --create --silent --xid 2 -- vattribute --set --ccap raw_icmp --bcap ~NET_RAW -- ping -c 1 -W 2 127.0.0.1 >/dev/null 2>&1',
};
const RAW_ICMP_NCAP: Requirement = {
  what: 'the RAW_ICMP network capability (ping without CAP_NET_RAW in a network context)',
  probe: "chbind --silent --ip 10.42.0.1 -- sh -c \"nattribute --set --ncap raw_icmp && reducecap --cap '!NET_RAW' -- ping -c 1 -W 2 127.0.0.1 >/dev/null 2>&1\"",
};
/** The names on the `SET: a,b,c` line of showcaps output ([] for `none`). */
const capSet = (stdout: string, set: string): string[] | undefined => {
  const m = new RegExp(`^${set}: (.*)$`, 'm').exec(stdout);
  if (m === null) return undefined;
  return m[1] === 'none' ? [] : (m[1] ?? '').split(',');
};
/** The PIDs listed by ps (first column), as numbers. */
const psPids = (stdout: string): number[] =>
  stdout
    .split('\n')
    .slice(1)
    .map((l) => Number(/^\s*(\d+)/.exec(l)?.[1] ?? NaN))
    .filter((n) => !Number.isNaN(n));
/** The last number printed by a step (a pid echoed by `... & echo $!`). */
const lastNumber = (stdout: string): number => Number(/(\d+)\s*$/.exec(stdout)?.[1] ?? NaN);
/** The `Flags:` word of /proc/virtual/<xid>/status in a step's output. */
const flagsOf = (stdout: string): bigint | undefined => {
  const m = /^Flags:\s+([0-9a-f]+)$/m.exec(stdout);
  return m === null ? undefined : BigInt(`0x${m[1] ?? '0'}`);
};
/** A guest process that keeps context XID alive: prints its pid (and saves it in FILE). */
const keepAlive = (create: string, file: string): string => `${create} -- sh -c 'sleep 1000 >/dev/null 2>&1 & echo $!' | tee ${file}`;
/** Poll (with a deadline of about 5 s) until FILE is non-empty, then print it. */
const waitFile = (file: string): string => `i=0; while [ ! -s ${file} ] && [ $i -lt 250 ]; do usleep 20000; i=$((i+1)); done; cat ${file}`;

/** Entries written out in full sit above the one-line ones; the catalogue reads in id order. */
const inIdOrder = (list: Example[]): Example[] => [...list].sort((a, b) => a.id.localeCompare(b.id));

export const EXAMPLES: readonly Example[] = inIdOrder([
  {
    id: 'E01',
    title: 'Linux caps',
    section: '03.0',
    demonstrates: 'The capability sets of a root shell and of a non-root shell, decoded to names: root has a full effective set, non-root none.',
    requires: [tool('showcaps')],
    steps: [
      { command: 'showcaps', note: 'the sets of a root shell' },
      { command: 'su -s /bin/sh -c showcaps user', note: 'the sets of a shell of uid 1000' },
      { command: 'grep ^Cap /proc/self/status', note: 'the raw bit masks, for comparison' },
    ],
    invariants: [
      {
        says: 'root: the effective set is full (every capability of the bounding set, sys_admin and chown among them)',
        check: (s) => {
          const eff = capSet(stepOf(s, 0).stdout, 'effective');
          const bnd = capSet(stepOf(s, 0).stdout, 'bounding');
          return (eff !== undefined && bnd !== undefined && eff.join() === bnd.join() && eff.includes('sys_admin') && eff.includes('chown') && eff.length >= 41) || stepOf(s, 0).stdout;
        },
      },
      {
        says: 'non-root: the effective and permitted sets are empty',
        check: (s) => {
          const out = stepOf(s, 1).stdout;
          return (capSet(out, 'effective')?.length === 0 && capSet(out, 'permitted')?.length === 0) || out;
        },
      },
      {
        says: 'the names decode the CapEff mask of /proc/self/status',
        check: (s) => {
          const m = /^CapEff:\s+([0-9a-f]+)$/m.exec(stepOf(s, 2).stdout);
          const n = capSet(stepOf(s, 0).stdout, 'effective')?.length ?? -1;
          const bits = m === null ? -2 : [...BigInt(`0x${m[1] ?? '0'}`).toString(2)].filter((c) => c === '1').length;
          return n === bits || `${n} names for ${bits} bits`;
        },
      },
    ],
  },
  {
    id: 'E02',
    title: 'Manipulating Linux caps',
    section: '03.0, 04.3',
    demonstrates: 'Dropping a capability from a context removes it for good: neither a child nor a setuid-root exec gets it back, and the operation it guards fails.',
    requires: [tool('chcontext'), tool('reducecap'), tool('showcaps'), CTX_CREATE],
    steps: [
      {
        command: 'mkdir -p /tmp/e02 && cp /usr/lib/vslab/vstool /tmp/e02/showcaps && chmod 4755 /tmp/e02/showcaps && touch /tmp/e02/f /tmp/e02/g && ls -l /tmp/e02/showcaps',
        note: 'a setuid-root copy of showcaps, and two files owned by root',
      },
      { command: "chcontext --silent --cap '!CAP_CHOWN' -- showcaps", note: 'a context whose capability bound lacks CHOWN' },
      { command: "chcontext --silent --cap '!CAP_CHOWN' -- sh -c 'sh -c showcaps'", note: 'a grandchild in such a context' },
      { command: "chcontext --silent --cap '!CAP_CHOWN' -- su -s /bin/sh -c /tmp/e02/showcaps user", note: 'a setuid-root exec by uid 1000 in such a context' },
      { command: "chcontext --silent --cap '!CAP_CHOWN' -- chown user /tmp/e02/f", note: 'the operation CAP_CHOWN guards' },
      { command: 'chcontext --silent -- chown user /tmp/e02/g && ls -n /tmp/e02/g', note: 'the same in a context that kept CHOWN' },
      { command: "reducecap --cap '!CHOWN' -- su -s /bin/sh -c /tmp/e02/showcaps user", note: 'the same drop with reducecap (bounding set only, no context)' },
    ],
    invariants: [
      {
        says: 'in the context chown is gone from the bounding and effective sets, the others stay',
        check: (s) => {
          const out = stepOf(s, 1).stdout;
          const eff = capSet(out, 'effective') ?? [];
          const bnd = capSet(out, 'bounding') ?? [];
          return (!eff.includes('chown') && !bnd.includes('chown') && eff.includes('setuid') && bnd.includes('setuid')) || out + stepOf(s, 1).stderr;
        },
      },
      {
        says: "a child's child does not have it either",
        check: (s) => {
          const out = stepOf(s, 2).stdout;
          return (capSet(out, 'bounding') !== undefined && !(capSet(out, 'bounding') ?? []).includes('chown') && !(capSet(out, 'effective') ?? []).includes('chown')) || out;
        },
      },
      {
        says: 'a setuid-root exec gets root capabilities (setuid) but not chown',
        check: (s) => {
          const eff = capSet(stepOf(s, 3).stdout, 'effective') ?? [];
          return (eff.includes('setuid') && !eff.includes('chown')) || stepOf(s, 3).stdout + stepOf(s, 3).stderr;
        },
      },
      { says: 'chown to another user fails with EPERM', check: (s) => (stepOf(s, 4).exitCode !== 0 && /not permitted/.test(stepOf(s, 4).stderr)) || `exit ${stepOf(s, 4).exitCode}: ${stepOf(s, 4).stderr}` },
      { says: 'with CHOWN kept it works', check: (s) => (stepOf(s, 5).exitCode === 0 && / 1000 /.test(stepOf(s, 5).stdout)) || stepOf(s, 5).stdout + stepOf(s, 5).stderr },
      {
        says: 'reducecap: a setuid-root exec does not get chown back either',
        check: (s) => {
          const eff = capSet(stepOf(s, 6).stdout, 'effective') ?? [];
          return (eff.includes('setuid') && !eff.includes('chown')) || stepOf(s, 6).stdout + stepOf(s, 6).stderr;
        },
      },
    ],
    cleanup: 'rm -rf /tmp/e02',
  },
  {
    id: 'E03',
    title: 'CAP_MKNOD',
    section: '03.0, 07.2',
    demonstrates: 'mknod of a character device works with CAP_MKNOD and fails with EPERM in a --secure context without it.',
    requires: [tool('chcontext'), CTX_CREATE],
    steps: [
      { command: 'rm -f /tmp/e03-*; chcontext --silent -- mknod /tmp/e03-a c 1 3 && ls -l /tmp/e03-a', note: 'a context with the full bound' },
      { command: 'chcontext --silent --secure -- mknod /tmp/e03-b c 1 3', note: 'a --secure context: no CAP_MKNOD' },
      { command: 'chcontext --silent --secure -- showcaps', note: 'its capability sets' },
      { command: 'chcontext --silent --secure --cap MKNOD -- mknod /tmp/e03-c c 1 3 && ls -l /tmp/e03-c', note: '--secure plus CAP_MKNOD alone' },
    ],
    invariants: [
      { says: 'with CAP_MKNOD a character device node is made', check: (s) => (stepOf(s, 0).exitCode === 0 && /^c/.test(stepOf(s, 0).stdout)) || stepOf(s, 0).stdout + stepOf(s, 0).stderr },
      { says: 'in a --secure context mknod fails with EPERM (status 1)', check: (s) => (stepOf(s, 1).exitCode === 1 && /not permitted/.test(stepOf(s, 1).stderr)) || `exit ${stepOf(s, 1).exitCode}: ${stepOf(s, 1).stderr}` },
      {
        says: '--secure leaves mknod, sys_admin and net_raw out of the bounding set',
        check: (s) => {
          const bnd = capSet(stepOf(s, 2).stdout, 'bounding');
          return (bnd !== undefined && bnd.includes('chown') && !['mknod', 'sys_admin', 'net_raw'].some((c) => bnd.includes(c))) || stepOf(s, 2).stdout;
        },
      },
      { says: 'adding back CAP_MKNOD alone makes it work', check: (s) => (stepOf(s, 3).exitCode === 0 && /^c/.test(stepOf(s, 3).stdout)) || stepOf(s, 3).stdout + stepOf(s, 3).stderr },
    ],
    cleanup: 'rm -f /tmp/e03-*',
  },
  {
    id: 'E11',
    title: 'Resource limits via the shell',
    section: '03.1',
    demonstrates: 'ulimit lists the limits; lowering one works; a non-root process cannot raise its hard limit again.',
    steps: [
      { command: 'ulimit -a', note: 'the limits of the shell' },
      { command: 'ulimit -n 64; ulimit -n', note: 'lower the open-files limit' },
      { command: "su -s /bin/sh -c 'ulimit -n 100 && ulimit -H -n && ulimit -n 200' user", note: 'as a user: lower, then try to raise' },
    ],
    invariants: [
      { says: 'ulimit -a lists the open-files and process limits', check: (s) => (/open files/.test(stepOf(s, 0).stdout) && /processes/.test(stepOf(s, 0).stdout)) || stepOf(s, 0).stdout },
      { says: 'the lowered limit reads back as 64', check: (s) => stepOf(s, 1).stdout.trim() === '64' || stepOf(s, 1).stdout },
      { says: 'the user lowered its hard limit to 100', check: (s) => stepOf(s, 2).stdout.trim() === '100' || stepOf(s, 2).stdout },
      { says: 'raising it back to 200 fails', check: (s) => (stepOf(s, 2).exitCode !== 0 && /error setting limit/.test(stepOf(s, 2).stderr)) || `status ${stepOf(s, 2).exitCode}: ${stepOf(s, 2).stderr}` },
    ],
  },
  {
    id: 'E12',
    title: 'CPU time limit',
    section: '03.1',
    demonstrates: 'With a CPU-time limit of one second, a busy loop is killed by SIGXCPU once it has used that second.',
    steps: [
      {
        command: "sh -c 'ulimit -S -t 1; while :; do :; done'; echo status=$?; times",
        note: 'soft limit 1 s (were the hard limit equal, the kernel would send SIGKILL instead); times shows the CPU the child used',
      },
    ],
    invariants: [
      { says: 'the loop ends with SIGXCPU (status 128+24)', check: (s) => /status=152/.test(stepOf(s, 0).stdout) || stepOf(s, 0).stdout },
      {
        says: 'it had used at least the second of CPU time it was allowed',
        check: (s) => {
          // `times` prints the shell's own user/sys times, then its children's.
          const lines = stepOf(s, 0).stdout.trim().split('\n');
          const m = /(\d+)m\s*([\d.]+)s\s+(\d+)m\s*([\d.]+)s/.exec(lines[lines.length - 1] ?? '');
          if (m === null) return `no CPU times in: ${stepOf(s, 0).stdout}`;
          const cpu = Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]);
          return cpu >= 0.9 || `only ${cpu} s of CPU time`;
        },
      },
    ],
  },
  {
    id: 'E21',
    title: 'Process isolation',
    section: '04.0',
    demonstrates: "A shell in guest A lists only A's processes; the host's are invisible and unsignalable from A; the spectator sees all and cannot kill.",
    requires: [tool('vcontext'), CTX_CREATE, PROC_ISOLATION],
    steps: [
      { command: keepAlive('vcontext --create --silent --endsetup --xid 2101', '/tmp/e21-a.pid'), note: 'guest A (xid 2101) with one background process; its pid' },
      { command: 'sleep 1000 >/dev/null 2>&1 & echo $! | tee /tmp/e21-host.pid', note: 'a host process; its pid' },
      { command: 'vcontext --migrate --xid 2101 -- ps', note: "the process list inside A" },
      { command: 'vcontext --migrate --xid 2101 -- kill $(cat /tmp/e21-host.pid)', note: 'A tries to signal the host process' },
      { command: 'vcontext --migrate --xid 2101 -- ls /proc/$(cat /tmp/e21-host.pid)/', note: "A looks up the host process in /proc" },
      { command: 'vcontext --migrate --xid 1 -- ps', note: 'the spectator (xid 1) lists every process' },
      { command: 'vcontext --migrate --xid 1 -- kill $(cat /tmp/e21-a.pid)', note: "the spectator tries to kill A's process" },
      { command: 'vcontext --migrate --xid 2101 -- kill -0 $(cat /tmp/e21-a.pid) && echo alive', note: "A's process is still alive" },
    ],
    invariants: [
      {
        says: "A lists its own process and neither the host process nor the host's init (pid 1)",
        check: (s) => {
          const a = lastNumber(stepOf(s, 0).stdout);
          const host = lastNumber(stepOf(s, 1).stdout);
          const pids = psPids(stepOf(s, 2).stdout);
          return (pids.includes(a) && !pids.includes(host) && !pids.includes(1)) || `A=${a} host=${host}: ${stepOf(s, 2).stdout}`;
        },
      },
      { says: 'signalling the host process from A fails with ESRCH', check: (s) => (stepOf(s, 3).exitCode !== 0 && /No such process/.test(stepOf(s, 3).stderr)) || `exit ${stepOf(s, 3).exitCode}: ${stepOf(s, 3).stderr}` },
      { says: "the host process's /proc entry does not exist in A", check: (s) => (stepOf(s, 4).exitCode !== 0 && /No such file/.test(stepOf(s, 4).stderr)) || `exit ${stepOf(s, 4).exitCode}: ${stepOf(s, 4).stdout}${stepOf(s, 4).stderr}` },
      {
        says: "the spectator sees both A's process and the host's",
        check: (s) => {
          const pids = psPids(stepOf(s, 5).stdout);
          return (pids.includes(lastNumber(stepOf(s, 0).stdout)) && pids.includes(lastNumber(stepOf(s, 1).stdout)) && pids.includes(1)) || stepOf(s, 5).stdout;
        },
      },
      { says: "the spectator cannot kill A's process", check: (s) => (stepOf(s, 6).exitCode !== 0 && /alive/.test(stepOf(s, 7).stdout)) || `kill exit ${stepOf(s, 6).exitCode} ${stepOf(s, 6).stderr}; afterwards: ${stepOf(s, 7).stdout}${stepOf(s, 7).stderr}` },
    ],
    cleanup: 'vkill --xid 2101; kill $(cat /tmp/e21-host.pid); rm -f /tmp/e21-*.pid',
  },
  {
    id: 'E22',
    title: 'Dual context isolation',
    section: '04.0',
    demonstrates: 'Guests A and B each see only their own processes; kill across them fails with ESRCH; vps on the host shows both with their xids.',
    requires: [tool('vcontext'), tool('vps'), CTX_CREATE, PROC_ISOLATION],
    steps: [
      { command: keepAlive('vcontext --create --silent --endsetup --xid 2201', '/tmp/e22-a.pid'), note: 'guest A (xid 2201) and its process' },
      { command: keepAlive('vcontext --create --silent --endsetup --xid 2202', '/tmp/e22-b.pid'), note: 'guest B (xid 2202) and its process' },
      { command: 'vcontext --migrate --xid 2201 -- ps', note: 'what A sees' },
      { command: 'vcontext --migrate --xid 2202 -- ps', note: 'what B sees' },
      { command: 'vcontext --migrate --xid 2201 -- kill $(cat /tmp/e22-b.pid)', note: "A kills B's process" },
      { command: 'vcontext --migrate --xid 2202 -- kill $(cat /tmp/e22-a.pid)', note: "B kills A's process" },
      { command: 'vps', note: 'the host view through the spectator, with a CONTEXT column' },
    ],
    invariants: [
      {
        says: "A sees its process and not B's; B sees its process and not A's",
        check: (s) => {
          const a = lastNumber(stepOf(s, 0).stdout);
          const b = lastNumber(stepOf(s, 1).stdout);
          const inA = psPids(stepOf(s, 2).stdout);
          const inB = psPids(stepOf(s, 3).stdout);
          return (inA.includes(a) && !inA.includes(b) && inB.includes(b) && !inB.includes(a)) || `A=${a} B=${b}\nA sees:\n${stepOf(s, 2).stdout}\nB sees:\n${stepOf(s, 3).stdout}`;
        },
      },
      { says: 'kill from A into B fails with ESRCH', check: (s) => (stepOf(s, 4).exitCode !== 0 && /No such process/.test(stepOf(s, 4).stderr)) || `exit ${stepOf(s, 4).exitCode}: ${stepOf(s, 4).stderr}` },
      { says: 'kill from B into A fails with ESRCH', check: (s) => (stepOf(s, 5).exitCode !== 0 && /No such process/.test(stepOf(s, 5).stderr)) || `exit ${stepOf(s, 5).exitCode}: ${stepOf(s, 5).stderr}` },
      {
        says: 'vps has a CONTEXT column and shows both processes with their xids',
        check: (s) => {
          const out = stepOf(s, 6).stdout;
          const row = (pid: number, xid: number): boolean => new RegExp(`^\\s*${pid}\\s+${xid}\\s`, 'm').test(out);
          return (/^\s*PID\s+CONTEXT\s/.test(out) && row(lastNumber(stepOf(s, 0).stdout), 2201) && row(lastNumber(stepOf(s, 1).stdout), 2202)) || out;
        },
      },
    ],
    cleanup: 'vkill --xid 2201; vkill --xid 2202; rm -f /tmp/e22-*.pid',
  },
  {
    id: 'E23',
    title: 'Fake init process',
    section: '05.0',
    demonstrates: 'With the fakeinit flag the chosen process appears as pid 1 inside the guest, and /proc/virtual/<xid>/info shows its real pid.',
    requires: [tool('chcontext'), CTX_CREATE, FAKEINIT, PROC_VIRTUAL_CTX],
    steps: [
      {
        command:
          "rm -f /tmp/e23-*; chcontext --silent --xid 2301 --flag fakeinit -- sh -c 'echo $$ >/tmp/e23-self; sh -c \"(usleep 200000; exec grep PPid /proc/self/status >/tmp/e23-orphan) &\"; exec sleep 1000' >/dev/null 2>&1 & echo $!",
        note: 'an init shell in guest 2301: it notes its $$, starts a child that leaves an orphan behind, and execs a sleep; its real pid',
      },
      { command: waitFile('/tmp/e23-self'), note: '$$ of the init shell, as it saw it' },
      { command: "chcontext --silent --xid 2301 -- sh -c 'tr \"\\0\" \" \" </proc/1/cmdline; echo; ps'", note: '/proc/1 and ps inside the guest' },
      { command: waitFile('/tmp/e23-orphan'), note: "the orphan's parent pid, read once its parent had exited" },
      { command: 'cat /proc/virtual/2301/info', note: "the host's view of the context: its init's real pid" },
    ],
    invariants: [
      { says: 'the init shell sees itself as pid 1', check: (s) => stepOf(s, 1).stdout.trim() === '1' || stepOf(s, 1).stdout },
      { says: '/proc/1 inside the guest is the init (now the sleep)', check: (s) => /^sleep 1000/.test(stepOf(s, 2).stdout) || stepOf(s, 2).stdout + stepOf(s, 2).stderr },
      { says: 'ps inside the guest lists pid 1', check: (s) => psPids(stepOf(s, 2).stdout).includes(1) || stepOf(s, 2).stdout },
      { says: "an orphan's parent is pid 1", check: (s) => /^PPid:\s+1$/m.test(stepOf(s, 3).stdout) || stepOf(s, 3).stdout },
      {
        says: '/proc/virtual/<xid>/info shows the real pid of the init',
        check: (s) => {
          const real = lastNumber(stepOf(s, 0).stdout);
          return (real > 1 && new RegExp(`^Init:\\s+${real}$`, 'm').test(stepOf(s, 4).stdout)) || `real pid ${real}: ${stepOf(s, 4).stdout}`;
        },
      },
    ],
    cleanup: 'vkill --xid 2301; rm -f /tmp/e23-*',
  },
  {
    id: 'E24',
    title: 'Network isolation',
    section: '04.1',
    demonstrates: 'A server started under chbind --ip A listens on A only; binding another host address fails with EADDRNOTAVAIL; a bind to 0.0.0.0 ends up on A; the guest lists only A.',
    requires: [tool('chbind'), TEST_ADDRESSES, NET_CREATE, BIND_RESTRICTION, ADDRESS_HIDING],
    steps: [
      { command: 'ip -o -4 addr show dev dummy0', note: "the host's addresses: A = 10.42.0.1, B = 10.42.0.2, C = 10.42.0.3" },
      {
        command: 'mkdir -p /tmp/e24 && echo served-from-A >/tmp/e24/index.html && chbind --ip 10.42.0.1 -- httpd -f -p 0.0.0.0:8080 -h /tmp/e24 >/tmp/e24.out 2>&1 & echo $! >/tmp/e24.pid',
        note: 'a web server under chbind --ip A, binding 0.0.0.0:8080',
      },
      {
        command: "i=0; until netstat -ltn | grep -q ':8080 ' || [ $i -ge 250 ]; do usleep 20000; i=$((i+1)); done; cat /tmp/e24.out; netstat -ltn | grep ':8080 '",
        note: "chbind's line, and where the server listens",
      },
      { command: 'wget -q -O - http://10.42.0.1:8080/', note: 'a client asks A' },
      { command: 'wget -q -O - http://10.42.0.2:8080/', note: 'a client asks B, the same port' },
      { command: 'chbind --ip 10.42.0.1 -- timeout 2 httpd -f -p 10.42.0.2:8081 -h /tmp/e24', note: 'a server under chbind --ip A asks for B explicitly (timeout: were the bind allowed, it would serve on)' },
      { command: 'chbind --ip 10.42.0.1 -- ip -o addr', note: 'the address listing inside the guest' },
    ],
    invariants: [
      { says: 'chbind reports the address set: ipv4root is now 10.42.0.1', check: (s) => /^ipv4root is now 10\.42\.0\.1$/m.test(stepOf(s, 2).stdout) || stepOf(s, 2).stdout },
      {
        says: 'the bind to 0.0.0.0:8080 ended up on A: the socket listens on 10.42.0.1:8080, not on the wildcard',
        check: (s) => {
          const out = stepOf(s, 2).stdout;
          return (/[\s:]10\.42\.0\.1:8080\s/.test(out) && !/\s(0\.0\.0\.0|::):8080\s/.test(out)) || out;
        },
      },
      { says: 'a client reaches the server at A', check: (s) => (stepOf(s, 3).exitCode === 0 && stepOf(s, 3).stdout === 'served-from-A\n') || `exit ${stepOf(s, 3).exitCode}: ${stepOf(s, 3).stdout}${stepOf(s, 3).stderr}` },
      { says: 'at B nothing answers on that port', check: (s) => (stepOf(s, 4).exitCode !== 0 && !/served-from-A/.test(stepOf(s, 4).stdout)) || `exit ${stepOf(s, 4).exitCode}: ${stepOf(s, 4).stdout}` },
      {
        says: 'binding B from the guest fails with EADDRNOTAVAIL',
        check: (s) => (stepOf(s, 5).exitCode !== 0 && /bind: Cannot assign requested address/.test(stepOf(s, 5).stderr)) || `exit ${stepOf(s, 5).exitCode}: ${stepOf(s, 5).stderr}`,
      },
      {
        says: "the guest's listing shows A and none of the host's other addresses",
        check: (s) => {
          const mine = listedAddrs(stepOf(s, 6).stdout).filter((a) => a.startsWith('10.42.') || a.startsWith('fd42:'));
          return (mine.length === 1 && mine[0] === '10.42.0.1') || stepOf(s, 6).stdout + stepOf(s, 6).stderr;
        },
      },
    ],
    cleanup: 'kill $(cat /tmp/e24.pid); rm -rf /tmp/e24 /tmp/e24.out /tmp/e24.pid',
  },
  {
    id: 'E33',
    title: 'Context flags',
    section: '05.0',
    demonstrates: 'vattribute --set --flag changes Flags: in /proc/virtual/<xid>/status and the behaviour the flag names; a one-time flag cannot be set again.',
    requires: [tool('vattribute'), CTX_CREATE, PROC_VIRTUAL_CTX],
    steps: [
      { command: keepAlive('vcontext --create --silent --endsetup --xid 3301', '/tmp/e33.pid'), note: 'guest 3301, past its setup phase' },
      { command: 'grep Flags: /proc/virtual/3301/status; vattribute --xid 3301 --get', note: 'its flags before' },
      { command: 'vcontext --migrate --xid 3301 -- true', note: 'the host may still enter it' },
      { command: 'vattribute --xid 3301 --set --flag private && grep Flags: /proc/virtual/3301/status && vattribute --xid 3301 --get', note: 'set INFO_PRIVATE (bit 3)' },
      { command: 'vcontext --migrate --xid 3301 -- true', note: 'entering a private context' },
      { command: 'vattribute --xid 3301 --set --flag ~private && vcontext --migrate --xid 3301 -- true && echo entered', note: 'clear it again: entering works' },
      { command: 'vattribute --xid 3301 --set --flag state_setup; grep Flags: /proc/virtual/3301/status', note: 'try to set the one-time flag STATE_SETUP again' },
    ],
    invariants: [
      {
        says: 'before: neither private nor state_setup is set',
        check: (s) => {
          const f = flagsOf(stepOf(s, 1).stdout);
          return (f !== undefined && (f & 0x8n) === 0n && (f & (1n << 32n)) === 0n) || stepOf(s, 1).stdout;
        },
      },
      { says: 'vattribute --get prints the flags line', check: (s) => /^flags: \S+$/m.test(stepOf(s, 1).stdout) || stepOf(s, 1).stdout },
      { says: 'entering the context works before', check: (s) => stepOf(s, 2).exitCode === 0 || stepOf(s, 2).stderr },
      {
        says: '--flag private sets bit 3 in Flags: and vattribute lists it',
        check: (s) => {
          const f = flagsOf(stepOf(s, 3).stdout);
          return (f !== undefined && (f & 0x8n) === 0x8n && /^flags: .*\bprivate\b/m.test(stepOf(s, 3).stdout)) || stepOf(s, 3).stdout + stepOf(s, 3).stderr;
        },
      },
      { says: 'a private context past setup cannot be entered (EACCES)', check: (s) => (stepOf(s, 4).exitCode !== 0 && /Permission denied/.test(stepOf(s, 4).stderr)) || `exit ${stepOf(s, 4).exitCode}: ${stepOf(s, 4).stderr}` },
      { says: 'after clearing private it can be entered again', check: (s) => /entered/.test(stepOf(s, 5).stdout) || stepOf(s, 5).stdout + stepOf(s, 5).stderr },
      {
        says: 'the one-time flag STATE_SETUP stays cleared',
        check: (s) => {
          const f = flagsOf(stepOf(s, 6).stdout);
          return (f !== undefined && (f & (1n << 32n)) === 0n) || stepOf(s, 6).stdout + stepOf(s, 6).stderr;
        },
      },
    ],
    cleanup: 'vkill --xid 3301; rm -f /tmp/e33.pid',
  },
  {
    id: 'E34',
    title: 'Context capabilities',
    section: '05.1',
    demonstrates:
      'Without SET_UTSNAME hostname fails in the guest; with it, it changes only the guest name; RAW_ICMP makes ping to loopback work without CAP_NET_RAW, as the ccap util-vserver sets and as the network capability.',
    requires: [tool('vattribute'), tool('chbind'), tool('nattribute'), CTX_CREATE, UTSNAME_CCAP, RAW_ICMP_CCAP, TEST_ADDRESSES, NET_CREATE, RAW_ICMP_NCAP],
    steps: [
      { command: keepAlive('vcontext --create --silent --endsetup --xid 3401', '/tmp/e34.pid'), note: 'guest 3401 (full capability bound, no ccaps)' },
      { command: 'vcontext --migrate --xid 3401 -- hostname e34-guest', note: 'without SET_UTSNAME' },
      { command: 'vattribute --xid 3401 --set --ccap set_utsname && vattribute --xid 3401 --get', note: 'grant SET_UTSNAME' },
      { command: "vcontext --migrate --xid 3401 -- sh -c 'hostname e34-guest && hostname'", note: 'with it' },
      { command: 'hostname; vuname --xid 3401 nodename', note: "the host's name, and the guest's as the host sees it" },
      { command: 'ip link set lo up; ' + keepAlive('vcontext --create --silent --endsetup --xid 3402', '/tmp/e34-b.pid') + ' && vattribute --xid 3402 --set --bcap ~NET_RAW', note: 'guest 3402 without CAP_NET_RAW' },
      { command: 'vcontext --migrate --xid 3402 -- ping -c 1 -W 2 127.0.0.1', note: 'ping without RAW_ICMP' },
      { command: 'vattribute --xid 3402 --set --ccap raw_icmp && vcontext --migrate --xid 3402 -- ping -c 1 -W 2 127.0.0.1', note: 'ping with RAW_ICMP' },
      {
        command: "chbind --silent --nid 3403 --ip 10.42.0.1 -- sh -c 'sleep 1000 >/dev/null 2>&1 & echo $!' | tee /tmp/e34-n.pid && nattribute --nid 3403 --get",
        note: 'a network context (nid 3403, address 10.42.0.1) and its network capabilities',
      },
      { command: "ncontext --migrate --nid 3403 -- reducecap --cap '!NET_RAW' -- ping -c 1 -W 2 127.0.0.1", note: 'ping without CAP_NET_RAW in it' },
      {
        command: "nattribute --nid 3403 --set --ncap raw_icmp && ncontext --migrate --nid 3403 -- reducecap --cap '!NET_RAW' -- ping -c 1 -W 2 127.0.0.1",
        note: 'the same with the network capability raw_icmp',
      },
    ],
    invariants: [
      { says: 'without SET_UTSNAME hostname fails with EPERM', check: (s) => (stepOf(s, 1).exitCode !== 0 && /not permitted/.test(stepOf(s, 1).stderr)) || `exit ${stepOf(s, 1).exitCode}: ${stepOf(s, 1).stderr}` },
      { says: 'vattribute --get lists set_utsname', check: (s) => /^ccapabilities: .*\bset_utsname\b/m.test(stepOf(s, 2).stdout) || stepOf(s, 2).stdout + stepOf(s, 2).stderr },
      { says: 'with SET_UTSNAME the guest renames itself', check: (s) => (stepOf(s, 3).exitCode === 0 && stepOf(s, 3).stdout.trim() === 'e34-guest') || stepOf(s, 3).stdout + stepOf(s, 3).stderr },
      { says: "the host's name is unchanged and the guest's is the new one", check: (s) => stepOf(s, 4).stdout === 'vslab\ne34-guest\n' || stepOf(s, 4).stdout + stepOf(s, 4).stderr },
      { says: 'without CAP_NET_RAW and RAW_ICMP ping fails', check: (s) => stepOf(s, 6).exitCode !== 0 || stepOf(s, 6).stdout },
      { says: 'with RAW_ICMP ping to loopback works', check: (s) => (stepOf(s, 7).exitCode === 0 && /1 packets received/.test(stepOf(s, 7).stdout)) || stepOf(s, 7).stdout + stepOf(s, 7).stderr },
      { says: 'a new network context has no network capabilities', check: (s) => /^ncapabilities: none$/m.test(stepOf(s, 8).stdout) || stepOf(s, 8).stdout + stepOf(s, 8).stderr },
      {
        says: 'in it, without CAP_NET_RAW and raw_icmp, ping is refused',
        check: (s) => (stepOf(s, 9).exitCode !== 0 && /permission denied|not permitted/i.test(stepOf(s, 9).stderr)) || `exit ${stepOf(s, 9).exitCode}: ${stepOf(s, 9).stdout}${stepOf(s, 9).stderr}`,
      },
      { says: 'with the raw_icmp network capability ping to loopback works', check: (s) => (stepOf(s, 10).exitCode === 0 && /1 packets received/.test(stepOf(s, 10).stdout)) || stepOf(s, 10).stdout + stepOf(s, 10).stderr },
    ],
    cleanup: 'vkill --xid 3401; vkill --xid 3402; kill $(cat /tmp/e34-n.pid); rm -f /tmp/e34*.pid',
  },
  ...[
    ['E13', 'Normal file without attributes', '03.2', 'lsattr shows no flags; the file can be appended to, renamed and removed.', [tool('lsattr'), tool('chattr')]],
    ['E14', 'Immutable file attribute', '03.2', 'After chattr +i, append, rename, link and rm fail with EPERM even for root; after chattr -i they work.', [tool('lsattr'), tool('chattr')]],
    ['E15', 'Chroot', '03.3, 04.2', 'A chrooted shell sees its directory as /; the escape program breaks out on the host; inside a guest with the barrier on the parent it fails.', [tool('chroot-escape'), tool('setattr'), CTX_CREATE]],
    ['E31', 'Context file tagging', '04.5', "On a tag-mounted filesystem a file created in guest X shows xid X in lsxid; chxid retags it; untagged files modified from X become X's.", [tool('lsxid'), tool('chxid'), CTX_CREATE]],
    ['E32', 'XID file permissions', '04.5', 'A file tagged X is unreadable and unwritable from guest Y, readable from X, host and spectator; without tag every context can access it.', [tool('lsxid'), CTX_CREATE]],
    ['E41', 'Context accounting', '05.2', "After known work in a guest its counters rise by exactly that much and another guest's do not.", [tool('vcontext'), CTX_CREATE]],
    ['E42', 'Context limits', '05.3', 'With vlimit --nproc N the (N+1)th process fails with EAGAIN; /proc/virtual/X/limit shows current, max and hits.', [tool('vlimit'), CTX_CREATE]],
    ['E43', 'Uptime virtualization', '05.4', "With VIRT_UPTIME the guest's uptime starts near zero at context creation and stays below the host's.", [tool('vattribute'), CTX_CREATE]],
    ['E44', 'ProcFS guest security', '06.2, 07.3', 'In a guest /proc/virtual lists only its own xid; other entries give ENOENT; /proc/sysrq-trigger is not reachable.', [tool('vcontext'), CTX_CREATE]],
    ['E45', 'ProcFS host security', '06.2, 07.3', 'The host sees all of /proc/virtual; entries marked admin/watch/hide appear to host, spectator and guests exactly as marked.', [tool('setattr'), tool('showattr'), CTX_CREATE]],
  ].map(
    ([id, title, section, demonstrates, requires]): Example => ({
      id: id as string,
      title: title as string,
      section: section as string,
      demonstrates: demonstrates as string,
      requires: requires as Requirement[],
      steps: [],
      invariants: [],
    }),
  ),
]);

export function findExamples(ids?: readonly string[]): Example[] {
  if (ids === undefined || ids.length === 0) return [...EXAMPLES];
  const wanted = new Set(ids.map((i) => i.toUpperCase()));
  return EXAMPLES.filter((e) => wanted.has(e.id));
}
