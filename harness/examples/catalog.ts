/**
 * The catalogue of the paper's examples (PAPER.md §7). Every example is listed; those whose
 * feature has not landed yet name what they require, and the runner reports them as not
 * implemented when the guest lacks it.
 */
import { stepOf, type Example, type Requirement, type StepResult } from './types.ts';

const tool = (name: string): Requirement => ({ what: `the ${name} tool`, probe: `command -v ${name}` });
/** A sys_vserver command is implemented when the kernel does not answer ENOSYS. */
const vcmd = (what: string, cmd: string, id = '0', extra = ''): Requirement => ({
  what,
  probe: `vsyscall ${extra} ${cmd} ${id} | grep -qv ENOSYS`,
});
const CTX_CREATE = vcmd('contexts (ctx_create)', 'ctx_create', '2', '--in 0000000007000000');

/** Kernel features the context examples need beyond ctx_create, each probed in a throw-away context 2. */
const PROC_VIRTUAL_CTX: Requirement = { what: '/proc/virtual/<xid>/ entries', probe: 'vcontext --create --silent --xid 2 -- test -r /proc/virtual/2/status' };
const PROC_ISOLATION: Requirement = { what: "process isolation (a guest must not see the host's tasks in /proc)", probe: "vcontext --create --silent --xid 2 -- sh -c '! test -d /proc/1'" };
const FAKEINIT: Requirement = { what: 'fake init (INFO_INIT shows the init as pid 1)', probe: "chcontext --silent --xid 2 --flag fakeinit -- sh -c 'test $$ = 1'" };
const PROC_CACCT: Requirement = { what: 'socket accounting (/proc/virtual/<xid>/cacct)', probe: 'vcontext --create --silent --xid 2 -- test -r /proc/virtual/2/cacct' };
const PROC_LIMIT: Requirement = { what: 'context limits (/proc/virtual/<xid>/limit)', probe: 'vcontext --create --silent --xid 2 -- test -r /proc/virtual/2/limit' };
const VIRT_UPTIME: Requirement = { what: 'uptime virtualization (/proc/virtual/<xid>/cvirt)', probe: 'vcontext --create --silent --xid 2 -- test -r /proc/virtual/2/cvirt' };
const UTSNAME_CCAP: Requirement = { what: 'the SET_UTSNAME ccap (sethostname refused in a guest without it)', probe: "vcontext --create --silent --xid 2 -- sh -c '! hostname probe 2>/dev/null'" };
/** Network contexts: the guest's test addresses, net_create, and what the kernel does with a context's address set. */
const NET_CREATE = vcmd('network contexts (net_create)', 'net_create', '2', '--in 0000000004000000');
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
  // Granted from the host: from inside, a context may only narrow its ccaps (kernel-patch/README.md).
  probe:
    'ip link set lo up; vcontext --create --silent --endsetup --xid 3499 -- sleep 30 >/dev/null 2>&1 & ' +
    'i=0; while [ ! -e /proc/virtual/3499 ] && [ $i -lt 100 ]; do usleep 20000; i=$((i+1)); done; ' +
    'vattribute --xid 3499 --set --ccap raw_icmp --bcap ~CAP_NET_RAW >/dev/null && vcontext --migrate --xid 3499 -- ping -c 1 -W 2 127.0.0.1 >/dev/null 2>&1; ' +
    'r=$?; vkill --xid 3499 >/dev/null 2>&1; wait; exit $r',
};
const RAW_ICMP_NCAP: Requirement = {
  what: 'the RAW_ICMP network capability (ping without CAP_NET_RAW in a network context)',
  probe: "chbind --silent --ip 10.42.0.1 -- sh -c \"nattribute --set --ncap raw_icmp && reducecap --cap '!CAP_NET_RAW' -- ping -c 1 -W 2 10.42.0.1 >/dev/null 2>&1\"",
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
/** Per context in OUT (pairs of total_forks: and INET: lines): forks, then INET recv, send, fail as count, bytes. */
const countersOf = (out: string): { forks: number; sendCount: number; sendBytes: number; failCount: number }[] =>
  [...out.matchAll(/^total_forks:\t(\d+)\nINET:\t\s*(\d+)\/(\d+)\s*\t\s*(\d+)\/(\d+)\s*\t\s*(\d+)\/(\d+)\s*$/gm)].map((m) => ({
    forks: Number(m[1]),
    sendCount: Number(m[4]),
    sendBytes: Number(m[5]),
    failCount: Number(m[6]),
  }));
/** The first number of each /proc/uptime line in OUT (seconds since boot, or since creation). */
const uptimesOf = (out: string): (number | undefined)[] => [...out.matchAll(/^(\d+\.\d+) \d+\.\d+$/gm)].map((m) => Number(m[1]));
/** Poll (with a deadline of about 5 s) until FILE is non-empty, then print it. */
const waitFile = (file: string): string => `i=0; while [ ! -s ${file} ] && [ $i -lt 250 ]; do usleep 20000; i=$((i+1)); done; cat ${file}`;

/** Whether /proc/NAME is listed by readdir and can be opened, as the calling context sees it. */
const procView = (name: string): string => `sh -c 'ls /proc | grep -qx ${name} && echo listed || echo unlisted; cat /proc/${name} >/dev/null 2>&1 && echo readable || echo unreadable'`;
/** What a procView step printed: [listed, readable]. */
const seen = (stdout: string): [boolean, boolean] => [/^listed$/m.test(stdout), /^readable$/m.test(stdout)];
/** The showattr letter field printed for PATH. */
const showattrOf = (stdout: string, path: string): string | undefined => new RegExp(`^(\\S{9})\\s+${path.replace(/[/.]/g, '\\$&')}$`, 'm').exec(stdout)?.[1];
/** The lsattr letter field printed for PATH. */
const lsattrOf = (stdout: string, path: string): string | undefined => new RegExp(`^(\\S+) ${path.replace(/[/.]/g, '\\$&')}$`, 'm').exec(stdout)?.[1];
/** A chroot jail at DIR: a static busybox (sh, ls, cat) and the escape program. */
const jail = (dir: string): string =>
  `mkdir -p ${dir}/bin && cp /bin/busybox ${dir}/bin/ && for a in sh ls cat; do ln -s busybox ${dir}/bin/$a; done && cp /usr/lib/vslab/vstool ${dir}/bin/chroot-escape && echo jail >${dir}/where`;

/** Tagging: a tmpfs mounted with the tag option takes the creator's xid on new files. */
const TAGGING: Requirement = { what: 'xid tagging (mount option tag)', probe: 'mkdir -p /tmp/tagprobe && mount -t tmpfs -o tag tmpfs /tmp/tagprobe && grep -q " /tmp/tagprobe .*[,]tag[,]" /proc/mounts; r=$?; umount /tmp/tagprobe 2>/dev/null; rmdir /tmp/tagprobe; exit $r' };
const DLIMIT_TMPFS: Requirement = {
  what: 'disk limits on a tagged tmpfs',
  probe:
    "mkdir -p /tmp/dlprobe && mount -t tmpfs -o tag tmpfs /tmp/dlprobe && vdlimit --xid 2 --set space_total=4 /tmp/dlprobe >/dev/null && vcontext --create --silent --endsetup --xid 2 -- sh -c '! dd if=/dev/zero of=/tmp/dlprobe/x bs=4k count=2 2>/dev/null'; r=$?; umount /tmp/dlprobe 2>/dev/null; rmdir /tmp/dlprobe; exit $r",
};
/** The xid lsxid printed for PATH. */
const lsxidOf = (stdout: string, path: string): number => Number(new RegExp(`^\\s*(\\d+)  ${path.replace(/[/.]/g, '\\$&')}$`, 'm').exec(stdout)?.[1] ?? NaN);
/** Run CMD as root of a new guest XID (past setup). */
const inGuest = (xid: number, cmd: string): string => `vcontext --create --silent --endsetup --xid ${xid} -- sh -c '${cmd}'`;

/** An ext2 disk as /dev/sda (examples with `disk: true`; run-all.ts attaches one). */
const DISK: Requirement = { what: 'an ext2 disk as /dev/sda (the arm board has no disk controller)', probe: 'test -b /dev/sda' };
const VROOT: Requirement = { what: 'vroot devices (/dev/vroot0)', probe: 'test -b /dev/vroot0' };
/** Run CMD as root of a new guest XID past setup with util-vserver's secure bound plus ATTRS. */
const inSecureGuest = (xid: number, attrs: string, cmd: string): string =>
  `vcontext --create --silent --xid ${xid} -- vattribute --set --secure ${attrs} -- vcontext --silent --endsetup --migrate-self -- sh -c '${cmd}'`;
/** The quota record of a guest's id on a tagged filesystem: (tag << 16) | id. */
const quotaRecord = (xid: number, id: number): number => xid * 65536 + id;
const QUOTA_ADMIN = '--bcap CAP_SYS_ADMIN --ccap quota_ctl';

/** Inside a guest: its CPU scheduler (/proc/virtual/<xid>/sched). */
const SCHED: Requirement = { what: 'the CPU scheduler (/proc/virtual/<xid>/sched)', probe: 'vcontext --create --silent --xid 2 -- test -r /proc/virtual/2/sched' };
/**
 * As the spectator: the uptime and the /proc/<pid>/stat of the pid in PIDFILE, SECONDS apart; then
 * "share=N" with the task's CPU share in percent (utime + stime ticks at USER_HZ 100).
 */
const cpuShare = (pidFile: string, seconds: number): string =>
  `vcontext --migrate --xid 1 -- sh -c 'p=$(cat ${pidFile}); read u0 x </proc/uptime; set -- $(sed "s/.*) //" /proc/$p/stat); t0=$((\${12} + \${13})); ` +
  `sleep ${seconds}; read u1 x </proc/uptime; set -- $(sed "s/.*) //" /proc/$p/stat); t1=$((\${12} + \${13})); ` +
  `echo "ticks=$((t1 - t0)) uptime=$u0..$u1"; awk -v t=$((t1 - t0)) -v a=$u0 -v b=$u1 "BEGIN { printf \\"share=%.1f\\n\\", t / (b - a) }"'`;
/** The share=N a cpuShare step printed. */
const shareOf = (stdout: string): number | undefined => {
  const m = /^share=(\d+(?:\.\d+)?)$/m.exec(stdout);
  return m === null ? undefined : Number(m[1]);
};
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
      { command: "reducecap --cap '!CAP_CHOWN' -- su -s /bin/sh -c /tmp/e02/showcaps user", note: 'the same drop with reducecap (bounding set only, no context)' },
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
      { command: 'chcontext --silent --secure --cap CAP_MKNOD -- mknod /tmp/e03-c c 1 3 && ls -l /tmp/e03-c', note: '--secure plus CAP_MKNOD alone' },
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
    id: 'E41',
    title: 'Context accounting',
    section: '05.2',
    demonstrates: "After known work in a guest (4 forks, one TCP connection sending 1000 bytes) the guest's counters in /proc/virtual/<xid>/ rise by exactly that much, and another guest's do not move.",
    requires: [tool('vcontext'), CTX_CREATE, PROC_CACCT],
    steps: [
      { command: `${keepAlive('vcontext --create --silent --xid 4101', '/tmp/e41a.pid')} && ${keepAlive('vcontext --create --silent --xid 4102', '/tmp/e41b.pid')}`, note: 'guests 4101 and 4102, each with one sleeping task' },
      { command: 'printf "%1000s" x >/tmp/e41.data && (nc -l -p 4100 >/dev/null 2>&1 &) && echo listening', note: '1000 bytes to send, and a listener on the host' },
      { command: 'for x in 4101 4102; do grep total_forks: /proc/virtual/$x/cvirt; grep INET: /proc/virtual/$x/cacct; done', note: 'counters before: forks, then INET recv/send/fail as count/bytes' },
      { command: "vcontext --migrate --xid 4101 -- sh -c '/bin/true; /bin/true; /bin/true; nc 127.0.0.1 4100 </tmp/e41.data; true'", note: 'in 4101: three programs and one nc (4 forks), sending the 1000 bytes over TCP' },
      { command: 'for x in 4101 4102; do grep total_forks: /proc/virtual/$x/cvirt; grep INET: /proc/virtual/$x/cacct; done', note: 'counters after' },
    ],
    invariants: [
      {
        says: "4101's total_forks rose by exactly 4",
        check: (s) => {
          const [before, after] = [countersOf(stepOf(s, 2).stdout)[0], countersOf(stepOf(s, 4).stdout)[0]];
          return (before !== undefined && after !== undefined && after.forks - before.forks === 4) || `before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`;
        },
      },
      {
        says: "4101's INET send bytes rose by exactly 1000, in at least one message, with no failures",
        check: (s) => {
          const [before, after] = [countersOf(stepOf(s, 2).stdout)[0], countersOf(stepOf(s, 4).stdout)[0]];
          if (before === undefined || after === undefined) return stepOf(s, 4).stdout;
          const sent = after.sendBytes - before.sendBytes;
          const msgs = after.sendCount - before.sendCount;
          const fails = after.failCount - before.failCount;
          return (sent === 1000 && msgs >= 1 && fails === 0) || `sent ${sent} bytes in ${msgs} messages, ${fails} failures`;
        },
      },
      {
        says: "4102's counters did not move",
        check: (s) => {
          const [before, after] = [countersOf(stepOf(s, 2).stdout)[1], countersOf(stepOf(s, 4).stdout)[1]];
          return (before !== undefined && JSON.stringify(before) === JSON.stringify(after)) || `before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`;
        },
      },
    ],
    cleanup: 'vkill --xid 4101; vkill --xid 4102; rm -f /tmp/e41*',
  },
  {
    id: 'E42',
    title: 'Context limits',
    section: '05.3',
    demonstrates:
      'With vlimit the (N+1)th process of a context fails with EAGAIN although the per-user rlimit allows it, an open past NOFILE with EMFILE and a mapping past AS with ENOMEM; /proc/virtual/<xid>/limit shows current, max and hits.',
    requires: [tool('vlimit'), CTX_CREATE, PROC_LIMIT],
    steps: [
      { command: keepAlive('vcontext --create --silent --xid 4201', '/tmp/e42.pid'), note: 'guest 4201 with one sleeping task' },
      { command: 'vlimit --xid 4201 --nproc 3 && vlimit --xid 4201 -a | grep "^NPROC "', note: 'at most 3 tasks in the context' },
      {
        command: "vcontext --migrate --xid 4201 -- sh -c 'ulimit -u; sleep 1000 >/dev/null 2>&1 & sleep 1000 >/dev/null 2>&1 & echo both forked'",
        note: 'the sleeper, this shell and one more sleep make 3: the next fork must fail (the first line is the per-user rlimit)',
      },
      { command: keepAlive('vcontext --create --silent --xid 4202', '/tmp/e42b.pid'), note: 'guest 4202, for the file limit' },
      {
        command: "vlimit --xid 4202 --nofile 5 && vcontext --migrate --xid 4202 -- sh -c 'exec 3</dev/null 4</dev/null 5</dev/null 6</dev/null; echo all open'",
        note: 'at most 5 open files (each running program also holds its executable open): open more',
      },
      { command: keepAlive('vcontext --create --silent --xid 4203', '/tmp/e42c.pid'), note: 'guest 4203, for the address-space limit' },
      { command: 'vlimit --xid 4203 --as 4096 && vcontext --migrate --xid 4203 -- dd if=/dev/zero of=/dev/null bs=32M count=1', note: 'at most 4096 pages (16 MiB) of address space: a 32 MiB buffer is more' },
      { command: 'dd if=/dev/zero of=/dev/null bs=32M count=1', note: 'the same on the host' },
      { command: 'grep -E "^(Limit|PROC)" /proc/virtual/4201/limit; grep FILES: /proc/virtual/4202/limit; grep VM: /proc/virtual/4203/limit', note: 'current, min/max, soft/hard and hits of each limit' },
    ],
    invariants: [
      {
        says: 'the per-user rlimit would allow more processes, yet the next fork in the context fails with EAGAIN',
        check: (s) => {
          const st = stepOf(s, 2);
          const user = st.stdout.split('\n')[0];
          const allows = user === 'unlimited' || Number(user) > 3;
          return (allows && !/both forked/.test(st.stdout) && /fork.*(Resource temporarily unavailable|Try again)/i.test(st.stderr)) || st.stdout + st.stderr;
        },
      },
      { says: 'an open past NOFILE fails with EMFILE', check: (s) => (!/all open/.test(stepOf(s, 4).stdout) && /Too many open files/.test(stepOf(s, 4).stderr)) || stepOf(s, 4).stdout + stepOf(s, 4).stderr },
      { says: 'a mapping past AS fails (dd: out of memory)', check: (s) => (stepOf(s, 6).exitCode !== 0 && /out of memory/.test(stepOf(s, 6).stderr)) || `exit ${stepOf(s, 6).exitCode}: ${stepOf(s, 6).stderr}` },
      { says: 'the host is not limited', check: (s) => stepOf(s, 7).exitCode === 0 || stepOf(s, 7).stderr },
      {
        says: 'limit shows the hard limits with at least one hit each; PROC peaked exactly at its limit, FILES and VM stay within theirs',
        check: (s) => {
          const out = stepOf(s, 8).stdout;
          const row = (name: string): number[] | undefined =>
            new RegExp(`^${name}:\\t\\s*(-?\\d+)\\t\\s*(-?\\d+)/\\s*(-?\\d+)\\t\\s*(-?\\d+)/\\s*(-?\\d+)\\t\\s*(\\d+)$`, 'm')
              .exec(out)
              ?.slice(1)
              .map(Number);
          const ok = (name: string, hard: number): boolean => {
            const r = row(name);
            const [current = Infinity, , , , limit, hits = 0] = r ?? [];
            return limit === hard && hits >= 1 && current <= hard;
          };
          const proc = row('PROC');
          return (ok('PROC', 3) && proc?.[2] === 3 && ok('FILES', 5) && ok('VM', 4096)) || out;
        },
      },
    ],
    cleanup: 'vkill --xid 4201; vkill --xid 4202; vkill --xid 4203; rm -f /tmp/e42*.pid',
  },
  {
    id: 'E43',
    title: 'Uptime virtualization',
    section: '05.4',
    demonstrates: "With VIRT_UPTIME the guest's /proc/uptime starts near zero when the context is created and stays below the host's; without it, the guest sees the host's uptime.",
    requires: [tool('vattribute'), CTX_CREATE, VIRT_UPTIME],
    steps: [
      { command: 'cat /proc/uptime', note: "the host's uptime (seconds since boot, then idle seconds)" },
      { command: keepAlive('vcontext --create --silent --xid 4301', '/tmp/e43.pid'), note: 'guest 4301 is created now' },
      { command: 'vattribute --xid 4301 --set --flag virt_uptime && grep Flags: /proc/virtual/4301/status', note: 'give it VIRT_UPTIME (bit 17)' },
      { command: 'vcontext --migrate --xid 4301 -- cat /proc/uptime; cat /proc/uptime', note: "the guest's uptime, then the host's" },
      { command: 'cat /proc/uptime; vcontext --create --silent --xid 4302 -- cat /proc/uptime', note: "the host's uptime, then that of guest 4302 without the flag" },
      { command: 'grep BiasUptime: /proc/virtual/4301/cvirt', note: 'when guest 4301 was created, in host uptime' },
    ],
    invariants: [
      {
        says: "with VIRT_UPTIME the guest's uptime is below the host's",
        check: (s) => {
          const [guest, host] = uptimesOf(stepOf(s, 3).stdout);
          return (guest !== undefined && host !== undefined && guest < host) || stepOf(s, 3).stdout + stepOf(s, 3).stderr;
        },
      },
      {
        says: "…and counts from the context's creation: at most the host time that passed since just before it was created",
        check: (s) => {
          const [before] = uptimesOf(stepOf(s, 0).stdout);
          const [guest, host] = uptimesOf(stepOf(s, 3).stdout);
          return (before !== undefined && guest !== undefined && host !== undefined && guest <= host - before + 0.01) || `host before ${before}, guest ${guest}, host after ${host}`;
        },
      },
      {
        says: "without the flag the guest sees the host's uptime (at least what the host saw just before)",
        check: (s) => {
          const [host, guest] = uptimesOf(stepOf(s, 4).stdout);
          return (host !== undefined && guest !== undefined && guest >= host) || stepOf(s, 4).stdout + stepOf(s, 4).stderr;
        },
      },
      {
        says: 'cvirt records the creation time, between the two host readings around it',
        check: (s) => {
          const bias = Number(/^BiasUptime:\t(\d+\.\d+)$/m.exec(stepOf(s, 5).stdout)?.[1]);
          const [before] = uptimesOf(stepOf(s, 0).stdout);
          const [, hostAfter] = uptimesOf(stepOf(s, 3).stdout);
          return (before !== undefined && hostAfter !== undefined && bias >= before - 0.01 && bias <= hostAfter) || stepOf(s, 5).stdout;
        },
      },
    ],
    cleanup: 'vkill --xid 4301; rm -f /tmp/e43.pid',
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
      { command: 'ip link set lo up; ' + keepAlive('vcontext --create --silent --endsetup --xid 3402', '/tmp/e34-b.pid') + ' && vattribute --xid 3402 --set --bcap ~CAP_NET_RAW', note: 'guest 3402 without CAP_NET_RAW' },
      { command: 'vcontext --migrate --xid 3402 -- ping -c 1 -W 2 127.0.0.1', note: 'ping without RAW_ICMP' },
      { command: 'vattribute --xid 3402 --set --ccap raw_icmp && vcontext --migrate --xid 3402 -- ping -c 1 -W 2 127.0.0.1', note: 'ping with RAW_ICMP' },
      {
        command: "chbind --silent --nid 3403 --ip 10.42.0.1 -- sh -c 'sleep 1000 >/dev/null 2>&1 & echo $!' | tee /tmp/e34-n.pid && grep NCaps: /proc/virtnet/3403/status",
        note: 'a network context (nid 3403, address 10.42.0.1) and its network capabilities',
      },
      { command: "ncontext --migrate --nid 3403 -- reducecap --cap '!CAP_NET_RAW' -- ping -c 1 -W 2 127.0.0.1", note: 'ping without CAP_NET_RAW in it' },
      {
        command: "nattribute --nid 3403 --set --ncap raw_icmp --flag lback_allow && ncontext --migrate --nid 3403 -- reducecap --cap '!CAP_NET_RAW' -- ping -c 1 -W 2 127.0.0.1",
        note: "the same with the network capability raw_icmp (and lback_allow: a network context reaches the host's loopback only with it)",
      },
    ],
    invariants: [
      { says: 'without SET_UTSNAME hostname fails with EPERM', check: (s) => (stepOf(s, 1).exitCode !== 0 && /not permitted/.test(stepOf(s, 1).stderr)) || `exit ${stepOf(s, 1).exitCode}: ${stepOf(s, 1).stderr}` },
      { says: 'vattribute --get lists set_utsname', check: (s) => /^ccapabilities: .*\bset_utsname\b/m.test(stepOf(s, 2).stdout) || stepOf(s, 2).stdout + stepOf(s, 2).stderr },
      { says: 'with SET_UTSNAME the guest renames itself', check: (s) => (stepOf(s, 3).exitCode === 0 && stepOf(s, 3).stdout.trim() === 'e34-guest') || stepOf(s, 3).stdout + stepOf(s, 3).stderr },
      { says: "the host's name is unchanged and the guest's is the new one", check: (s) => stepOf(s, 4).stdout === 'vslab\ne34-guest\n' || stepOf(s, 4).stdout + stepOf(s, 4).stderr },
      { says: 'without CAP_NET_RAW and RAW_ICMP ping fails', check: (s) => stepOf(s, 6).exitCode !== 0 || stepOf(s, 6).stdout },
      { says: 'with RAW_ICMP ping to loopback works', check: (s) => (stepOf(s, 7).exitCode === 0 && /1 packets received/.test(stepOf(s, 7).stdout)) || stepOf(s, 7).stdout + stepOf(s, 7).stderr },
      { says: 'a new network context has no network capabilities', check: (s) => /^NCaps:\s+0+$/m.test(stepOf(s, 8).stdout) || stepOf(s, 8).stdout + stepOf(s, 8).stderr },
      {
        says: 'in it, without CAP_NET_RAW and raw_icmp, ping is refused',
        check: (s) => (stepOf(s, 9).exitCode !== 0 && /permission denied|not permitted/i.test(stepOf(s, 9).stderr)) || `exit ${stepOf(s, 9).exitCode}: ${stepOf(s, 9).stdout}${stepOf(s, 9).stderr}`,
      },
      { says: 'with the raw_icmp network capability ping to loopback works', check: (s) => (stepOf(s, 10).exitCode === 0 && /1 packets received/.test(stepOf(s, 10).stdout)) || stepOf(s, 10).stdout + stepOf(s, 10).stderr },
    ],
    cleanup: 'vkill --xid 3401; vkill --xid 3402; kill $(cat /tmp/e34-n.pid); rm -f /tmp/e34*.pid',
  },
  {
    id: 'E13',
    title: 'Normal file without attributes',
    section: '03.2',
    demonstrates: 'lsattr shows no flags on a fresh file; it can be appended to, renamed and removed.',
    requires: [tool('lsattr'), tool('chattr')],
    steps: [
      { command: 'rm -rf /tmp/e13; mkdir /tmp/e13 && echo one >/tmp/e13/f && lsattr /tmp/e13/f', note: 'a new file on tmpfs and its attributes' },
      { command: 'echo two >>/tmp/e13/f && cat /tmp/e13/f', note: 'append' },
      { command: 'mv /tmp/e13/f /tmp/e13/g && ls /tmp/e13', note: 'rename' },
      { command: 'rm /tmp/e13/g && ls -A /tmp/e13 | wc -l', note: 'remove' },
    ],
    invariants: [
      { says: 'lsattr shows no attribute set', check: (s) => /^-+$/.test(lsattrOf(stepOf(s, 0).stdout, '/tmp/e13/f') ?? '') || stepOf(s, 0).stdout + stepOf(s, 0).stderr },
      { says: 'appending works', check: (s) => stepOf(s, 1).stdout === 'one\ntwo\n' || stepOf(s, 1).stdout + stepOf(s, 1).stderr },
      { says: 'renaming works', check: (s) => stepOf(s, 2).stdout === 'g\n' || stepOf(s, 2).stdout + stepOf(s, 2).stderr },
      { says: 'removing works', check: (s) => (stepOf(s, 3).exitCode === 0 && stepOf(s, 3).stdout.trim() === '0') || stepOf(s, 3).stdout + stepOf(s, 3).stderr },
    ],
    cleanup: 'rm -rf /tmp/e13',
  },
  {
    id: 'E14',
    title: 'Immutable file attribute',
    section: '03.2',
    demonstrates: 'After chattr +i, lsattr shows i and append, rename, link and rm fail with EPERM even for root; clearing it needs CAP_LINUX_IMMUTABLE; after chattr -i they work.',
    requires: [tool('lsattr'), tool('chattr'), tool('reducecap')],
    steps: [
      { command: 'rm -rf /tmp/e14; mkdir /tmp/e14 && echo one >/tmp/e14/f && chattr +i /tmp/e14/f && lsattr /tmp/e14/f && id -u', note: 'make a file immutable (as root)' },
      { command: 'echo two >>/tmp/e14/f', note: 'append' },
      { command: 'mv /tmp/e14/f /tmp/e14/g', note: 'rename' },
      { command: 'ln /tmp/e14/f /tmp/e14/h', note: 'hard link' },
      { command: 'rm -f /tmp/e14/f', note: 'remove' },
      { command: 'cat /tmp/e14/f; ls /tmp/e14', note: 'the file is unchanged and alone' },
      { command: "reducecap --cap '!CAP_LINUX_IMMUTABLE' -- chattr -i /tmp/e14/f", note: 'clear it without CAP_LINUX_IMMUTABLE' },
      { command: 'chattr -i /tmp/e14/f && lsattr /tmp/e14/f && echo two >>/tmp/e14/f && mv /tmp/e14/f /tmp/e14/g && ln /tmp/e14/g /tmp/e14/h && rm /tmp/e14/g /tmp/e14/h && echo all-done', note: 'clear it as root; everything works again' },
    ],
    invariants: [
      { says: 'lsattr shows i, for root (uid 0)', check: (s) => (lsattrOf(stepOf(s, 0).stdout, '/tmp/e14/f')?.replace(/-/g, '') === 'i' && /^0$/m.test(stepOf(s, 0).stdout)) || stepOf(s, 0).stdout + stepOf(s, 0).stderr },
      ...([
        [1, 'append'],
        [2, 'rename'],
        [3, 'link'],
        [4, 'rm'],
      ] as const).map(([i, what]) => ({
        says: `${what} fails with EPERM`,
        check: (s: readonly StepResult[]): true | string => (stepOf(s, i).exitCode !== 0 && /not permitted/.test(stepOf(s, i).stderr)) || `exit ${stepOf(s, i).exitCode}: ${stepOf(s, i).stderr}`,
      })),
      { says: 'the file keeps its content and is the only name', check: (s) => stepOf(s, 5).stdout === 'one\nf\n' || stepOf(s, 5).stdout + stepOf(s, 5).stderr },
      { says: 'without CAP_LINUX_IMMUTABLE chattr -i fails with EPERM', check: (s) => (stepOf(s, 6).exitCode !== 0 && /not permitted/.test(stepOf(s, 6).stderr)) || `exit ${stepOf(s, 6).exitCode}: ${stepOf(s, 6).stderr}` },
      {
        says: 'after chattr -i the flag is gone and append, rename, link and rm work',
        check: (s) => (/^-+$/.test(lsattrOf(stepOf(s, 7).stdout, '/tmp/e14/f') ?? '') && /^all-done$/m.test(stepOf(s, 7).stdout)) || stepOf(s, 7).stdout + stepOf(s, 7).stderr,
      },
    ],
    cleanup: 'chattr -i /tmp/e14/f 2>/dev/null; rm -rf /tmp/e14',
  },
  {
    id: 'E15',
    title: 'Chroot',
    section: '03.3, 04.2',
    demonstrates: 'A chrooted shell sees its directory as /; the escape program breaks out on the host; inside a guest with the barrier on the parent of its root it fails, even for guest root.',
    requires: [tool('chroot-escape'), tool('setattr'), tool('showattr'), CTX_CREATE],
    steps: [
      { command: `rm -rf /tmp/e15; ${jail('/tmp/e15/guest/root')} && echo host >/tmp/e15/where-host`, note: 'a jail /tmp/e15/guest/root; /tmp/e15/where-host exists only outside it' },
      { command: "chroot /tmp/e15/guest/root /bin/sh -c 'ls /; cat /where'", note: 'a chrooted shell' },
      { command: 'chroot /tmp/e15/guest/root /bin/chroot-escape cat /tmp/e15/where-host', note: 'the escape, from a chroot on the host' },
      { command: 'setattr --barrier /tmp/e15/guest && showattr -d /tmp/e15/guest', note: 'the barrier on the parent of the guest root' },
      {
        command: 'cd /tmp/e15/guest/root && vcontext --create --silent --endsetup --xid 1501 --chroot -- /bin/chroot-escape cat /tmp/e15/where-host',
        note: 'the same escape as root of guest 1501, chrooted into the jail',
      },
      { command: 'vcontext --create --silent --endsetup --xid 1502 -- ls /tmp/e15/guest', note: 'a guest outside the jail cannot enter the barrier either' },
      { command: 'ls /tmp/e15/guest && setattr --~barrier /tmp/e15/guest && showattr -d /tmp/e15/guest', note: 'the host passes it, and removes it' },
      {
        command: 'cd /tmp/e15/guest/root && vcontext --create --silent --endsetup --xid 1503 --chroot -- /bin/chroot-escape cat /tmp/e15/where-host',
        note: 'without the barrier the walk up passes, but the chroot outside its root is refused (issue #23)',
      },
    ],
    invariants: [
      { says: 'the chrooted shell sees the jail as /', check: (s) => stepOf(s, 1).stdout === 'bin\nwhere\njail\n' || stepOf(s, 1).stdout + stepOf(s, 1).stderr },
      { says: 'on the host the escape reaches the real root', check: (s) => (stepOf(s, 2).exitCode === 0 && /reached the real root/.test(stepOf(s, 2).stdout) && /^host$/m.test(stepOf(s, 2).stdout)) || stepOf(s, 2).stdout + stepOf(s, 2).stderr },
      { says: 'showattr shows the barrier (B)', check: (s) => showattrOf(stepOf(s, 3).stdout, '/tmp/e15/guest')?.[4] === 'B' || stepOf(s, 3).stdout + stepOf(s, 3).stderr },
      {
        says: "in the guest the walk up stops at the barrier (EACCES) and the host's file stays out of reach",
        check: (s) => (stepOf(s, 4).exitCode === 1 && /chdir \.\.: Permission denied/.test(stepOf(s, 4).stderr) && !/host/.test(stepOf(s, 4).stdout)) || `exit ${stepOf(s, 4).exitCode}: ${stepOf(s, 4).stdout}${stepOf(s, 4).stderr}`,
      },
      { says: 'a guest cannot list the barrier directory', check: (s) => (stepOf(s, 5).exitCode !== 0 && /Permission denied/.test(stepOf(s, 5).stderr)) || `exit ${stepOf(s, 5).exitCode}: ${stepOf(s, 5).stdout}${stepOf(s, 5).stderr}` },
      { says: 'the host passes the barrier and can remove it', check: (s) => (/^root$/m.test(stepOf(s, 6).stdout) && showattrOf(stepOf(s, 6).stdout, '/tmp/e15/guest')?.[4] === 'b') || stepOf(s, 6).stdout + stepOf(s, 6).stderr },
      {
        says: 'without the barrier the walk up reaches the top, but a guest cannot chroot outside its root (second line, issue #23): the host file stays out of reach',
        check: (s) => (stepOf(s, 7).exitCode === 1 && /chroot \.: Operation not permitted/.test(stepOf(s, 7).stderr) && !/^host$/m.test(stepOf(s, 7).stdout)) || `exit ${stepOf(s, 7).exitCode}: ${stepOf(s, 7).stdout}${stepOf(s, 7).stderr}`,
      },
    ],
    cleanup: 'cd /; setattr --~barrier /tmp/e15/guest 2>/dev/null; rm -rf /tmp/e15',
  },
  {
    id: 'E44',
    title: 'ProcFS guest security',
    section: '06.2, 07.3',
    demonstrates: "In a guest /proc/virtual lists only its own xid and other xids give ENOENT; /proc/sysrq-trigger and the other host-acting entries are not reachable, even after the host unhides them.",
    requires: [tool('vcontext'), tool('setattr'), CTX_CREATE, PROC_VIRTUAL_CTX],
    steps: [
      { command: keepAlive('vcontext --create --silent --endsetup --xid 4401', '/tmp/e44-a.pid'), note: 'guest 4401' },
      { command: keepAlive('vcontext --create --silent --endsetup --xid 4402', '/tmp/e44-b.pid'), note: 'guest 4402' },
      { command: 'vcontext --migrate --xid 4401 -- ls /proc/virtual', note: '/proc/virtual inside 4401' },
      { command: 'vcontext --migrate --xid 4401 -- cat /proc/virtual/4402/status', note: "4402's entry from inside 4401" },
      { command: 'ls /proc/sysrq-trigger /proc/kmsg /proc/iomem /proc/kpageflags', note: 'the host sees the host-acting entries' },
      { command: "vcontext --migrate --xid 4401 -- sh -c 'ls /proc | grep -x -e sysrq-trigger -e kmsg -e iomem -e ioports -e kpagecount -e kpageflags -e timer_list -e vmallocinfo; echo listed-done'", note: 'are they listed in the guest?' },
      { command: "vcontext --migrate --xid 4401 -- sh -c 'echo h >/proc/sysrq-trigger'", note: 'guest root writes to sysrq-trigger' },
      { command: "setattr --~hide /proc/sysrq-trigger /proc/iomem && vcontext --migrate --xid 4401 -- sh -c 'test -e /proc/iomem && echo iomem-visible; echo h >/proc/sysrq-trigger'", note: 'the host unhides sysrq-trigger and iomem' },
    ],
    invariants: [
      { says: '4401 lists only its own id beside info and status', check: (s) => stepOf(s, 2).stdout === '4401\ninfo\nstatus\n' || stepOf(s, 2).stdout + stepOf(s, 2).stderr },
      { says: "4402's entry gives ENOENT", check: (s) => (stepOf(s, 3).exitCode !== 0 && /No such file/.test(stepOf(s, 3).stderr)) || `exit ${stepOf(s, 3).exitCode}: ${stepOf(s, 3).stdout}${stepOf(s, 3).stderr}` },
      { says: 'the host sees sysrq-trigger, kmsg, iomem and kpageflags', check: (s) => stepOf(s, 4).exitCode === 0 || stepOf(s, 4).stderr },
      { says: 'none of the host-acting entries is listed in the guest', check: (s) => stepOf(s, 5).stdout === 'listed-done\n' || stepOf(s, 5).stdout },
      { says: 'writing sysrq-trigger from the guest fails: the entry does not exist there', check: (s) => (stepOf(s, 6).exitCode !== 0 && /nonexistent|No such file/.test(stepOf(s, 6).stderr)) || `exit ${stepOf(s, 6).exitCode}: ${stepOf(s, 6).stderr}` },
      {
        says: 'unhidden iomem becomes visible to the guest; sysrq-trigger stays unreachable',
        check: (s) => (/iomem-visible/.test(stepOf(s, 7).stdout) && stepOf(s, 7).exitCode !== 0 && /nonexistent|No such file/.test(stepOf(s, 7).stderr)) || `exit ${stepOf(s, 7).exitCode}: ${stepOf(s, 7).stdout}${stepOf(s, 7).stderr}`,
      },
    ],
    cleanup: 'setattr --hide /proc/sysrq-trigger /proc/iomem; vkill --xid 4401; vkill --xid 4402; rm -f /tmp/e44-*.pid',
  },
  {
    id: 'E45',
    title: 'ProcFS host security',
    section: '06.2, 07.3',
    demonstrates: 'The host sees every /proc/virtual/<xid>; a /proc entry marked with the admin/watch/hide attributes (setattr, showattr) appears to host, spectator and guests exactly as marked.',
    requires: [tool('setattr'), tool('showattr'), CTX_CREATE, PROC_VIRTUAL_CTX],
    steps: [
      { command: keepAlive('vcontext --create --silent --endsetup --xid 4501', '/tmp/e45-a.pid'), note: 'guest 4501' },
      { command: keepAlive('vcontext --create --silent --endsetup --xid 4502', '/tmp/e45-b.pid'), note: 'guest 4502' },
      { command: 'ls /proc/virtual && cat /proc/virtual/4501/info /proc/virtual/4502/info', note: "the host's /proc/virtual" },
      { command: 'showattr /proc/uptime /proc/sysrq-trigger', note: 'the default attributes: uptime visible to all, sysrq-trigger hidden (host and spectator only)' },
      { command: 'setattr --hide /proc/uptime && showattr /proc/uptime', note: 'hide uptime (admin and watch stay)' },
      { command: procView('uptime'), note: 'host' },
      { command: `vcontext --migrate --xid 1 -- ${procView('uptime')}`, note: 'spectator' },
      { command: `vcontext --migrate --xid 4501 -- ${procView('uptime')}`, note: 'guest' },
      { command: `setattr --~watch /proc/uptime && showattr /proc/uptime && vcontext --migrate --xid 1 -- ${procView('uptime')}`, note: 'hidden without watch: the spectator' },
      { command: `setattr --watch --~admin /proc/uptime && ${procView('uptime')}`, note: 'hidden with watch but without admin: the host' },
      { command: `vcontext --migrate --xid 1 -- setattr --admin --~hide /proc/uptime && showattr /proc/uptime && vcontext --migrate --xid 4501 -- ${procView('uptime')}`, note: 'unhidden by the spectator (the host no longer sees it): the guest' },
    ],
    invariants: [
      {
        says: 'the host lists both guests and reads their info',
        check: (s) => {
          const out = stepOf(s, 2).stdout;
          return (/^4501$/m.test(out) && /^4502$/m.test(out) && /^ID:\s+4501$/m.test(out) && /^ID:\s+4502$/m.test(out)) || out + stepOf(s, 2).stderr;
        },
      },
      {
        says: 'showattr: uptime has admin and watch, sysrq-trigger also hide',
        check: (s) => (showattrOf(stepOf(s, 3).stdout, '/proc/uptime')?.slice(0, 3) === 'AWh' && showattrOf(stepOf(s, 3).stdout, '/proc/sysrq-trigger')?.slice(0, 3) === 'AWH') || stepOf(s, 3).stdout + stepOf(s, 3).stderr,
      },
      { says: 'after setattr --hide showattr shows H', check: (s) => showattrOf(stepOf(s, 4).stdout, '/proc/uptime')?.slice(0, 3) === 'AWH' || stepOf(s, 4).stdout + stepOf(s, 4).stderr },
      { says: 'hidden with admin: the host lists and reads it', check: (s) => seen(stepOf(s, 5).stdout).join() === 'true,true' || stepOf(s, 5).stdout },
      { says: 'hidden with watch: the spectator lists and reads it', check: (s) => seen(stepOf(s, 6).stdout).join() === 'true,true' || stepOf(s, 6).stdout },
      { says: 'hidden: the guest neither lists nor opens it', check: (s) => seen(stepOf(s, 7).stdout).join() === 'false,false' || stepOf(s, 7).stdout },
      { says: 'hidden without watch: the spectator does not see it', check: (s) => (stepOf(s, 8).exitCode === 0 && showattrOf(stepOf(s, 8).stdout, '/proc/uptime')?.slice(0, 3) === 'AwH' && seen(stepOf(s, 8).stdout).join() === 'false,false') || stepOf(s, 8).stdout + stepOf(s, 8).stderr },
      { says: 'hidden without admin: the host does not see it', check: (s) => (stepOf(s, 9).exitCode === 0 && seen(stepOf(s, 9).stdout).join() === 'false,false') || stepOf(s, 9).stdout + stepOf(s, 9).stderr },
      { says: 'unhidden: the guest sees it again', check: (s) => (showattrOf(stepOf(s, 10).stdout, '/proc/uptime')?.slice(0, 3) === 'AWh' && seen(stepOf(s, 10).stdout).join() === 'true,true') || stepOf(s, 10).stdout + stepOf(s, 10).stderr },
    ],
    cleanup: 'vcontext --migrate --xid 1 -- setattr --admin --watch --~hide /proc/uptime; vkill --xid 4501; vkill --xid 4502; rm -f /tmp/e45-*.pid',
  },
  {
    id: 'E46',
    title: 'Token bucket CPU limit',
    section: '06.3',
    demonstrates: 'A busy loop in a guest whose bucket gets 1 token every 4 ticks (vsched) runs at its full share until SCHED_HARD is set, then at about 1/4 of the CPU, measured from its /proc/<pid>/stat over 5 s.',
    requires: [tool('vsched'), tool('vattribute'), CTX_CREATE, SCHED],
    steps: [
      {
        command: `vcontext --create --silent --xid 4601 -- sh -c 'echo $$ >/tmp/e46.pid; while :; do :; done' </dev/null >/dev/null 2>&1 & ${waitFile('/tmp/e46.pid')}`,
        note: 'guest 4601 runs a busy loop',
      },
      { command: `sleep 1; ${cpuShare('/tmp/e46.pid', 3)}`, note: 'its share of the CPU, no limit yet' },
      { command: 'vsched --xid 4601 --fill-rate 1 --interval 4 && vattribute --xid 4601 --set --flag sched_hard && cat /proc/virtual/4601/sched', note: 'a bucket of 1 token per 4 ticks, hard limit on' },
      { command: `sleep 1; ${cpuShare('/tmp/e46.pid', 5)}`, note: 'its share now' },
    ],
    invariants: [
      { says: 'without the limit the loop has most of the CPU (over 80 %)', check: (s) => (shareOf(stepOf(s, 1).stdout) ?? 0) > 80 || stepOf(s, 1).stdout + stepOf(s, 1).stderr },
      { says: '/proc/virtual/4601/sched shows the bucket: FillRate 1, Interval 4', check: (s) => (/^FillRate:\t +1,0$/m.test(stepOf(s, 2).stdout) && /^Interval:\t +4,0$/m.test(stepOf(s, 2).stdout)) || stepOf(s, 2).stdout + stepOf(s, 2).stderr },
      {
        says: 'with SCHED_HARD the loop gets 25 % of the CPU (±5 percentage points)',
        check: (s) => {
          const share = shareOf(stepOf(s, 3).stdout);
          return (share !== undefined && share >= 20 && share <= 30) || `share ${share ?? '?'} %: ${stepOf(s, 3).stdout}${stepOf(s, 3).stderr}`;
        },
      },
    ],
    cleanup: 'vkill --xid 4601 -s KILL; rm -f /tmp/e46.pid',
  },
  {
    id: 'E47',
    title: 'Context disk limits',
    section: '06.4',
    demonstrates:
      'On a tagged tmpfs guest 4701 gets 32 KiB and 5 inodes (vdlimit): df in the guest shows its 32 KiB and its used column moves with what it writes, the usage vdlimit reports is what df shows, a write past the total and a 6th file fail with EDQUOT (the paper says ENOSPC, see kernel-patch/README.md) while guest 4702 without a limit writes the same, and deleting gives the space back.',
    requires: [tool('vdlimit'), CTX_CREATE, TAGGING, DLIMIT_TMPFS],
    steps: [
      { command: 'mkdir -p /tmp/e47 && mount -t tmpfs -o tag tmpfs /tmp/e47 && mkdir /tmp/e47/g && chmod 777 /tmp/e47/g', note: 'a tmpfs mounted with tag' },
      { command: 'vdlimit --xid 4701 --set space_total=32 --set inodes_total=5 /tmp/e47 && vdlimit --xid 4701 /tmp/e47', note: 'guest 4701 gets 32 KiB and 5 inodes on it' },
      { command: inGuest(4701, 'df -k /tmp/e47 | tail -n 1'), note: 'df in the guest' },
      { command: `${inGuest(4701, 'dd if=/dev/zero of=/tmp/e47/g/a bs=4k count=4 2>/dev/null; df -k /tmp/e47 | tail -n 1')} && vdlimit --xid 4701 /tmp/e47`, note: 'the guest writes 16 KiB' },
      { command: inGuest(4701, 'dd if=/dev/zero of=/tmp/e47/g/b bs=4k count=5'), note: '20 KiB more: past the total' },
      { command: inGuest(4701, 'rm -f /tmp/e47/g/b; for f in c d e f; do touch /tmp/e47/g/$f || exit 1; done; touch /tmp/e47/g/six'), note: 'files 2 to 5, then a 6th' },
      { command: inGuest(4702, 'dd if=/dev/zero of=/tmp/e47/g/o bs=4k count=9 2>/dev/null && mkdir /tmp/e47/g/o1 /tmp/e47/g/o2 /tmp/e47/g/o3 /tmp/e47/g/o4 /tmp/e47/g/o5 && echo control-ok'), note: 'guest 4702 without a limit writes 36 KiB and 6 inodes' },
      { command: `${inGuest(4701, 'rm -f /tmp/e47/g/a; df -k /tmp/e47 | tail -n 1')} && vdlimit --xid 4701 /tmp/e47`, note: 'guest 4701 deletes its 16 KiB' },
    ],
    invariants: [
      { says: 'vdlimit lists the entry: nothing used, 32 KiB and 5 inodes', check: (s) => /^space_used=0\nspace_total=32\ninodes_used=0\ninodes_total=5\n/m.test(stepOf(s, 1).stdout) || stepOf(s, 1).stdout + stepOf(s, 1).stderr },
      { says: "df in the guest shows the guest's total: 32 KiB, 0 used, 32 available", check: (s) => /\s32\s+0\s+32\s/.test(stepOf(s, 2).stdout) || stepOf(s, 2).stdout + stepOf(s, 2).stderr },
      {
        says: "after 16 KiB df's used column and vdlimit's space_used both say 16",
        check: (s) => (/\s32\s+16\s+16\s/.test(stepOf(s, 3).stdout) && /^space_used=16$/m.test(stepOf(s, 3).stdout) && /^inodes_used=1$/m.test(stepOf(s, 3).stdout)) || stepOf(s, 3).stdout + stepOf(s, 3).stderr,
      },
      { says: 'the write past the total fails with EDQUOT', check: (s) => (stepOf(s, 4).exitCode !== 0 && /Disk quota exceeded/.test(stepOf(s, 4).stderr)) || `exit ${stepOf(s, 4).exitCode}: ${stepOf(s, 4).stderr}` },
      { says: 'the 6th file fails with EDQUOT, the 5th succeeded', check: (s) => (stepOf(s, 5).exitCode !== 0 && /six: Disk quota exceeded/.test(stepOf(s, 5).stderr) && !/\/[cdef]: /.test(stepOf(s, 5).stderr)) || `exit ${stepOf(s, 5).exitCode}: ${stepOf(s, 5).stderr}` },
      { says: 'the control: a guest without a limit writes past both totals', check: (s) => stepOf(s, 6).stdout === 'control-ok\n' || stepOf(s, 6).stdout + stepOf(s, 6).stderr },
      { says: 'deleting gives the space back: df and vdlimit show 0 used', check: (s) => (/\s32\s+0\s+32\s/.test(stepOf(s, 7).stdout) && /^space_used=0$/m.test(stepOf(s, 7).stdout)) || stepOf(s, 7).stdout + stepOf(s, 7).stderr },
    ],
    cleanup: 'umount /tmp/e47; rmdir /tmp/e47',
  },
  {
    id: 'E48',
    title: 'Per-context quota through a vroot device',
    section: '06.5, 06.6',
    demonstrates:
      "On one ext2 filesystem mounted with tag and usrquota, /dev/vroot0 bound to its disk, guests 4801 and 4802 each see their own uid 1000 through the vroot (quota tools without the real device): 4801's limit of 24 KiB stops 4801's uid 1000 with EDQUOT while 4802's uid 1000 writes 30 KiB; the host sees both records under (xid << 16) | uid; a guest without the ccap QUOTA_CTL may not set quota, and no guest may switch quota of the shared filesystem off.",
    disk: true,
    requires: [tool('vquota'), tool('vrsetup'), CTX_CREATE, DISK, VROOT],
    steps: [
      {
        command:
          'mkdir -p /mnt/e48 && mount -t ext2 -o tag,usrquota /dev/sda /mnt/e48 && mkdir -p /mnt/e48/u && chmod 1777 /mnt/e48/u && vquota init /mnt/e48/aquota.user user && vquota on /dev/sda user /mnt/e48/aquota.user && vrsetup /dev/vroot0 /dev/sda && echo ready',
        note: 'the host mounts the disk with tag and usrquota, turns quota on and binds /dev/vroot0 to the disk',
      },
      { command: inSecureGuest(4801, QUOTA_ADMIN, 'vquota set /dev/vroot0 user 1000 20 24 0 0 && vquota get /dev/vroot0 user 1000'), note: 'guest 4801 (CAP_SYS_ADMIN, QUOTA_CTL) limits its uid 1000 to 24 KiB' },
      { command: inSecureGuest(4802, QUOTA_ADMIN, 'vquota get /dev/vroot0 user 1000'), note: "guest 4802's uid 1000" },
      { command: inGuest(4801, 'su -s /bin/sh -c "dd if=/dev/zero of=/mnt/e48/u/a bs=1k count=30" user'), note: "4801's uid 1000 writes 30 KiB" },
      { command: inGuest(4802, 'su -s /bin/sh -c "dd if=/dev/zero of=/mnt/e48/u/b bs=1k count=30 2>/dev/null" user && wc -c </mnt/e48/u/b'), note: "4802's uid 1000 writes the same" },
      { command: inSecureGuest(4801, QUOTA_ADMIN, 'vquota get /dev/vroot0 user 1000'), note: "4801's usage" },
      { command: 'vquota list /dev/sda user', note: 'the host walks every record' },
      { command: inSecureGuest(4803, '--bcap CAP_SYS_ADMIN', 'vquota set /dev/vroot0 user 1000 0 0 0 0'), note: 'guest 4803 without QUOTA_CTL' },
      { command: inSecureGuest(4801, QUOTA_ADMIN, 'vquota off /dev/vroot0 user'), note: 'guest 4801 tries to switch quota off' },
    ],
    invariants: [
      { says: 'the host set it up', check: (s) => stepOf(s, 0).stdout === 'ready\n' || stepOf(s, 0).stdout + stepOf(s, 0).stderr },
      { says: 'guest 4801 reads back its limit through the vroot', check: (s) => stepOf(s, 1).stdout === '1000 space=0 soft=20 hard=24 inodes=0 soft=0 hard=0\n' || stepOf(s, 1).stdout + stepOf(s, 1).stderr },
      { says: "guest 4802's uid 1000 has no limit", check: (s) => stepOf(s, 2).stdout === '1000 space=0 soft=0 hard=0 inodes=0 soft=0 hard=0\n' || stepOf(s, 2).stdout + stepOf(s, 2).stderr },
      { says: "4801's uid 1000 is stopped with EDQUOT", check: (s) => (stepOf(s, 3).exitCode !== 0 && /Disk quota exceeded/.test(stepOf(s, 3).stderr)) || `exit ${stepOf(s, 3).exitCode}: ${stepOf(s, 3).stderr}` },
      { says: "4802's uid 1000 writes 30 KiB", check: (s) => (stepOf(s, 4).exitCode === 0 && stepOf(s, 4).stdout === '30720\n') || `exit ${stepOf(s, 4).exitCode}: ${stepOf(s, 4).stdout}${stepOf(s, 4).stderr}` },
      { says: "4801's record holds its 24 KiB and one file", check: (s) => /^1000 space=24 soft=20 hard=24 inodes=1 soft=0 hard=0$/m.test(stepOf(s, 5).stdout) || stepOf(s, 5).stdout + stepOf(s, 5).stderr },
      {
        says: 'the host sees both records under (xid << 16) | uid',
        check: (s) =>
          (new RegExp(`^${quotaRecord(4801, 1000)} space=24 soft=20 hard=24 inodes=1 `, 'm').test(stepOf(s, 6).stdout) &&
            new RegExp(`^${quotaRecord(4802, 1000)} space=\\d+ soft=0 hard=0 inodes=1 `, 'm').test(stepOf(s, 6).stdout)) ||
          stepOf(s, 6).stdout + stepOf(s, 6).stderr,
      },
      { says: 'without QUOTA_CTL setting quota is refused (EPERM)', check: (s) => stepOf(s, 7).stderr === 'vquota: Q_SETQUOTA: Operation not permitted\n' || `exit ${stepOf(s, 7).exitCode}: ${stepOf(s, 7).stderr}` },
      { says: 'switching quota of the shared filesystem off is refused to a guest (EPERM)', check: (s) => stepOf(s, 8).stderr === 'vquota: Q_QUOTAOFF: Operation not permitted\n' || `exit ${stepOf(s, 8).exitCode}: ${stepOf(s, 8).stderr}` },
    ],
    cleanup: 'rm -f /mnt/e48/u/a /mnt/e48/u/b; vquota off /dev/sda user; vrsetup -d /dev/vroot0; umount /mnt/e48; rmdir /mnt/e48',
  },
  {
    id: 'E31',
    title: 'Context file tagging',
    section: '04.5',
    demonstrates: "On a tag-mounted filesystem a file created in guest X shows xid X in lsxid; chxid retags it; an untagged file modified from X becomes X's.",
    requires: [tool('lsxid'), tool('chxid'), CTX_CREATE, TAGGING],
    steps: [
      { command: 'mkdir -p /tmp/e31 && mount -t tmpfs -o tag tmpfs /tmp/e31 && grep " /tmp/e31 " /proc/mounts', note: 'a tmpfs mounted with tag' },
      { command: 'echo host >/tmp/e31/untagged && chmod 666 /tmp/e31/untagged && echo host >/tmp/e31/hostfile && lsxid /tmp/e31', note: 'files the host made' },
      { command: inGuest(3101, 'echo guest >/tmp/e31/mine; mkdir /tmp/e31/mydir'), note: 'guest 3101 creates a file and a directory' },
      { command: 'lsxid -d /tmp/e31/mine /tmp/e31/mydir', note: 'their tags' },
      { command: 'chxid -c 3102 /tmp/e31/mine && lsxid /tmp/e31/mine', note: 'retag with chxid' },
      { command: `${inGuest(3101, 'echo more >>/tmp/e31/untagged')} && lsxid /tmp/e31/untagged /tmp/e31/hostfile`, note: 'guest 3101 appends to an untagged file' },
    ],
    invariants: [
      { says: 'the mount shows the tag option', check: (s) => /[ ,]tag[, ]/.test(stepOf(s, 0).stdout) || stepOf(s, 0).stdout + stepOf(s, 0).stderr },
      { says: "the host's files are untagged (0)", check: (s) => (lsxidOf(stepOf(s, 1).stdout, '/tmp/e31/untagged') === 0 && lsxidOf(stepOf(s, 1).stdout, '/tmp/e31/hostfile') === 0) || stepOf(s, 1).stdout + stepOf(s, 1).stderr },
      { says: "the guest's file and directory carry xid 3101", check: (s) => (lsxidOf(stepOf(s, 3).stdout, '/tmp/e31/mine') === 3101 && lsxidOf(stepOf(s, 3).stdout, '/tmp/e31/mydir') === 3101) || stepOf(s, 3).stdout + stepOf(s, 3).stderr },
      { says: 'chxid -c 3102 retags it', check: (s) => lsxidOf(stepOf(s, 4).stdout, '/tmp/e31/mine') === 3102 || stepOf(s, 4).stdout + stepOf(s, 4).stderr },
      {
        says: 'the untagged file written by 3101 is now 3101\'s; the untouched one stays 0',
        check: (s) => (lsxidOf(stepOf(s, 5).stdout, '/tmp/e31/untagged') === 3101 && lsxidOf(stepOf(s, 5).stdout, '/tmp/e31/hostfile') === 0) || stepOf(s, 5).stdout + stepOf(s, 5).stderr,
      },
    ],
    cleanup: 'umount /tmp/e31; rmdir /tmp/e31',
  },
  {
    id: 'E32',
    title: 'XID file permissions',
    section: '04.5',
    demonstrates: 'A file tagged X is unreadable and unwritable from guest Y (EACCES), readable from X, the host and the spectator; without tag every context can access it.',
    requires: [tool('lsxid'), CTX_CREATE, TAGGING],
    steps: [
      { command: `mkdir -p /tmp/e32 && mount -t tmpfs -o tag tmpfs /tmp/e32 && ${inGuest(3201, 'echo secret >/tmp/e32/f; chmod 666 /tmp/e32/f')} && ls -l /tmp/e32/f && lsxid /tmp/e32/f`, note: 'guest 3201 makes a world-writable file on a tagged tmpfs' },
      { command: inGuest(3202, 'cat /tmp/e32/f'), note: 'guest 3202 reads it' },
      { command: inGuest(3202, 'echo x >>/tmp/e32/f'), note: 'guest 3202 writes it' },
      { command: inGuest(3201, 'cat /tmp/e32/f'), note: 'its owner 3201 reads it' },
      { command: 'cat /tmp/e32/f && vcontext --migrate --xid 1 -- cat /tmp/e32/f', note: 'the host, then the spectator' },
      { command: 'mount -o remount,notag /tmp/e32 && grep " /tmp/e32 " /proc/mounts && ' + inGuest(3202, 'cat /tmp/e32/f'), note: 'remounted without tag: guest 3202 again' },
      { command: 'mount -o remount,tag /tmp/e32', note: 'adding tag back by remount' },
    ],
    invariants: [
      { says: 'the file is 3201\'s and mode 0666 (so only the tag can refuse)', check: (s) => (/^-rw-rw-rw-/m.test(stepOf(s, 0).stdout) && lsxidOf(stepOf(s, 0).stdout, '/tmp/e32/f') === 3201) || stepOf(s, 0).stdout + stepOf(s, 0).stderr },
      { says: 'guest 3202 cannot read it (EACCES)', check: (s) => (stepOf(s, 1).exitCode !== 0 && /Permission denied/.test(stepOf(s, 1).stderr)) || `exit ${stepOf(s, 1).exitCode}: ${stepOf(s, 1).stdout}${stepOf(s, 1).stderr}` },
      { says: 'guest 3202 cannot write it (EACCES)', check: (s) => (stepOf(s, 2).exitCode !== 0 && /Permission denied/.test(stepOf(s, 2).stderr)) || `exit ${stepOf(s, 2).exitCode}: ${stepOf(s, 2).stderr}` },
      { says: 'guest 3201 reads it', check: (s) => stepOf(s, 3).stdout === 'secret\n' || stepOf(s, 3).stdout + stepOf(s, 3).stderr },
      { says: 'the host and the spectator read it', check: (s) => stepOf(s, 4).stdout === 'secret\nsecret\n' || stepOf(s, 4).stdout + stepOf(s, 4).stderr },
      { says: 'without tag guest 3202 reads it', check: (s) => (!/[ ,]tag[, ]/.test(stepOf(s, 5).stdout) && /^secret$/m.test(stepOf(s, 5).stdout)) || stepOf(s, 5).stdout + stepOf(s, 5).stderr },
      { says: 'tag cannot be added by remount', check: (s) => stepOf(s, 6).exitCode !== 0 || stepOf(s, 6).stdout },
    ],
    cleanup: 'umount /tmp/e32; rmdir /tmp/e32',
  },
]);

export function findExamples(ids?: readonly string[]): Example[] {
  if (ids === undefined || ids.length === 0) return [...EXAMPLES];
  const wanted = new Set(ids.map((i) => i.toUpperCase()));
  return EXAMPLES.filter((e) => wanted.has(e.id));
}
