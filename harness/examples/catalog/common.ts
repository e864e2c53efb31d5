/**
 * What the example chapters share: requirements the runner probes in the guest, command
 * builders (a guest of its own, a jail, a CPU share measurement) and parsers of what the
 * commands print.
 */
import type { Check, Requirement } from '../types.ts';

export const tool = (name: string): Requirement => ({ what: `the ${name} tool`, probe: `command -v ${name}` });
/** A sys_vserver command is implemented when the kernel does not answer ENOSYS. */
export const vcmd = (what: string, cmd: string, id = '0', extra = ''): Requirement => ({
  what,
  probe: `vsyscall ${extra} ${cmd} ${id} | grep -qv ENOSYS`,
});
/**
 * The probes' flagwords are zero: eight zero bytes read the same in either byte order (the bytes
 * of a u64 go in as they lie in memory; s390x is big-endian), and the probe only asks for an
 * answer other than ENOSYS.
 */
export const CTX_CREATE = vcmd('contexts (ctx_create)', 'ctx_create', '2', '--in 0000000000000000');

/** A probe that runs CMD in a throw-away context 2. */
const inContext2 = (cmd: string): string => `vcontext --create --silent --xid 2 -- ${cmd}`;

/** Kernel features the context examples need beyond ctx_create, each probed in a throw-away context 2. */
export const PROC_VIRTUAL_CTX: Requirement = {
  what: '/proc/virtual/<xid>/ entries',
  probe: inContext2(`test -r /proc/virtual/2/status`),
};
export const PROC_ISOLATION: Requirement = {
  what: "process isolation (a guest must not see the host's tasks in /proc)",
  probe: "vcontext --create --silent --xid 2 -- sh -c '! test -d /proc/1'",
};
export const FAKEINIT: Requirement = {
  what: 'fake init (INFO_INIT shows the init as pid 1)',
  probe: "chcontext --silent --xid 2 --flag fakeinit -- sh -c 'test $$ = 1'",
};
export const PROC_CACCT: Requirement = {
  what: 'socket accounting (/proc/virtual/<xid>/cacct)',
  probe: inContext2(`test -r /proc/virtual/2/cacct`),
};
export const PROC_LIMIT: Requirement = {
  what: 'context limits (/proc/virtual/<xid>/limit)',
  probe: inContext2(`test -r /proc/virtual/2/limit`),
};
export const VIRT_UPTIME: Requirement = {
  what: 'uptime virtualization (/proc/virtual/<xid>/cvirt)',
  probe: inContext2(`test -r /proc/virtual/2/cvirt`),
};
export const UTSNAME_CCAP: Requirement = {
  what: 'the SET_UTSNAME ccap (sethostname refused in a guest without it)',
  probe: "vcontext --create --silent --xid 2 -- sh -c '! hostname probe 2>/dev/null'",
};
/** Network contexts: the guest's test addresses, net_create, and what the kernel does with a context's address set. */
export const NET_CREATE = vcmd('network contexts (net_create)', 'net_create', '2', '--in 0000000000000000');
export const TEST_ADDRESSES: Requirement = {
  what: "the guest's test addresses (10.42.0.1-3 on dummy0)",
  probe: "ip -o addr show dev dummy0 | grep -q 'inet 10.42.0.2/'",
};
export const BIND_RESTRICTION: Requirement = {
  what: 'bind restriction (a network context binds only its own addresses)',
  probe: "chbind --silent --ip 10.42.0.1 -- sh -c '! timeout 2 httpd -f -p 10.42.0.2:8099 -h /tmp 2>/dev/null'",
};
export const ADDRESS_HIDING: Requirement = {
  what: "address hiding (a guest's listings show only its own addresses)",
  probe:
    "chbind --silent --ip 10.42.0.2 -- ip -o addr | grep -q 'inet 10.42.0.2/' && ! chbind --silent --ip 10.42.0.2 -- ip -o addr | grep -q 'inet 10.42.0.1/'",
};
/** The addresses an `ip -o addr` listing shows, IPv4 and IPv6. */
export const listedAddrs = (stdout: string): string[] => [...stdout.matchAll(/\binet6? ([0-9a-f.:]+)\//g)].map((m) => m[1] ?? '');
export const RAW_ICMP_CCAP: Requirement = {
  what: 'the RAW_ICMP ccap (ping without CAP_NET_RAW)',
  // Granted from the host: from inside, a context may only narrow its ccaps (kernel-patch/README.md).
  probe:
    'ip link set lo up; vcontext --create --silent --endsetup --xid 3499 -- sleep 30 >/dev/null 2>&1 & ' +
    'i=0; while [ ! -e /proc/virtual/3499 ] && [ $i -lt 100 ]; do usleep 20000; i=$((i+1)); done; ' +
    'vattribute --xid 3499 --set --ccap raw_icmp --bcap ~CAP_NET_RAW >/dev/null && vcontext --migrate --xid 3499 -- ping -c 1 -W 2 127.0.0.1 >/dev/null 2>&1; ' +
    'r=$?; vkill --xid 3499 >/dev/null 2>&1; wait; exit $r',
};
export const RAW_ICMP_NCAP: Requirement = {
  what: 'the RAW_ICMP network capability (ping without CAP_NET_RAW in a network context)',
  probe:
    'chbind --silent --ip 10.42.0.1 -- sh -c "nattribute --set --ncap raw_icmp && reducecap --cap \'!CAP_NET_RAW\' -- ping -c 1 -W 2 10.42.0.1 >/dev/null 2>&1"',
};
/** The names on the `SET: a,b,c` line of showcaps output ([] for `none`). */
export const capSet = (stdout: string, set: string): string[] | undefined => {
  const m = new RegExp(`^${set}: (.*)$`, 'm').exec(stdout);
  if (m === null) return undefined;
  return m[1] === 'none' ? [] : (m[1] ?? '').split(',');
};
/** The PIDs listed by ps (first column), as numbers. */
export const psPids = (stdout: string): number[] =>
  stdout
    .split('\n')
    .slice(1)
    .map((l) => Number(/^\s*(\d+)/.exec(l)?.[1] ?? NaN))
    .filter((n) => !Number.isNaN(n));
/** The last number printed by a step (a pid echoed by `... & echo $!`). */
export const lastNumber = (stdout: string): number => Number(/(\d+)\s*$/.exec(stdout)?.[1] ?? NaN);
/** The `Flags:` word of /proc/virtual/<xid>/status in a step's output. */
export const flagsOf = (stdout: string): bigint | undefined => {
  const m = /^Flags:\s+([0-9a-f]+)$/m.exec(stdout);
  return m === null ? undefined : BigInt(`0x${m[1] ?? '0'}`);
};
/** A guest process that keeps context XID alive: prints its pid (and saves it in FILE). */
export const keepAlive = (create: string, file: string): string => `${create} -- sh -c 'sleep 1000 >/dev/null 2>&1 & echo $!' | tee ${file}`;
/** Per context in OUT (pairs of total_forks: and INET: lines): forks, then INET recv, send, fail as count, bytes. */
export const countersOf = (out: string): { forks: number; sendCount: number; sendBytes: number; failCount: number }[] =>
  [...out.matchAll(/^total_forks:\t(\d+)\nINET:\t\s*(\d+)\/(\d+)\s*\t\s*(\d+)\/(\d+)\s*\t\s*(\d+)\/(\d+)\s*$/gm)].map((m) => ({
    forks: Number(m[1]),
    sendCount: Number(m[4]),
    sendBytes: Number(m[5]),
    failCount: Number(m[6]),
  }));
/** The first number of each /proc/uptime line in OUT (seconds since boot, or since creation). */
export const uptimesOf = (out: string): (number | undefined)[] => [...out.matchAll(/^(\d+\.\d+) \d+\.\d+$/gm)].map((m) => Number(m[1]));
/** Poll (with a deadline of about 5 s) until FILE is non-empty, then print it. */
export const waitFile = (file: string): string => `i=0; while [ ! -s ${file} ] && [ $i -lt 250 ]; do usleep 20000; i=$((i+1)); done; cat ${file}`;

/** Whether /proc/NAME is listed by readdir and can be opened, as the calling context sees it. */
export const procView = (name: string): string =>
  `sh -c 'ls /proc | grep -qx ${name} && echo listed || echo unlisted; cat /proc/${name} >/dev/null 2>&1 && echo readable || echo unreadable'`;
/** What a procView step printed: [listed, readable]. */
export const seen = (stdout: string): [boolean, boolean] => [/^listed$/m.test(stdout), /^readable$/m.test(stdout)];
/** The showattr letter field printed for PATH. */
export const showattrOf = (stdout: string, path: string): string | undefined =>
  new RegExp(`^(\\S{9})\\s+${path.replace(/[/.]/g, '\\$&')}$`, 'm').exec(stdout)?.[1];
/** The lsattr letter field printed for PATH. */
export const lsattrOf = (stdout: string, path: string): string | undefined => new RegExp(`^(\\S+) ${path.replace(/[/.]/g, '\\$&')}$`, 'm').exec(stdout)?.[1];
/** A chroot jail at DIR: a static busybox (sh, ls, cat) and the escape program. */
export const jail = (dir: string): string =>
  `mkdir -p ${dir}/bin && cp /bin/busybox ${dir}/bin/ && for a in sh ls cat; do ln -s busybox ${dir}/bin/$a; done && cp /usr/lib/vslab/vstool ${dir}/bin/chroot-escape && echo jail >${dir}/where`;

/** Tagging: a tmpfs mounted with the tag option takes the creator's xid on new files. */
export const TAGGING: Requirement = {
  what: 'xid tagging (mount option tag)',
  probe:
    'mkdir -p /tmp/tagprobe && mount -t tmpfs -o tag tmpfs /tmp/tagprobe && grep -q " /tmp/tagprobe .*[,]tag[,]" /proc/mounts; r=$?; umount /tmp/tagprobe 2>/dev/null; rmdir /tmp/tagprobe; exit $r',
};
export const DLIMIT_TMPFS: Requirement = {
  what: 'disk limits on a tagged tmpfs',
  probe:
    "mkdir -p /tmp/dlprobe && mount -t tmpfs -o tag tmpfs /tmp/dlprobe && vdlimit --xid 2 --set space_total=4 /tmp/dlprobe >/dev/null && vcontext --create --silent --endsetup --xid 2 -- sh -c '! dd if=/dev/zero of=/tmp/dlprobe/x bs=4k count=2 2>/dev/null'; r=$?; umount /tmp/dlprobe 2>/dev/null; rmdir /tmp/dlprobe; exit $r",
};
/** The xid lsxid printed for PATH. */
export const lsxidOf = (stdout: string, path: string): number =>
  Number(new RegExp(`^\\s*(\\d+)  ${path.replace(/[/.]/g, '\\$&')}$`, 'm').exec(stdout)?.[1] ?? NaN);
/** Run CMD as root of a new guest XID (past setup). */
export const inGuest = (xid: number, cmd: string): string => `vcontext --create --silent --endsetup --xid ${xid} -- sh -c '${cmd}'`;

/**
 * The guest's page size in KiB, as a shell command substitution: tmpfs charges whole pages and
 * the address-space limit counts pages (4 KiB on most rows, 64 KiB on ppc64el), so the examples
 * that fill or limit pages size themselves by it (never inside inGuest's single quotes: export it).
 */
export const PAGE_KIB = "$(awk '/^KernelPageSize:/ { print $2; exit }' /proc/self/smaps)";

/**
 * An ext2 disk (examples with `disk: true`; run-all.ts attaches one where the board has a disk
 * controller). The guest's init names its device in $VSLAB_DISK: /dev/sda on IDE, /dev/vda on
 * virtio-blk (guestDiskDevice()); examples name it so, not by one board's name.
 */
export const DISK: Requirement = { what: 'an ext2 disk ($VSLAB_DISK: the board has no disk controller, or none was attached)', probe: 'test -b "$VSLAB_DISK"' };
export const VROOT: Requirement = { what: 'vroot devices (/dev/vroot0)', probe: 'test -b /dev/vroot0' };
/** Run CMD as root of a new guest XID past setup with util-vserver's secure bound plus ATTRS. */
export const inSecureGuest = (xid: number, attrs: string, cmd: string): string =>
  `vcontext --create --silent --xid ${xid} -- vattribute --set --secure ${attrs} -- vcontext --silent --endsetup --migrate-self -- sh -c '${cmd}'`;
/** The quota record of a guest's id on a tagged filesystem: (tag << 16) | id. */
export const quotaRecord = (xid: number, id: number): number => xid * 65536 + id;
export const QUOTA_ADMIN = '--bcap CAP_SYS_ADMIN --ccap quota_ctl';

/** Inside a guest: its CPU scheduler (/proc/virtual/<xid>/sched). */
export const SCHED: Requirement = {
  what: 'the CPU scheduler (/proc/virtual/<xid>/sched)',
  probe: inContext2(`test -r /proc/virtual/2/sched`),
};
/**
 * As the spectator: the uptime and the /proc/<pid>/stat of the pid in PIDFILE, SECONDS apart; then
 * "share=N" with the task's CPU share in percent (utime + stime ticks at USER_HZ 100).
 */
export const cpuShare = (pidFile: string, seconds: number): string =>
  `vcontext --migrate --xid 1 -- sh -c 'p=$(cat ${pidFile}); read u0 x </proc/uptime; set -- $(sed "s/.*) //" /proc/$p/stat); t0=$((\${12} + \${13})); ` +
  `sleep ${seconds}; read u1 x </proc/uptime; set -- $(sed "s/.*) //" /proc/$p/stat); t1=$((\${12} + \${13})); ` +
  `echo "ticks=$((t1 - t0)) uptime=$u0..$u1"; awk -v t=$((t1 - t0)) -v a=$u0 -v b=$u1 "BEGIN { printf \\"share=%.1f\\n\\", t / (b - a) }"'`;
/** The share=N a cpuShare step printed. */
export const shareOf = (stdout: string): number | undefined => {
  const m = /^share=(\d+(?:\.\d+)?)$/m.exec(stdout);
  return m === null ? undefined : Number(m[1]);
};

/*
 * The invariants most examples state, each over the step of the name it is given and with what it
 * reports when it does not hold (what the step printed, or its exit status and stderr).
 */
/** Step NAME printed exactly TEXT on stdout. */
export const printsExactly =
  <N extends string>(name: N, text: string): Check<N> =>
  (step) =>
    step(name).stdout === text || step(name).stdout + step(name).stderr;
/** Step NAME printed something RE matches on stdout. */
export const printsMatching =
  <N extends string>(name: N, re: RegExp): Check<N> =>
  (step) =>
    re.test(step(name).stdout) || step(name).stdout + step(name).stderr;
/** Step NAME succeeded (exit status 0) and printed something RE matches on stdout. */
export const succeedsPrinting =
  <N extends string>(name: N, re: RegExp): Check<N> =>
  (step) =>
    (step(name).exitCode === 0 && re.test(step(name).stdout)) || step(name).stdout + step(name).stderr;
/** Step NAME failed (exit status not 0) with RE matching its stderr. */
export const failsWith =
  <N extends string>(name: N, re: RegExp): Check<N> =>
  (step) =>
    (step(name).exitCode !== 0 && re.test(step(name).stderr)) || `exit ${step(name).exitCode}: ${step(name).stderr}`;
/** As failsWith, but what it reports shows stdout too (for a step whose output tells what it reached). */
export const failsWithOutput =
  <N extends string>(name: N, re: RegExp): Check<N> =>
  (step) =>
    (step(name).exitCode !== 0 && re.test(step(name).stderr)) || `exit ${step(name).exitCode}: ${step(name).stdout}${step(name).stderr}`;
/** Step NAME printed exactly TEXT on stderr. */
export const stderrIs =
  <N extends string>(name: N, text: string): Check<N> =>
  (step) =>
    step(name).stderr === text || `exit ${step(name).exitCode}: ${step(name).stderr}`;
