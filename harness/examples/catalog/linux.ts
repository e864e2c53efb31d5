/** The Linux mechanisms the paper starts from (§03): capabilities, resource limits, file attributes, chroot. */
import { tool, CTX_CREATE, capSet, showattrOf, lsattrOf, jail, failsWith, printsExactly } from './common.ts';
import { type Example, type StepResult, stepOf } from '../types.ts';

export const LINUX: readonly Example[] = [
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
          return (
            (eff !== undefined && bnd !== undefined && eff.join() === bnd.join() && eff.includes('sys_admin') && eff.includes('chown') && eff.length >= 41) ||
            stepOf(s, 0).stdout
          );
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
    demonstrates:
      'Dropping a capability from a context removes it for good: neither a child nor a setuid-root exec gets it back, and the operation it guards fails.',
    requires: [tool('chcontext'), tool('reducecap'), tool('showcaps'), CTX_CREATE],
    steps: [
      {
        command:
          'mkdir -p /tmp/e02 && cp /usr/lib/vslab/vstool /tmp/e02/showcaps && chmod 4755 /tmp/e02/showcaps && touch /tmp/e02/f /tmp/e02/g && ls -l /tmp/e02/showcaps',
        note: 'a setuid-root copy of showcaps, and two files owned by root',
      },
      { command: "chcontext --silent --cap '!CAP_CHOWN' -- showcaps", note: 'a context whose capability bound lacks CHOWN' },
      { command: "chcontext --silent --cap '!CAP_CHOWN' -- sh -c 'sh -c showcaps'", note: 'a grandchild in such a context' },
      { command: "chcontext --silent --cap '!CAP_CHOWN' -- su -s /bin/sh -c /tmp/e02/showcaps user", note: 'a setuid-root exec by uid 1000 in such a context' },
      { command: "chcontext --silent --cap '!CAP_CHOWN' -- chown user /tmp/e02/f", note: 'the operation CAP_CHOWN guards' },
      { command: 'chcontext --silent -- chown user /tmp/e02/g && ls -n /tmp/e02/g', note: 'the same in a context that kept CHOWN' },
      {
        command: "reducecap --cap '!CAP_CHOWN' -- su -s /bin/sh -c /tmp/e02/showcaps user",
        note: 'the same drop with reducecap (bounding set only, no context)',
      },
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
          return (
            (capSet(out, 'bounding') !== undefined &&
              !(capSet(out, 'bounding') ?? []).includes('chown') &&
              !(capSet(out, 'effective') ?? []).includes('chown')) ||
            out
          );
        },
      },
      {
        says: 'a setuid-root exec gets root capabilities (setuid) but not chown',
        check: (s) => {
          const eff = capSet(stepOf(s, 3).stdout, 'effective') ?? [];
          return (eff.includes('setuid') && !eff.includes('chown')) || stepOf(s, 3).stdout + stepOf(s, 3).stderr;
        },
      },
      { says: 'chown to another user fails with EPERM', check: failsWith(4, /not permitted/) },
      {
        says: 'with CHOWN kept it works',
        check: (s) => (stepOf(s, 5).exitCode === 0 && / 1000 /.test(stepOf(s, 5).stdout)) || stepOf(s, 5).stdout + stepOf(s, 5).stderr,
      },
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
      {
        says: 'with CAP_MKNOD a character device node is made',
        check: (s) => (stepOf(s, 0).exitCode === 0 && /^c/.test(stepOf(s, 0).stdout)) || stepOf(s, 0).stdout + stepOf(s, 0).stderr,
      },
      {
        says: 'in a --secure context mknod fails with EPERM (status 1)',
        check: (s) => (stepOf(s, 1).exitCode === 1 && /not permitted/.test(stepOf(s, 1).stderr)) || `exit ${stepOf(s, 1).exitCode}: ${stepOf(s, 1).stderr}`,
      },
      {
        says: '--secure leaves mknod, sys_admin and net_raw out of the bounding set',
        check: (s) => {
          const bnd = capSet(stepOf(s, 2).stdout, 'bounding');
          return (bnd !== undefined && bnd.includes('chown') && !['mknod', 'sys_admin', 'net_raw'].some((c) => bnd.includes(c))) || stepOf(s, 2).stdout;
        },
      },
      {
        says: 'adding back CAP_MKNOD alone makes it work',
        check: (s) => (stepOf(s, 3).exitCode === 0 && /^c/.test(stepOf(s, 3).stdout)) || stepOf(s, 3).stdout + stepOf(s, 3).stderr,
      },
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
      {
        says: 'ulimit -a lists the open-files and process limits',
        check: (s) => (/open files/.test(stepOf(s, 0).stdout) && /processes/.test(stepOf(s, 0).stdout)) || stepOf(s, 0).stdout,
      },
      { says: 'the lowered limit reads back as 64', check: (s) => stepOf(s, 1).stdout.trim() === '64' || stepOf(s, 1).stdout },
      { says: 'the user lowered its hard limit to 100', check: (s) => stepOf(s, 2).stdout.trim() === '100' || stepOf(s, 2).stdout },
      {
        says: 'raising it back to 200 fails',
        check: (s) =>
          (stepOf(s, 2).exitCode !== 0 && /error setting limit/.test(stepOf(s, 2).stderr)) || `status ${stepOf(s, 2).exitCode}: ${stepOf(s, 2).stderr}`,
      },
    ],
  },
  {
    id: 'E12',
    title: 'CPU time limit',
    section: '03.1',
    demonstrates: 'With a CPU-time limit of one second, a busy loop is killed by SIGXCPU once it has used that second.',
    steps: [
      {
        command: "sh -c 'ulimit -S -t 1; while :; do :; done'; st=$?; echo status=$st signal=$(kill -l $((st - 128))); times",
        note: 'soft limit 1 s (were the hard limit equal, the kernel would send SIGKILL instead); times shows the CPU the child used',
      },
    ],
    invariants: [
      // SIGXCPU is 24 on most architectures (status 152), 30 on MIPS (158): the shell names it.
      {
        says: 'the loop ends with SIGXCPU (status 128 + SIGXCPU)',
        check: (s) => /^status=(152|158) signal=XCPU$/m.test(stepOf(s, 0).stdout) || stepOf(s, 0).stdout,
      },
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
      {
        says: 'lsattr shows no attribute set',
        check: (s) => /^-+$/.test(lsattrOf(stepOf(s, 0).stdout, '/tmp/e13/f') ?? '') || stepOf(s, 0).stdout + stepOf(s, 0).stderr,
      },
      { says: 'appending works', check: printsExactly(1, 'one\ntwo\n') },
      { says: 'renaming works', check: printsExactly(2, 'g\n') },
      {
        says: 'removing works',
        check: (s) => (stepOf(s, 3).exitCode === 0 && stepOf(s, 3).stdout.trim() === '0') || stepOf(s, 3).stdout + stepOf(s, 3).stderr,
      },
    ],
    cleanup: 'rm -rf /tmp/e13',
  },
  {
    id: 'E14',
    title: 'Immutable file attribute',
    section: '03.2',
    demonstrates:
      'After chattr +i, lsattr shows i and append, rename, link and rm fail with EPERM even for root; clearing it needs CAP_LINUX_IMMUTABLE; after chattr -i they work.',
    requires: [tool('lsattr'), tool('chattr'), tool('reducecap')],
    steps: [
      {
        command: 'rm -rf /tmp/e14; mkdir /tmp/e14 && echo one >/tmp/e14/f && chattr +i /tmp/e14/f && lsattr /tmp/e14/f && id -u',
        note: 'make a file immutable (as root)',
      },
      { command: 'echo two >>/tmp/e14/f', note: 'append' },
      { command: 'mv /tmp/e14/f /tmp/e14/g', note: 'rename' },
      { command: 'ln /tmp/e14/f /tmp/e14/h', note: 'hard link' },
      { command: 'rm -f /tmp/e14/f', note: 'remove' },
      { command: 'cat /tmp/e14/f; ls /tmp/e14', note: 'the file is unchanged and alone' },
      { command: "reducecap --cap '!CAP_LINUX_IMMUTABLE' -- chattr -i /tmp/e14/f", note: 'clear it without CAP_LINUX_IMMUTABLE' },
      {
        command:
          'chattr -i /tmp/e14/f && lsattr /tmp/e14/f && echo two >>/tmp/e14/f && mv /tmp/e14/f /tmp/e14/g && ln /tmp/e14/g /tmp/e14/h && rm /tmp/e14/g /tmp/e14/h && echo all-done',
        note: 'clear it as root; everything works again',
      },
    ],
    invariants: [
      {
        says: 'lsattr shows i, for root (uid 0)',
        check: (s) =>
          (lsattrOf(stepOf(s, 0).stdout, '/tmp/e14/f')?.replace(/-/g, '') === 'i' && /^0$/m.test(stepOf(s, 0).stdout)) ||
          stepOf(s, 0).stdout + stepOf(s, 0).stderr,
      },
      ...(
        [
          [1, 'append'],
          [2, 'rename'],
          [3, 'link'],
          [4, 'rm'],
        ] as const
      ).map(([i, what]) => ({
        says: `${what} fails with EPERM`,
        check: (s: readonly StepResult[]): true | string =>
          (stepOf(s, i).exitCode !== 0 && /not permitted/.test(stepOf(s, i).stderr)) || `exit ${stepOf(s, i).exitCode}: ${stepOf(s, i).stderr}`,
      })),
      { says: 'the file keeps its content and is the only name', check: printsExactly(5, 'one\nf\n') },
      { says: 'without CAP_LINUX_IMMUTABLE chattr -i fails with EPERM', check: failsWith(6, /not permitted/) },
      {
        says: 'after chattr -i the flag is gone and append, rename, link and rm work',
        check: (s) =>
          (/^-+$/.test(lsattrOf(stepOf(s, 7).stdout, '/tmp/e14/f') ?? '') && /^all-done$/m.test(stepOf(s, 7).stdout)) ||
          stepOf(s, 7).stdout + stepOf(s, 7).stderr,
      },
    ],
    cleanup: 'chattr -i /tmp/e14/f 2>/dev/null; rm -rf /tmp/e14',
  },
  {
    id: 'E15',
    title: 'Chroot',
    section: '03.3, 04.2',
    demonstrates:
      'A chrooted shell sees its directory as /; the escape program breaks out on the host; inside a guest with the barrier on the parent of its root it fails, even for guest root.',
    requires: [tool('chroot-escape'), tool('setattr'), tool('showattr'), CTX_CREATE],
    steps: [
      {
        command: `rm -rf /tmp/e15; ${jail('/tmp/e15/guest/root')} && echo host >/tmp/e15/where-host`,
        note: 'a jail /tmp/e15/guest/root; /tmp/e15/where-host exists only outside it',
      },
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
      { says: 'the chrooted shell sees the jail as /', check: printsExactly(1, 'bin\nwhere\njail\n') },
      {
        says: 'on the host the escape reaches the real root',
        check: (s) =>
          (stepOf(s, 2).exitCode === 0 && /reached the real root/.test(stepOf(s, 2).stdout) && /^host$/m.test(stepOf(s, 2).stdout)) ||
          stepOf(s, 2).stdout + stepOf(s, 2).stderr,
      },
      {
        says: 'showattr shows the barrier (B)',
        check: (s) => showattrOf(stepOf(s, 3).stdout, '/tmp/e15/guest')?.[4] === 'B' || stepOf(s, 3).stdout + stepOf(s, 3).stderr,
      },
      {
        says: "in the guest the walk up stops at the barrier (EACCES) and the host's file stays out of reach",
        check: (s) =>
          (stepOf(s, 4).exitCode === 1 && /chdir \.\.: Permission denied/.test(stepOf(s, 4).stderr) && !/host/.test(stepOf(s, 4).stdout)) ||
          `exit ${stepOf(s, 4).exitCode}: ${stepOf(s, 4).stdout}${stepOf(s, 4).stderr}`,
      },
      {
        says: 'a guest cannot list the barrier directory',
        check: (s) =>
          (stepOf(s, 5).exitCode !== 0 && /Permission denied/.test(stepOf(s, 5).stderr)) ||
          `exit ${stepOf(s, 5).exitCode}: ${stepOf(s, 5).stdout}${stepOf(s, 5).stderr}`,
      },
      {
        says: 'the host passes the barrier and can remove it',
        check: (s) =>
          (/^root$/m.test(stepOf(s, 6).stdout) && showattrOf(stepOf(s, 6).stdout, '/tmp/e15/guest')?.[4] === 'b') || stepOf(s, 6).stdout + stepOf(s, 6).stderr,
      },
      {
        says: 'without the barrier the walk up reaches the top, but a guest cannot chroot outside its root (second line, issue #23): the host file stays out of reach',
        check: (s) =>
          (stepOf(s, 7).exitCode === 1 && /chroot \.: Operation not permitted/.test(stepOf(s, 7).stderr) && !/^host$/m.test(stepOf(s, 7).stdout)) ||
          `exit ${stepOf(s, 7).exitCode}: ${stepOf(s, 7).stdout}${stepOf(s, 7).stderr}`,
      },
    ],
    cleanup: 'cd /; setattr --~barrier /tmp/e15/guest 2>/dev/null; rm -rf /tmp/e15',
  },
];
