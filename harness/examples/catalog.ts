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

export const EXAMPLES: readonly Example[] = [
  {
    id: 'E01',
    title: 'Linux caps',
    section: '03.0',
    demonstrates: 'The capability sets of a root shell and of a non-root shell, decoded to names: root has a full effective set, non-root none.',
    requires: [tool('showcaps')],
    steps: [{ command: 'showcaps' }, { command: 'su -s /bin/sh -c showcaps user' }],
    invariants: [
      { says: 'root holds cap_sys_admin in its effective set', check: (s) => /effective:.*sys_admin/i.test(stepOf(s, 0).stdout) || stepOf(s, 0).stdout },
      { says: 'a non-root shell has an empty effective set', check: (s) => /effective:\s*(none|$)/im.test(stepOf(s, 1).stdout) || stepOf(s, 1).stdout },
    ],
  },
  {
    id: 'E02',
    title: 'Manipulating Linux caps',
    section: '03.0, 04.3',
    demonstrates: 'Dropping a capability from a context removes it for good: neither a child nor a setuid-root exec gets it back, and the operation it guards fails.',
    requires: [tool('chcontext'), CTX_CREATE],
    steps: [],
    invariants: [],
  },
  {
    id: 'E03',
    title: 'CAP_MKNOD',
    section: '03.0, 07.2',
    demonstrates: 'mknod of a character device works with CAP_MKNOD and fails with EPERM in a --secure context without it.',
    requires: [tool('chcontext'), CTX_CREATE],
    steps: [],
    invariants: [],
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
  ...[
    ['E13', 'Normal file without attributes', '03.2', 'lsattr shows no flags; the file can be appended to, renamed and removed.', [tool('lsattr'), tool('chattr')]],
    ['E14', 'Immutable file attribute', '03.2', 'After chattr +i, append, rename, link and rm fail with EPERM even for root; after chattr -i they work.', [tool('lsattr'), tool('chattr')]],
    ['E15', 'Chroot', '03.3, 04.2', 'A chrooted shell sees its directory as /; the escape program breaks out on the host; inside a guest with the barrier on the parent it fails.', [tool('chroot-escape'), tool('setattr'), CTX_CREATE]],
    ['E21', 'Process isolation', '04.0', "A shell in guest A lists only A's processes; the host's are invisible and unsignalable from A; the spectator sees all and cannot kill.", [tool('vcontext'), CTX_CREATE]],
    ['E22', 'Dual context isolation', '04.0', 'Guests A and B each see only their own processes; kill across them fails with ESRCH; vps on the host shows both with their xids.', [tool('vcontext'), tool('vps'), CTX_CREATE]],
    ['E23', 'Fake init process', '05.0', 'With the fakeinit flag the chosen process appears as pid 1 inside the guest, and /proc/virtual/<xid>/info shows its real pid.', [tool('chcontext'), CTX_CREATE]],
    ['E24', 'Network isolation', '04.1', 'A server started under chbind --ip A listens on A only; binding another address fails with EADDRNOTAVAIL; 0.0.0.0 ends up on A.', [tool('chbind'), vcmd('network contexts (net_create)', '0x19010001', '2', '--in 0000000004000000')]],
    ['E31', 'Context file tagging', '04.5', "On a tag-mounted filesystem a file created in guest X shows xid X in lsxid; chxid retags it; untagged files modified from X become X's.", [tool('lsxid'), tool('chxid'), CTX_CREATE]],
    ['E32', 'XID file permissions', '04.5', 'A file tagged X is unreadable and unwritable from guest Y, readable from X, host and spectator; without tag every context can access it.', [tool('lsxid'), CTX_CREATE]],
    ['E33', 'Context flags', '05.0', 'vattribute --set --flag changes Flags: in /proc/virtual/<xid>/status and the behaviour the flag names; a one-time flag cannot be set again.', [tool('vattribute'), CTX_CREATE]],
    ['E34', 'Context capabilities', '05.1', 'Without SET_UTSNAME hostname fails in the guest; with it, it changes only the guest name; RAW_ICMP makes ping work without CAP_NET_RAW.', [tool('vattribute'), CTX_CREATE]],
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
];

export function findExamples(ids?: readonly string[]): Example[] {
  if (ids === undefined || ids.length === 0) return [...EXAMPLES];
  const wanted = new Set(ids.map((i) => i.toUpperCase()));
  return EXAMPLES.filter((e) => wanted.has(e.id));
}
