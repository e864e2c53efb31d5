/** The Linux mechanisms the paper starts from (§03): capabilities, resource limits, file attributes, chroot. */
import { tool, CTX_CREATE, capSet, showattrOf, lsattrOf, jail, failsWith, failsWithOutput, printsExactly, succeedsPrinting } from './common.ts';
import { defineExample, type Example } from '../types.ts';

export const LINUX: readonly Example[] = [
  defineExample({
    id: 'E01',
    title: 'Linux caps',
    section: '03.0',
    demonstrates: 'The capability sets of a root shell and of a non-root shell, decoded to names: root has a full effective set, non-root none.',
    requires: [tool('showcaps')],
    steps: [
      { name: 'root-caps', command: 'showcaps', note: 'the sets of a root shell' },
      { name: 'user-caps', command: 'su -s /bin/sh -c showcaps user', note: 'the sets of a shell of uid 1000' },
      { name: 'cap-masks', command: 'grep ^Cap /proc/self/status', note: 'the raw bit masks, for comparison' },
    ],
    invariants: [
      {
        says: 'root: the effective set is full (every capability of the bounding set, sys_admin and chown among them)',
        check: (step) => {
          const out = step('root-caps').stdout;
          const eff = capSet(out, 'effective');
          const bnd = capSet(out, 'bounding');
          return (
            (eff !== undefined && bnd !== undefined && eff.join() === bnd.join() && eff.includes('sys_admin') && eff.includes('chown') && eff.length >= 41) ||
            out
          );
        },
      },
      {
        says: 'non-root: the effective and permitted sets are empty',
        check: (step) => {
          const out = step('user-caps').stdout;
          return (capSet(out, 'effective')?.length === 0 && capSet(out, 'permitted')?.length === 0) || out;
        },
      },
      {
        says: 'the names decode the CapEff mask of /proc/self/status',
        check: (step) => {
          const m = /^CapEff:\s+([0-9a-f]+)$/m.exec(step('cap-masks').stdout);
          const n = capSet(step('root-caps').stdout, 'effective')?.length ?? -1;
          const bits = m === null ? -2 : [...BigInt(`0x${m[1] ?? '0'}`).toString(2)].filter((c) => c === '1').length;
          return n === bits || `${n} names for ${bits} bits`;
        },
      },
    ],
  }),
  defineExample({
    id: 'E02',
    title: 'Manipulating Linux caps',
    section: '03.0, 04.3',
    demonstrates:
      'Dropping a capability from a context removes it for good: neither a child nor a setuid-root exec gets it back, and the operation it guards fails.',
    requires: [tool('chcontext'), tool('reducecap'), tool('showcaps'), CTX_CREATE],
    steps: [
      {
        name: 'setuid-copy',
        command:
          'mkdir -p /tmp/e02 && cp /usr/lib/vslab/vstool /tmp/e02/showcaps && chmod 4755 /tmp/e02/showcaps && touch /tmp/e02/f /tmp/e02/g && ls -l /tmp/e02/showcaps',
        note: 'a setuid-root copy of showcaps, and two files owned by root',
      },
      { name: 'caps-without-chown', command: "chcontext --silent --cap '!CAP_CHOWN' -- showcaps", note: 'a context whose capability bound lacks CHOWN' },
      { name: 'grandchild-caps', command: "chcontext --silent --cap '!CAP_CHOWN' -- sh -c 'sh -c showcaps'", note: 'a grandchild in such a context' },
      {
        name: 'setuid-exec-without-chown',
        command: "chcontext --silent --cap '!CAP_CHOWN' -- su -s /bin/sh -c /tmp/e02/showcaps user",
        note: 'a setuid-root exec by uid 1000 in such a context',
      },
      { name: 'chown-without-chown', command: "chcontext --silent --cap '!CAP_CHOWN' -- chown user /tmp/e02/f", note: 'the operation CAP_CHOWN guards' },
      { name: 'chown-with-chown', command: 'chcontext --silent -- chown user /tmp/e02/g && ls -n /tmp/e02/g', note: 'the same in a context that kept CHOWN' },
      {
        name: 'reducecap-setuid-exec',
        command: "reducecap --cap '!CAP_CHOWN' -- su -s /bin/sh -c /tmp/e02/showcaps user",
        note: 'the same drop with reducecap (bounding set only, no context)',
      },
    ],
    invariants: [
      {
        says: 'in the context chown is gone from the bounding and effective sets, the others stay',
        check: (step) => {
          const r = step('caps-without-chown');
          const eff = capSet(r.stdout, 'effective') ?? [];
          const bnd = capSet(r.stdout, 'bounding') ?? [];
          return (!eff.includes('chown') && !bnd.includes('chown') && eff.includes('setuid') && bnd.includes('setuid')) || r.stdout + r.stderr;
        },
      },
      {
        says: "a child's child does not have it either",
        check: (step) => {
          const out = step('grandchild-caps').stdout;
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
        check: (step) => {
          const r = step('setuid-exec-without-chown');
          const eff = capSet(r.stdout, 'effective') ?? [];
          return (eff.includes('setuid') && !eff.includes('chown')) || r.stdout + r.stderr;
        },
      },
      { says: 'chown to another user fails with EPERM', check: failsWith('chown-without-chown', /not permitted/) },
      { says: 'with CHOWN kept it works', check: succeedsPrinting('chown-with-chown', / 1000 /) },
      {
        says: 'reducecap: a setuid-root exec does not get chown back either',
        check: (step) => {
          const r = step('reducecap-setuid-exec');
          const eff = capSet(r.stdout, 'effective') ?? [];
          return (eff.includes('setuid') && !eff.includes('chown')) || r.stdout + r.stderr;
        },
      },
    ],
    cleanup: 'rm -rf /tmp/e02',
  }),
  defineExample({
    id: 'E03',
    title: 'CAP_MKNOD',
    section: '03.0, 07.2',
    demonstrates: 'mknod of a character device works with CAP_MKNOD and fails with EPERM in a --secure context without it.',
    requires: [tool('chcontext'), CTX_CREATE],
    steps: [
      {
        name: 'mknod-full-bound',
        command: 'rm -f /tmp/e03-*; chcontext --silent -- mknod /tmp/e03-a c 1 3 && ls -l /tmp/e03-a',
        note: 'a context with the full bound',
      },
      { name: 'mknod-secure', command: 'chcontext --silent --secure -- mknod /tmp/e03-b c 1 3', note: 'a --secure context: no CAP_MKNOD' },
      { name: 'secure-caps', command: 'chcontext --silent --secure -- showcaps', note: 'its capability sets' },
      {
        name: 'mknod-secure-plus-mknod',
        command: 'chcontext --silent --secure --cap CAP_MKNOD -- mknod /tmp/e03-c c 1 3 && ls -l /tmp/e03-c',
        note: '--secure plus CAP_MKNOD alone',
      },
    ],
    invariants: [
      { says: 'with CAP_MKNOD a character device node is made', check: succeedsPrinting('mknod-full-bound', /^c/) },
      {
        says: 'in a --secure context mknod fails with EPERM (status 1)',
        check: (step) => {
          const r = step('mknod-secure');
          return (r.exitCode === 1 && /not permitted/.test(r.stderr)) || `exit ${r.exitCode}: ${r.stderr}`;
        },
      },
      {
        says: '--secure leaves mknod, sys_admin and net_raw out of the bounding set',
        check: (step) => {
          const out = step('secure-caps').stdout;
          const bnd = capSet(out, 'bounding');
          return (bnd !== undefined && bnd.includes('chown') && !['mknod', 'sys_admin', 'net_raw'].some((c) => bnd.includes(c))) || out;
        },
      },
      { says: 'adding back CAP_MKNOD alone makes it work', check: succeedsPrinting('mknod-secure-plus-mknod', /^c/) },
    ],
    cleanup: 'rm -f /tmp/e03-*',
  }),
  defineExample({
    id: 'E11',
    title: 'Resource limits via the shell',
    section: '03.1',
    demonstrates: 'ulimit lists the limits; lowering one works; a non-root process cannot raise its hard limit again.',
    steps: [
      { name: 'ulimit-all', command: 'ulimit -a', note: 'the limits of the shell' },
      { name: 'lower-nofile', command: 'ulimit -n 64; ulimit -n', note: 'lower the open-files limit' },
      {
        name: 'user-lower-then-raise',
        command: "su -s /bin/sh -c 'ulimit -n 100 && ulimit -H -n && ulimit -n 200' user",
        note: 'as a user: lower, then try to raise',
      },
    ],
    invariants: [
      {
        says: 'ulimit -a lists the open-files and process limits',
        check: (step) => {
          const out = step('ulimit-all').stdout;
          return (/open files/.test(out) && /processes/.test(out)) || out;
        },
      },
      { says: 'the lowered limit reads back as 64', check: (step) => step('lower-nofile').stdout.trim() === '64' || step('lower-nofile').stdout },
      {
        says: 'the user lowered its hard limit to 100',
        check: (step) => step('user-lower-then-raise').stdout.trim() === '100' || step('user-lower-then-raise').stdout,
      },
      {
        says: 'raising it back to 200 fails',
        check: (step) => {
          const r = step('user-lower-then-raise');
          return (r.exitCode !== 0 && /error setting limit/.test(r.stderr)) || `status ${r.exitCode}: ${r.stderr}`;
        },
      },
    ],
  }),
  defineExample({
    id: 'E12',
    title: 'CPU time limit',
    section: '03.1',
    demonstrates: 'With a CPU-time limit of one second, a busy loop is killed by SIGXCPU once it has used that second.',
    steps: [
      {
        name: 'busy-loop',
        command: "sh -c 'ulimit -S -t 1; while :; do :; done'; st=$?; echo status=$st signal=$(kill -l $((st - 128))); times",
        note: 'soft limit 1 s (were the hard limit equal, the kernel would send SIGKILL instead); times shows the CPU the child used',
      },
    ],
    invariants: [
      // SIGXCPU is 24 on most architectures (status 152), 30 on MIPS (158): the shell names it.
      {
        says: 'the loop ends with SIGXCPU (status 128 + SIGXCPU)',
        check: (step) => /^status=(152|158) signal=XCPU$/m.test(step('busy-loop').stdout) || step('busy-loop').stdout,
      },
      {
        says: 'it had used at least the second of CPU time it was allowed',
        check: (step) => {
          // `times` prints the shell's own user/sys times, then its children's.
          const out = step('busy-loop').stdout;
          const lines = out.trim().split('\n');
          const m = /(\d+)m\s*([\d.]+)s\s+(\d+)m\s*([\d.]+)s/.exec(lines[lines.length - 1] ?? '');
          if (m === null) return `no CPU times in: ${out}`;
          const cpu = Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]);
          return cpu >= 0.9 || `only ${cpu} s of CPU time`;
        },
      },
    ],
  }),
  defineExample({
    id: 'E13',
    title: 'Normal file without attributes',
    section: '03.2',
    demonstrates: 'lsattr shows no flags on a fresh file; it can be appended to, renamed and removed.',
    requires: [tool('lsattr'), tool('chattr')],
    steps: [
      {
        name: 'new-file',
        command: 'rm -rf /tmp/e13; mkdir /tmp/e13 && echo one >/tmp/e13/f && lsattr /tmp/e13/f',
        note: 'a new file on tmpfs and its attributes',
      },
      { name: 'append', command: 'echo two >>/tmp/e13/f && cat /tmp/e13/f', note: 'append' },
      { name: 'rename', command: 'mv /tmp/e13/f /tmp/e13/g && ls /tmp/e13', note: 'rename' },
      { name: 'remove', command: 'rm /tmp/e13/g && ls -A /tmp/e13 | wc -l', note: 'remove' },
    ],
    invariants: [
      {
        says: 'lsattr shows no attribute set',
        check: (step) => {
          const r = step('new-file');
          return /^-+$/.test(lsattrOf(r.stdout, '/tmp/e13/f') ?? '') || r.stdout + r.stderr;
        },
      },
      { says: 'appending works', check: printsExactly('append', 'one\ntwo\n') },
      { says: 'renaming works', check: printsExactly('rename', 'g\n') },
      {
        says: 'removing works',
        check: (step) => {
          const r = step('remove');
          return (r.exitCode === 0 && r.stdout.trim() === '0') || r.stdout + r.stderr;
        },
      },
    ],
    cleanup: 'rm -rf /tmp/e13',
  }),
  defineExample({
    id: 'E14',
    title: 'Immutable file attribute',
    section: '03.2',
    demonstrates:
      'After chattr +i, lsattr shows i and append, rename, link and rm fail with EPERM even for root; clearing it needs CAP_LINUX_IMMUTABLE; after chattr -i they work.',
    requires: [tool('lsattr'), tool('chattr'), tool('reducecap')],
    steps: [
      {
        name: 'make-immutable',
        command: 'rm -rf /tmp/e14; mkdir /tmp/e14 && echo one >/tmp/e14/f && chattr +i /tmp/e14/f && lsattr /tmp/e14/f && id -u',
        note: 'make a file immutable (as root)',
      },
      { name: 'append', command: 'echo two >>/tmp/e14/f', note: 'append' },
      { name: 'rename', command: 'mv /tmp/e14/f /tmp/e14/g', note: 'rename' },
      { name: 'link', command: 'ln /tmp/e14/f /tmp/e14/h', note: 'hard link' },
      { name: 'rm', command: 'rm -f /tmp/e14/f', note: 'remove' },
      { name: 'unchanged', command: 'cat /tmp/e14/f; ls /tmp/e14', note: 'the file is unchanged and alone' },
      { name: 'clear-without-cap', command: "reducecap --cap '!CAP_LINUX_IMMUTABLE' -- chattr -i /tmp/e14/f", note: 'clear it without CAP_LINUX_IMMUTABLE' },
      {
        name: 'clear-as-root',
        command:
          'chattr -i /tmp/e14/f && lsattr /tmp/e14/f && echo two >>/tmp/e14/f && mv /tmp/e14/f /tmp/e14/g && ln /tmp/e14/g /tmp/e14/h && rm /tmp/e14/g /tmp/e14/h && echo all-done',
        note: 'clear it as root; everything works again',
      },
    ],
    invariants: [
      {
        says: 'lsattr shows i, for root (uid 0)',
        check: (step) => {
          const r = step('make-immutable');
          return (lsattrOf(r.stdout, '/tmp/e14/f')?.replace(/-/g, '') === 'i' && /^0$/m.test(r.stdout)) || r.stdout + r.stderr;
        },
      },
      ...(['append', 'rename', 'link', 'rm'] as const).map((what) => ({ says: `${what} fails with EPERM`, check: failsWith(what, /not permitted/) })),
      { says: 'the file keeps its content and is the only name', check: printsExactly('unchanged', 'one\nf\n') },
      { says: 'without CAP_LINUX_IMMUTABLE chattr -i fails with EPERM', check: failsWith('clear-without-cap', /not permitted/) },
      {
        says: 'after chattr -i the flag is gone and append, rename, link and rm work',
        check: (step) => {
          const r = step('clear-as-root');
          return (/^-+$/.test(lsattrOf(r.stdout, '/tmp/e14/f') ?? '') && /^all-done$/m.test(r.stdout)) || r.stdout + r.stderr;
        },
      },
    ],
    cleanup: 'chattr -i /tmp/e14/f 2>/dev/null; rm -rf /tmp/e14',
  }),
  defineExample({
    id: 'E15',
    title: 'Chroot',
    section: '03.3, 04.2',
    demonstrates:
      'A chrooted shell sees its directory as /; the escape program breaks out on the host; inside a guest with the barrier on the parent of its root it fails, even for guest root.',
    requires: [tool('chroot-escape'), tool('setattr'), tool('showattr'), CTX_CREATE],
    steps: [
      {
        name: 'make-jail',
        command: `rm -rf /tmp/e15; ${jail('/tmp/e15/guest/root')} && echo host >/tmp/e15/where-host`,
        note: 'a jail /tmp/e15/guest/root; /tmp/e15/where-host exists only outside it',
      },
      { name: 'chrooted-shell', command: "chroot /tmp/e15/guest/root /bin/sh -c 'ls /; cat /where'", note: 'a chrooted shell' },
      {
        name: 'escape-on-host',
        command: 'chroot /tmp/e15/guest/root /bin/chroot-escape cat /tmp/e15/where-host',
        note: 'the escape, from a chroot on the host',
      },
      { name: 'set-barrier', command: 'setattr --barrier /tmp/e15/guest && showattr -d /tmp/e15/guest', note: 'the barrier on the parent of the guest root' },
      {
        name: 'escape-in-guest',
        command: 'cd /tmp/e15/guest/root && vcontext --create --silent --endsetup --xid 1501 --chroot -- /bin/chroot-escape cat /tmp/e15/where-host',
        note: 'the same escape as root of guest 1501, chrooted into the jail',
      },
      {
        name: 'ls-barrier-from-guest',
        command: 'vcontext --create --silent --endsetup --xid 1502 -- ls /tmp/e15/guest',
        note: 'a guest outside the jail cannot enter the barrier either',
      },
      {
        name: 'host-passes-barrier',
        command: 'ls /tmp/e15/guest && setattr --~barrier /tmp/e15/guest && showattr -d /tmp/e15/guest',
        note: 'the host passes it, and removes it',
      },
      {
        name: 'escape-without-barrier',
        command: 'cd /tmp/e15/guest/root && vcontext --create --silent --endsetup --xid 1503 --chroot -- /bin/chroot-escape cat /tmp/e15/where-host',
        note: 'without the barrier the walk up passes, but the chroot outside its root is refused (issue #23)',
      },
    ],
    invariants: [
      { says: 'the chrooted shell sees the jail as /', check: printsExactly('chrooted-shell', 'bin\nwhere\njail\n') },
      {
        says: 'on the host the escape reaches the real root',
        check: (step) => {
          const r = step('escape-on-host');
          return (r.exitCode === 0 && /reached the real root/.test(r.stdout) && /^host$/m.test(r.stdout)) || r.stdout + r.stderr;
        },
      },
      {
        says: 'showattr shows the barrier (B)',
        check: (step) => {
          const r = step('set-barrier');
          return showattrOf(r.stdout, '/tmp/e15/guest')?.[4] === 'B' || r.stdout + r.stderr;
        },
      },
      {
        says: "in the guest the walk up stops at the barrier (EACCES) and the host's file stays out of reach",
        check: (step) => {
          const r = step('escape-in-guest');
          return (r.exitCode === 1 && /chdir \.\.: Permission denied/.test(r.stderr) && !/host/.test(r.stdout)) || `exit ${r.exitCode}: ${r.stdout}${r.stderr}`;
        },
      },
      { says: 'a guest cannot list the barrier directory', check: failsWithOutput('ls-barrier-from-guest', /Permission denied/) },
      {
        says: 'the host passes the barrier and can remove it',
        check: (step) => {
          const r = step('host-passes-barrier');
          return (/^root$/m.test(r.stdout) && showattrOf(r.stdout, '/tmp/e15/guest')?.[4] === 'b') || r.stdout + r.stderr;
        },
      },
      {
        says: 'without the barrier the walk up reaches the top, but a guest cannot chroot outside its root (second line, issue #23): the host file stays out of reach',
        check: (step) => {
          const r = step('escape-without-barrier');
          return (
            (r.exitCode === 1 && /chroot \.: Operation not permitted/.test(r.stderr) && !/^host$/m.test(r.stdout)) ||
            `exit ${r.exitCode}: ${r.stdout}${r.stderr}`
          );
        },
      },
    ],
    cleanup: 'cd /; setattr --~barrier /tmp/e15/guest 2>/dev/null; rm -rf /tmp/e15',
  }),
];
