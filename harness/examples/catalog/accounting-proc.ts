/** Accounting, limits and virtualization (§05.2–§05.4), the Linux-VServer proc-fs (§06.2, §07.3). */
import {
  tool,
  CTX_CREATE,
  PROC_VIRTUAL_CTX,
  PROC_CACCT,
  PROC_LIMIT,
  VIRT_UPTIME,
  keepAlive,
  countersOf,
  uptimesOf,
  procView,
  seen,
  showattrOf,
  failsWith,
  printsExactly,
  PAGE_KIB,
} from './common.ts';
import { type Example, stepOf } from '../types.ts';

export const ACCOUNTING_PROC: readonly Example[] = [
  {
    id: 'E41',
    title: 'Context accounting',
    section: '05.2',
    demonstrates:
      "After known work in a guest (4 forks, one TCP connection sending 1000 bytes) the guest's counters in /proc/virtual/<xid>/ rise by exactly that much, and another guest's do not move.",
    requires: [tool('vcontext'), CTX_CREATE, PROC_CACCT],
    steps: [
      {
        command: `${keepAlive('vcontext --create --silent --xid 4101', '/tmp/e41a.pid')} && ${keepAlive('vcontext --create --silent --xid 4102', '/tmp/e41b.pid')}`,
        note: 'guests 4101 and 4102, each with one sleeping task',
      },
      {
        command: 'printf "%1000s" x >/tmp/e41.data && (nc -l -p 4100 >/dev/null 2>&1 &) && echo listening',
        note: '1000 bytes to send, and a listener on the host',
      },
      {
        command: 'for x in 4101 4102; do grep total_forks: /proc/virtual/$x/cvirt; grep INET: /proc/virtual/$x/cacct; done',
        note: 'counters before: forks, then INET recv/send/fail as count/bytes',
      },
      {
        command: "vcontext --migrate --xid 4101 -- sh -c '/bin/true; /bin/true; /bin/true; nc 127.0.0.1 4100 </tmp/e41.data; true'",
        note: 'in 4101: three programs and one nc (4 forks), sending the 1000 bytes over TCP',
      },
      { command: 'for x in 4101 4102; do grep total_forks: /proc/virtual/$x/cvirt; grep INET: /proc/virtual/$x/cacct; done', note: 'counters after' },
    ],
    invariants: [
      {
        says: "4101's total_forks rose by exactly 4",
        check: (s) => {
          const [before, after] = [countersOf(stepOf(s, 2).stdout)[0], countersOf(stepOf(s, 4).stdout)[0]];
          return (
            (before !== undefined && after !== undefined && after.forks - before.forks === 4) ||
            `before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`
          );
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
          return (
            (before !== undefined && JSON.stringify(before) === JSON.stringify(after)) || `before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`
          );
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
      {
        command: `vlimit --xid 4203 --as $((16384 / ${PAGE_KIB})) && vcontext --migrate --xid 4203 -- dd if=/dev/zero of=/dev/null bs=32M count=1`,
        note: 'at most 16 MiB of address space, in pages (4096 of 4 KiB, 256 of 64 KiB): a 32 MiB buffer is more',
      },
      { command: 'dd if=/dev/zero of=/dev/null bs=32M count=1', note: 'the same on the host' },
      {
        command: 'grep -E "^(Limit|PROC)" /proc/virtual/4201/limit; grep FILES: /proc/virtual/4202/limit; grep VM: /proc/virtual/4203/limit',
        note: 'current, min/max, soft/hard and hits of each limit',
      },
      { command: `echo ${PAGE_KIB}`, note: 'the page size in KiB, the unit of the VM row' },
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
      {
        says: 'an open past NOFILE fails with EMFILE',
        check: (s) => (!/all open/.test(stepOf(s, 4).stdout) && /Too many open files/.test(stepOf(s, 4).stderr)) || stepOf(s, 4).stdout + stepOf(s, 4).stderr,
      },
      { says: 'a mapping past AS fails (dd: out of memory)', check: failsWith(6, /out of memory/) },
      { says: 'the host is not limited', check: (s) => stepOf(s, 7).exitCode === 0 || stepOf(s, 7).stderr },
      {
        says: 'limit shows the hard limits with at least one hit each; PROC peaked exactly at its limit, FILES and VM stay within theirs',
        check: (s) => {
          const out = stepOf(s, 8).stdout;
          const row = (name: string): number[] | undefined =>
            new RegExp(`^${name}:\\t\\s*(-?\\d+)\\t\\s*(-?\\d+)/\\s*(-?\\d+)\\t\\s*(-?\\d+)/\\s*(-?\\d+)\\t\\s*(\\d+)$`, 'm').exec(out)?.slice(1).map(Number);
          const ok = (name: string, hard: number): boolean => {
            const r = row(name);
            const [current = Infinity, , , , limit, hits = 0] = r ?? [];
            return limit === hard && hits >= 1 && current <= hard;
          };
          const proc = row('PROC');
          const vmPages = 16384 / Number(stepOf(s, 9).stdout.trim());
          return (ok('PROC', 3) && proc?.[2] === 3 && ok('FILES', 5) && ok('VM', vmPages)) || `${out}page size: ${stepOf(s, 9).stdout}`;
        },
      },
    ],
    cleanup: 'vkill --xid 4201; vkill --xid 4202; vkill --xid 4203; rm -f /tmp/e42*.pid',
  },
  {
    id: 'E43',
    title: 'Uptime virtualization',
    section: '05.4',
    demonstrates:
      "With VIRT_UPTIME the guest's /proc/uptime starts near zero when the context is created and stays below the host's; without it, the guest sees the host's uptime.",
    requires: [tool('vattribute'), CTX_CREATE, VIRT_UPTIME],
    steps: [
      { command: 'cat /proc/uptime', note: "the host's uptime (seconds since boot, then idle seconds)" },
      { command: keepAlive('vcontext --create --silent --xid 4301', '/tmp/e43.pid'), note: 'guest 4301 is created now' },
      { command: 'vattribute --xid 4301 --set --flag virt_uptime && grep Flags: /proc/virtual/4301/status', note: 'give it VIRT_UPTIME (bit 17)' },
      { command: 'vcontext --migrate --xid 4301 -- cat /proc/uptime; cat /proc/uptime', note: "the guest's uptime, then the host's" },
      {
        command: 'cat /proc/uptime; vcontext --create --silent --xid 4302 -- cat /proc/uptime',
        note: "the host's uptime, then that of guest 4302 without the flag",
      },
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
          return (
            (before !== undefined && guest !== undefined && host !== undefined && guest <= host - before + 0.01) ||
            `host before ${before}, guest ${guest}, host after ${host}`
          );
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
    id: 'E44',
    title: 'ProcFS guest security',
    section: '06.2, 07.3',
    demonstrates:
      'In a guest /proc/virtual lists only its own xid and other xids give ENOENT; /proc/sysrq-trigger and the other host-acting entries are not reachable, even after the host unhides them.',
    requires: [tool('vcontext'), tool('setattr'), CTX_CREATE, PROC_VIRTUAL_CTX],
    steps: [
      { command: keepAlive('vcontext --create --silent --endsetup --xid 4401', '/tmp/e44-a.pid'), note: 'guest 4401' },
      { command: keepAlive('vcontext --create --silent --endsetup --xid 4402', '/tmp/e44-b.pid'), note: 'guest 4402' },
      { command: 'vcontext --migrate --xid 4401 -- ls /proc/virtual', note: '/proc/virtual inside 4401' },
      { command: 'vcontext --migrate --xid 4401 -- cat /proc/virtual/4402/status', note: "4402's entry from inside 4401" },
      { command: 'ls /proc/sysrq-trigger /proc/kmsg /proc/iomem /proc/kpageflags', note: 'the host sees the host-acting entries' },
      {
        command:
          "vcontext --migrate --xid 4401 -- sh -c 'ls /proc | grep -x -e sysrq-trigger -e kmsg -e iomem -e ioports -e kpagecount -e kpageflags -e timer_list -e vmallocinfo; echo listed-done'",
        note: 'are they listed in the guest?',
      },
      { command: "vcontext --migrate --xid 4401 -- sh -c 'echo h >/proc/sysrq-trigger'", note: 'guest root writes to sysrq-trigger' },
      {
        command:
          "setattr --~hide /proc/sysrq-trigger /proc/iomem && vcontext --migrate --xid 4401 -- sh -c 'test -e /proc/iomem && echo iomem-visible; echo h >/proc/sysrq-trigger'",
        note: 'the host unhides sysrq-trigger and iomem',
      },
    ],
    invariants: [
      { says: '4401 lists only its own id beside info and status', check: printsExactly(2, '4401\ninfo\nstatus\n') },
      {
        says: "4402's entry gives ENOENT",
        check: (s) =>
          (stepOf(s, 3).exitCode !== 0 && /No such file/.test(stepOf(s, 3).stderr)) ||
          `exit ${stepOf(s, 3).exitCode}: ${stepOf(s, 3).stdout}${stepOf(s, 3).stderr}`,
      },
      { says: 'the host sees sysrq-trigger, kmsg, iomem and kpageflags', check: (s) => stepOf(s, 4).exitCode === 0 || stepOf(s, 4).stderr },
      { says: 'none of the host-acting entries is listed in the guest', check: (s) => stepOf(s, 5).stdout === 'listed-done\n' || stepOf(s, 5).stdout },
      { says: 'writing sysrq-trigger from the guest fails: the entry does not exist there', check: failsWith(6, /nonexistent|No such file/) },
      {
        says: 'unhidden iomem becomes visible to the guest; sysrq-trigger stays unreachable',
        check: (s) =>
          (/iomem-visible/.test(stepOf(s, 7).stdout) && stepOf(s, 7).exitCode !== 0 && /nonexistent|No such file/.test(stepOf(s, 7).stderr)) ||
          `exit ${stepOf(s, 7).exitCode}: ${stepOf(s, 7).stdout}${stepOf(s, 7).stderr}`,
      },
    ],
    cleanup: 'setattr --hide /proc/sysrq-trigger /proc/iomem; vkill --xid 4401; vkill --xid 4402; rm -f /tmp/e44-*.pid',
  },
  {
    id: 'E45',
    title: 'ProcFS host security',
    section: '06.2, 07.3',
    demonstrates:
      'The host sees every /proc/virtual/<xid>; a /proc entry marked with the admin/watch/hide attributes (setattr, showattr) appears to host, spectator and guests exactly as marked.',
    requires: [tool('setattr'), tool('showattr'), CTX_CREATE, PROC_VIRTUAL_CTX],
    steps: [
      { command: keepAlive('vcontext --create --silent --endsetup --xid 4501', '/tmp/e45-a.pid'), note: 'guest 4501' },
      { command: keepAlive('vcontext --create --silent --endsetup --xid 4502', '/tmp/e45-b.pid'), note: 'guest 4502' },
      { command: 'ls /proc/virtual && cat /proc/virtual/4501/info /proc/virtual/4502/info', note: "the host's /proc/virtual" },
      {
        command: 'showattr /proc/uptime /proc/sysrq-trigger',
        note: 'the default attributes: uptime visible to all, sysrq-trigger hidden (host and spectator only)',
      },
      { command: 'setattr --hide /proc/uptime && showattr /proc/uptime', note: 'hide uptime (admin and watch stay)' },
      { command: procView('uptime'), note: 'host' },
      { command: `vcontext --migrate --xid 1 -- ${procView('uptime')}`, note: 'spectator' },
      { command: `vcontext --migrate --xid 4501 -- ${procView('uptime')}`, note: 'guest' },
      {
        command: `setattr --~watch /proc/uptime && showattr /proc/uptime && vcontext --migrate --xid 1 -- ${procView('uptime')}`,
        note: 'hidden without watch: the spectator',
      },
      { command: `setattr --watch --~admin /proc/uptime && ${procView('uptime')}`, note: 'hidden with watch but without admin: the host' },
      {
        command: `vcontext --migrate --xid 1 -- setattr --admin --~hide /proc/uptime && showattr /proc/uptime && vcontext --migrate --xid 4501 -- ${procView('uptime')}`,
        note: 'unhidden by the spectator (the host no longer sees it): the guest',
      },
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
        check: (s) =>
          (showattrOf(stepOf(s, 3).stdout, '/proc/uptime')?.slice(0, 3) === 'AWh' &&
            showattrOf(stepOf(s, 3).stdout, '/proc/sysrq-trigger')?.slice(0, 3) === 'AWH') ||
          stepOf(s, 3).stdout + stepOf(s, 3).stderr,
      },
      {
        says: 'after setattr --hide showattr shows H',
        check: (s) => showattrOf(stepOf(s, 4).stdout, '/proc/uptime')?.slice(0, 3) === 'AWH' || stepOf(s, 4).stdout + stepOf(s, 4).stderr,
      },
      { says: 'hidden with admin: the host lists and reads it', check: (s) => seen(stepOf(s, 5).stdout).join() === 'true,true' || stepOf(s, 5).stdout },
      { says: 'hidden with watch: the spectator lists and reads it', check: (s) => seen(stepOf(s, 6).stdout).join() === 'true,true' || stepOf(s, 6).stdout },
      { says: 'hidden: the guest neither lists nor opens it', check: (s) => seen(stepOf(s, 7).stdout).join() === 'false,false' || stepOf(s, 7).stdout },
      {
        says: 'hidden without watch: the spectator does not see it',
        check: (s) =>
          (stepOf(s, 8).exitCode === 0 &&
            showattrOf(stepOf(s, 8).stdout, '/proc/uptime')?.slice(0, 3) === 'AwH' &&
            seen(stepOf(s, 8).stdout).join() === 'false,false') ||
          stepOf(s, 8).stdout + stepOf(s, 8).stderr,
      },
      {
        says: 'hidden without admin: the host does not see it',
        check: (s) => (stepOf(s, 9).exitCode === 0 && seen(stepOf(s, 9).stdout).join() === 'false,false') || stepOf(s, 9).stdout + stepOf(s, 9).stderr,
      },
      {
        says: 'unhidden: the guest sees it again',
        check: (s) =>
          (showattrOf(stepOf(s, 10).stdout, '/proc/uptime')?.slice(0, 3) === 'AWh' && seen(stepOf(s, 10).stdout).join() === 'true,true') ||
          stepOf(s, 10).stdout + stepOf(s, 10).stderr,
      },
    ],
    cleanup: 'vcontext --migrate --xid 1 -- setattr --admin --watch --~hide /proc/uptime; vkill --xid 4501; vkill --xid 4502; rm -f /tmp/e45-*.pid',
  },
];
