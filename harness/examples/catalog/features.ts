/** Features of §06: the CPU scheduler, disk limits, per-context quota and vroot. */
import {
  tool,
  CTX_CREATE,
  waitFile,
  TAGGING,
  DLIMIT_TMPFS,
  inGuest,
  DISK,
  VROOT,
  inSecureGuest,
  quotaRecord,
  QUOTA_ADMIN,
  SCHED,
  cpuShare,
  shareOf,
  failsWith,
  printsExactly,
  printsMatching,
  stderrIs,
  PAGE_KIB,
} from './common.ts';
import { defineExample, type Example, type StepLookup } from '../types.ts';

/** The page size in KiB that E47's step page-size printed (NaN, which no check accepts, if none). */
const pageKiB = (step: StepLookup<'page-size'>): number => Number(step('page-size').stdout.trim());

export const FEATURES: readonly Example[] = [
  defineExample({
    id: 'E46',
    title: 'Token bucket CPU limit',
    section: '06.3',
    demonstrates:
      'A busy loop in a guest whose bucket gets 1 token every 4 ticks (vsched) runs at its full share until SCHED_HARD is set, then at about 1/4 of the CPU, measured from its /proc/<pid>/stat over 5 s.',
    requires: [tool('vsched'), tool('vattribute'), CTX_CREATE, SCHED],
    steps: [
      {
        name: 'busy-loop',
        command: `vcontext --create --silent --xid 4601 -- sh -c 'echo $$ >/tmp/e46.pid; while :; do :; done' </dev/null >/dev/null 2>&1 & ${waitFile('/tmp/e46.pid')}`,
        note: 'guest 4601 runs a busy loop',
      },
      { name: 'share-unlimited', command: `sleep 1; ${cpuShare('/tmp/e46.pid', 3)}`, note: 'its share of the CPU, no limit yet' },
      {
        name: 'set-bucket',
        command: 'vsched --xid 4601 --fill-rate 1 --interval 4 && vattribute --xid 4601 --set --flag sched_hard && cat /proc/virtual/4601/sched',
        note: 'a bucket of 1 token per 4 ticks, hard limit on',
      },
      { name: 'share-limited', command: `sleep 1; ${cpuShare('/tmp/e46.pid', 5)}`, note: 'its share now' },
    ],
    invariants: [
      {
        says: 'without the limit the loop has most of the CPU (over 80 %)',
        check: (step) => {
          const r = step('share-unlimited');
          return (shareOf(r.stdout) ?? 0) > 80 || r.stdout + r.stderr;
        },
      },
      {
        says: '/proc/virtual/4601/sched shows the bucket: FillRate 1, Interval 4',
        check: (step) => {
          const r = step('set-bucket');
          return (/^FillRate:\t +1,0$/m.test(r.stdout) && /^Interval:\t +4,0$/m.test(r.stdout)) || r.stdout + r.stderr;
        },
      },
      {
        says: 'with SCHED_HARD the loop gets 25 % of the CPU (±5 percentage points)',
        check: (step) => {
          const r = step('share-limited');
          const share = shareOf(r.stdout);
          return (share !== undefined && share >= 20 && share <= 30) || `share ${share ?? '?'} %: ${r.stdout}${r.stderr}`;
        },
      },
    ],
    cleanup: 'vkill --xid 4601 -s KILL; rm -f /tmp/e46.pid',
  }),
  defineExample({
    id: 'E47',
    title: 'Context disk limits',
    section: '06.4',
    demonstrates:
      'On a tagged tmpfs guest 4701 gets 8 pages of space (32 KiB with 4 KiB pages) and 5 inodes (vdlimit): df in the guest shows its total and its used column moves with what it writes, the usage vdlimit reports is what df shows, a write past the total and a 6th file fail with EDQUOT (the paper says ENOSPC, see kernel-patch/README.md) while guest 4702 without a limit writes the same, and deleting gives the space back.',
    requires: [tool('vdlimit'), CTX_CREATE, TAGGING, DLIMIT_TMPFS],
    steps: [
      {
        name: 'mount-tagged',
        command: 'mkdir -p /tmp/e47 && mount -t tmpfs -o tag tmpfs /tmp/e47 && mkdir /tmp/e47/g && chmod 777 /tmp/e47/g',
        note: 'a tmpfs mounted with tag',
      },
      {
        name: 'set-limits',
        command: `vdlimit --xid 4701 --set space_total=$((8 * ${PAGE_KIB})) --set inodes_total=5 /tmp/e47 && vdlimit --xid 4701 /tmp/e47`,
        note: 'guest 4701 gets 8 pages (tmpfs charges whole pages; 32 KiB with 4 KiB pages) and 5 inodes on it',
      },
      { name: 'df-in-guest', command: inGuest(4701, 'df -k /tmp/e47 | tail -n 1'), note: 'df in the guest' },
      {
        name: 'write-4-pages',
        command: `export P=${PAGE_KIB}; ${inGuest(4701, 'dd if=/dev/zero of=/tmp/e47/g/a bs=${P}k count=4 2>/dev/null; df -k /tmp/e47 | tail -n 1')} && vdlimit --xid 4701 /tmp/e47`,
        note: 'the guest writes 4 pages',
      },
      {
        name: 'write-past-total',
        command: `export P=${PAGE_KIB}; ${inGuest(4701, 'dd if=/dev/zero of=/tmp/e47/g/b bs=${P}k count=5')}`,
        note: '5 pages more: past the total',
      },
      {
        name: 'files-past-inodes',
        command: inGuest(4701, 'rm -f /tmp/e47/g/b; for f in c d e f; do touch /tmp/e47/g/$f || exit 1; done; touch /tmp/e47/g/six'),
        note: 'files 2 to 5, then a 6th',
      },
      {
        name: 'control-guest',
        command: `export P=${PAGE_KIB}; ${inGuest(
          4702,
          'dd if=/dev/zero of=/tmp/e47/g/o bs=${P}k count=9 2>/dev/null && mkdir /tmp/e47/g/o1 /tmp/e47/g/o2 /tmp/e47/g/o3 /tmp/e47/g/o4 /tmp/e47/g/o5 && echo control-ok',
        )}`,
        note: 'guest 4702 without a limit writes 9 pages and 6 inodes',
      },
      {
        name: 'delete',
        command: `${inGuest(4701, 'rm -f /tmp/e47/g/a; df -k /tmp/e47 | tail -n 1')} && vdlimit --xid 4701 /tmp/e47`,
        note: 'guest 4701 deletes its 4 pages',
      },
      { name: 'page-size', command: `echo ${PAGE_KIB}`, note: 'the page size in KiB' },
    ],
    invariants: [
      {
        says: 'vdlimit lists the entry: nothing used, 8 pages (in KiB) and 5 inodes',
        check: (step) => {
          const r = step('set-limits');
          return new RegExp(`^space_used=0\nspace_total=${8 * pageKiB(step)}\ninodes_used=0\ninodes_total=5\n`, 'm').test(r.stdout) || r.stdout + r.stderr;
        },
      },
      {
        says: "df in the guest shows the guest's total: 8 pages, 0 used, 8 available",
        check: (step) => {
          const r = step('df-in-guest');
          return new RegExp(`\\s${8 * pageKiB(step)}\\s+0\\s+${8 * pageKiB(step)}\\s`).test(r.stdout) || r.stdout + r.stderr;
        },
      },
      {
        says: "after 4 pages df's used column and vdlimit's space_used both say 4 pages",
        check: (step) => {
          const [total, used] = [8 * pageKiB(step), 4 * pageKiB(step)];
          const out = step('write-4-pages').stdout;
          return (
            (new RegExp(`\\s${total}\\s+${used}\\s+${total - used}\\s`).test(out) &&
              new RegExp(`^space_used=${used}$`, 'm').test(out) &&
              /^inodes_used=1$/m.test(out)) ||
            out + step('write-4-pages').stderr
          );
        },
      },
      { says: 'the write past the total fails with EDQUOT', check: failsWith('write-past-total', /Disk quota exceeded/) },
      {
        says: 'the 6th file fails with EDQUOT, the 5th succeeded',
        check: (step) => {
          const r = step('files-past-inodes');
          return (r.exitCode !== 0 && /six: Disk quota exceeded/.test(r.stderr) && !/\/[cdef]: /.test(r.stderr)) || `exit ${r.exitCode}: ${r.stderr}`;
        },
      },
      { says: 'the control: a guest without a limit writes past both totals', check: printsExactly('control-guest', 'control-ok\n') },
      {
        says: 'deleting gives the space back: df and vdlimit show 0 used',
        check: (step) => {
          const r = step('delete');
          return (
            (new RegExp(`\\s${8 * pageKiB(step)}\\s+0\\s+${8 * pageKiB(step)}\\s`).test(r.stdout) && /^space_used=0$/m.test(r.stdout)) || r.stdout + r.stderr
          );
        },
      },
    ],
    cleanup: 'umount /tmp/e47; rmdir /tmp/e47',
  }),
  defineExample({
    id: 'E48',
    title: 'Per-context quota through a vroot device',
    section: '06.5, 06.6',
    demonstrates:
      "On one ext2 filesystem mounted with tag and usrquota, /dev/vroot0 bound to its disk, guests 4801 and 4802 each see their own uid 1000 through the vroot (quota tools without the real device): 4801's limit of 24 KiB stops 4801's uid 1000 with EDQUOT while 4802's uid 1000 writes 30 KiB; the host sees both records under (xid << 16) | uid; a guest without the ccap QUOTA_CTL may not set quota, and no guest may switch quota of the shared filesystem off.",
    disk: true,
    requires: [tool('vquota'), tool('vrsetup'), CTX_CREATE, DISK, VROOT],
    steps: [
      {
        name: 'setup',
        command:
          'mkdir -p /mnt/e48 && mount -t ext2 -o tag,usrquota "$VSLAB_DISK" /mnt/e48 && mkdir -p /mnt/e48/u && chmod 1777 /mnt/e48/u && vquota init /mnt/e48/aquota.user user && vquota on "$VSLAB_DISK" user /mnt/e48/aquota.user && vrsetup /dev/vroot0 "$VSLAB_DISK" && echo ready',
        note: 'the host mounts the disk with tag and usrquota, turns quota on and binds /dev/vroot0 to the disk',
      },
      {
        name: 'set-limit-4801',
        command: inSecureGuest(4801, QUOTA_ADMIN, 'vquota set /dev/vroot0 user 1000 20 24 0 0 && vquota get /dev/vroot0 user 1000'),
        note: 'guest 4801 (CAP_SYS_ADMIN, QUOTA_CTL) limits its uid 1000 to 24 KiB',
      },
      { name: 'get-4802', command: inSecureGuest(4802, QUOTA_ADMIN, 'vquota get /dev/vroot0 user 1000'), note: "guest 4802's uid 1000" },
      {
        name: 'write-4801',
        command: inGuest(4801, 'su -s /bin/sh -c "dd if=/dev/zero of=/mnt/e48/u/a bs=1k count=30" user'),
        note: "4801's uid 1000 writes 30 KiB",
      },
      {
        name: 'write-4802',
        command: inGuest(4802, 'su -s /bin/sh -c "dd if=/dev/zero of=/mnt/e48/u/b bs=1k count=30 2>/dev/null" user && wc -c </mnt/e48/u/b'),
        note: "4802's uid 1000 writes the same",
      },
      { name: 'usage-4801', command: inSecureGuest(4801, QUOTA_ADMIN, 'vquota get /dev/vroot0 user 1000'), note: "4801's usage" },
      { name: 'host-lists-records', command: 'vquota list "$VSLAB_DISK" user', note: 'the host walks every record' },
      {
        name: 'set-without-quota-ctl',
        command: inSecureGuest(4803, '--bcap CAP_SYS_ADMIN', 'vquota set /dev/vroot0 user 1000 0 0 0 0'),
        note: 'guest 4803 without QUOTA_CTL',
      },
      { name: 'quota-off-from-guest', command: inSecureGuest(4801, QUOTA_ADMIN, 'vquota off /dev/vroot0 user'), note: 'guest 4801 tries to switch quota off' },
    ],
    invariants: [
      { says: 'the host set it up', check: printsExactly('setup', 'ready\n') },
      {
        says: 'guest 4801 reads back its limit through the vroot',
        check: printsExactly('set-limit-4801', '1000 space=0 soft=20 hard=24 inodes=0 soft=0 hard=0\n'),
      },
      { says: "guest 4802's uid 1000 has no limit", check: printsExactly('get-4802', '1000 space=0 soft=0 hard=0 inodes=0 soft=0 hard=0\n') },
      { says: "4801's uid 1000 is stopped with EDQUOT", check: failsWith('write-4801', /Disk quota exceeded/) },
      {
        says: "4802's uid 1000 writes 30 KiB",
        check: (step) => {
          const r = step('write-4802');
          return (r.exitCode === 0 && r.stdout === '30720\n') || `exit ${r.exitCode}: ${r.stdout}${r.stderr}`;
        },
      },
      { says: "4801's record holds its 24 KiB and one file", check: printsMatching('usage-4801', /^1000 space=24 soft=20 hard=24 inodes=1 soft=0 hard=0$/m) },
      {
        says: 'the host sees both records under (xid << 16) | uid',
        check: (step) => {
          const r = step('host-lists-records');
          return (
            (new RegExp(`^${quotaRecord(4801, 1000)} space=24 soft=20 hard=24 inodes=1 `, 'm').test(r.stdout) &&
              new RegExp(`^${quotaRecord(4802, 1000)} space=\\d+ soft=0 hard=0 inodes=1 `, 'm').test(r.stdout)) ||
            r.stdout + r.stderr
          );
        },
      },
      { says: 'without QUOTA_CTL setting quota is refused (EPERM)', check: stderrIs('set-without-quota-ctl', 'vquota: Q_SETQUOTA: Operation not permitted\n') },
      {
        says: 'switching quota of the shared filesystem off is refused to a guest (EPERM)',
        check: stderrIs('quota-off-from-guest', 'vquota: Q_QUOTAOFF: Operation not permitted\n'),
      },
    ],
    cleanup: 'rm -f /mnt/e48/u/a /mnt/e48/u/b; vquota off "$VSLAB_DISK" user; vrsetup -d /dev/vroot0; umount /mnt/e48; rmdir /mnt/e48',
  }),
];
