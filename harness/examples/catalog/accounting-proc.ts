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
  failsWithOutput,
  printsExactly,
  PAGE_KIB,
} from './common.ts';
import { defineExample, type Example } from '../types.ts';

export const ACCOUNTING_PROC: readonly Example[] = [
  defineExample({
    id: 'E41',
    title: 'Context accounting',
    section: '05.2',
    demonstrates:
      "After known work in a guest (4 forks, one TCP connection sending 1000 bytes) the guest's counters in /proc/virtual/<xid>/ rise by exactly that much, and another guest's do not move.",
    requires: [tool('vcontext'), CTX_CREATE, PROC_CACCT],
    steps: [
      {
        name: 'guests',
        command: `${keepAlive('vcontext --create --silent --xid 4101', '/tmp/e41a.pid')} && ${keepAlive('vcontext --create --silent --xid 4102', '/tmp/e41b.pid')}`,
        note: 'guests 4101 and 4102, each with one sleeping task',
      },
      {
        name: 'listener',
        command: 'printf "%1000s" x >/tmp/e41.data && (nc -l -p 4100 >/dev/null 2>&1 &) && echo listening',
        note: '1000 bytes to send, and a listener on the host',
      },
      {
        name: 'counters-before',
        command: 'for x in 4101 4102; do grep total_forks: /proc/virtual/$x/cvirt; grep INET: /proc/virtual/$x/cacct; done',
        note: 'counters before: forks, then INET recv/send/fail as count/bytes',
      },
      {
        name: 'work-in-4101',
        command: "vcontext --migrate --xid 4101 -- sh -c '/bin/true; /bin/true; /bin/true; nc 127.0.0.1 4100 </tmp/e41.data; true'",
        note: 'in 4101: three programs and one nc (4 forks), sending the 1000 bytes over TCP',
      },
      {
        name: 'counters-after',
        command: 'for x in 4101 4102; do grep total_forks: /proc/virtual/$x/cvirt; grep INET: /proc/virtual/$x/cacct; done',
        note: 'counters after',
      },
    ],
    invariants: [
      {
        says: "4101's total_forks rose by exactly 4",
        check: (step) => {
          const [before, after] = [countersOf(step('counters-before').stdout)[0], countersOf(step('counters-after').stdout)[0]];
          return (
            (before !== undefined && after !== undefined && after.forks - before.forks === 4) ||
            `before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`
          );
        },
      },
      {
        says: "4101's INET send bytes rose by exactly 1000, in at least one message, with no failures",
        check: (step) => {
          const [before, after] = [countersOf(step('counters-before').stdout)[0], countersOf(step('counters-after').stdout)[0]];
          if (before === undefined || after === undefined) return step('counters-after').stdout;
          const sent = after.sendBytes - before.sendBytes;
          const msgs = after.sendCount - before.sendCount;
          const fails = after.failCount - before.failCount;
          return (sent === 1000 && msgs >= 1 && fails === 0) || `sent ${sent} bytes in ${msgs} messages, ${fails} failures`;
        },
      },
      {
        says: "4102's counters did not move",
        check: (step) => {
          const [before, after] = [countersOf(step('counters-before').stdout)[1], countersOf(step('counters-after').stdout)[1]];
          return (
            (before !== undefined && JSON.stringify(before) === JSON.stringify(after)) || `before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`
          );
        },
      },
    ],
    cleanup: 'vkill --xid 4101; vkill --xid 4102; rm -f /tmp/e41*',
  }),
  defineExample({
    id: 'E42',
    title: 'Context limits',
    section: '05.3',
    demonstrates:
      'With vlimit the (N+1)th process of a context fails with EAGAIN although the per-user rlimit allows it, an open past NOFILE with EMFILE and a mapping past AS with ENOMEM; /proc/virtual/<xid>/limit shows current, max and hits.',
    requires: [tool('vlimit'), CTX_CREATE, PROC_LIMIT],
    steps: [
      { name: 'guest-4201', command: keepAlive('vcontext --create --silent --xid 4201', '/tmp/e42.pid'), note: 'guest 4201 with one sleeping task' },
      { name: 'nproc-limit', command: 'vlimit --xid 4201 --nproc 3 && vlimit --xid 4201 -a | grep "^NPROC "', note: 'at most 3 tasks in the context' },
      {
        name: 'fork-past-nproc',
        command: "vcontext --migrate --xid 4201 -- sh -c 'ulimit -u; sleep 1000 >/dev/null 2>&1 & sleep 1000 >/dev/null 2>&1 & echo both forked'",
        note: 'the sleeper, this shell and one more sleep make 3: the next fork must fail (the first line is the per-user rlimit)',
      },
      { name: 'guest-4202', command: keepAlive('vcontext --create --silent --xid 4202', '/tmp/e42b.pid'), note: 'guest 4202, for the file limit' },
      {
        name: 'open-past-nofile',
        command: "vlimit --xid 4202 --nofile 5 && vcontext --migrate --xid 4202 -- sh -c 'exec 3</dev/null 4</dev/null 5</dev/null 6</dev/null; echo all open'",
        note: 'at most 5 open files (each running program also holds its executable open): open more',
      },
      { name: 'guest-4203', command: keepAlive('vcontext --create --silent --xid 4203', '/tmp/e42c.pid'), note: 'guest 4203, for the address-space limit' },
      {
        name: 'map-past-as',
        command: `vlimit --xid 4203 --as $((16384 / ${PAGE_KIB})) && vcontext --migrate --xid 4203 -- dd if=/dev/zero of=/dev/null bs=32M count=1`,
        note: 'at most 16 MiB of address space, in pages (4096 of 4 KiB, 256 of 64 KiB): a 32 MiB buffer is more',
      },
      { name: 'map-on-host', command: 'dd if=/dev/zero of=/dev/null bs=32M count=1', note: 'the same on the host' },
      {
        name: 'limit-rows',
        command: 'grep -E "^(Limit|PROC)" /proc/virtual/4201/limit; grep FILES: /proc/virtual/4202/limit; grep VM: /proc/virtual/4203/limit',
        note: 'current, min/max, soft/hard and hits of each limit',
      },
      { name: 'page-size', command: `echo ${PAGE_KIB}`, note: 'the page size in KiB, the unit of the VM row' },
    ],
    invariants: [
      {
        says: 'the per-user rlimit would allow more processes, yet the next fork in the context fails with EAGAIN',
        check: (step) => {
          const st = step('fork-past-nproc');
          const user = st.stdout.split('\n')[0];
          const allows = user === 'unlimited' || Number(user) > 3;
          return (allows && !/both forked/.test(st.stdout) && /fork.*(Resource temporarily unavailable|Try again)/i.test(st.stderr)) || st.stdout + st.stderr;
        },
      },
      {
        says: 'an open past NOFILE fails with EMFILE',
        check: (step) => {
          const r = step('open-past-nofile');
          return (!/all open/.test(r.stdout) && /Too many open files/.test(r.stderr)) || r.stdout + r.stderr;
        },
      },
      { says: 'a mapping past AS fails (dd: out of memory)', check: failsWith('map-past-as', /out of memory/) },
      { says: 'the host is not limited', check: (step) => step('map-on-host').exitCode === 0 || step('map-on-host').stderr },
      {
        says: 'limit shows the hard limits with at least one hit each; PROC peaked exactly at its limit, FILES and VM stay within theirs',
        check: (step) => {
          const out = step('limit-rows').stdout;
          const row = (name: string): number[] | undefined =>
            new RegExp(`^${name}:\\t\\s*(-?\\d+)\\t\\s*(-?\\d+)/\\s*(-?\\d+)\\t\\s*(-?\\d+)/\\s*(-?\\d+)\\t\\s*(\\d+)$`, 'm').exec(out)?.slice(1).map(Number);
          const ok = (name: string, hard: number): boolean => {
            const r = row(name);
            const [current = Infinity, , , , limit, hits = 0] = r ?? [];
            return limit === hard && hits >= 1 && current <= hard;
          };
          const proc = row('PROC');
          const pageKiB = step('page-size').stdout;
          const vmPages = 16384 / Number(pageKiB.trim());
          return (ok('PROC', 3) && proc?.[2] === 3 && ok('FILES', 5) && ok('VM', vmPages)) || `${out}page size: ${pageKiB}`;
        },
      },
    ],
    cleanup: 'vkill --xid 4201; vkill --xid 4202; vkill --xid 4203; rm -f /tmp/e42*.pid',
  }),
  defineExample({
    id: 'E43',
    title: 'Uptime virtualization',
    section: '05.4',
    demonstrates:
      "With VIRT_UPTIME the guest's /proc/uptime starts near zero when the context is created and stays below the host's; without it, the guest sees the host's uptime.",
    requires: [tool('vattribute'), CTX_CREATE, VIRT_UPTIME],
    steps: [
      { name: 'host-uptime', command: 'cat /proc/uptime', note: "the host's uptime (seconds since boot, then idle seconds)" },
      { name: 'guest-4301', command: keepAlive('vcontext --create --silent --xid 4301', '/tmp/e43.pid'), note: 'guest 4301 is created now' },
      {
        name: 'set-virt-uptime',
        command: 'vattribute --xid 4301 --set --flag virt_uptime && grep Flags: /proc/virtual/4301/status',
        note: 'give it VIRT_UPTIME (bit 17)',
      },
      {
        name: 'guest-then-host-uptime',
        command: 'vcontext --migrate --xid 4301 -- cat /proc/uptime; cat /proc/uptime',
        note: "the guest's uptime, then the host's",
      },
      {
        name: 'host-then-plain-guest-uptime',
        command: 'cat /proc/uptime; vcontext --create --silent --xid 4302 -- cat /proc/uptime',
        note: "the host's uptime, then that of guest 4302 without the flag",
      },
      { name: 'bias-uptime', command: 'grep BiasUptime: /proc/virtual/4301/cvirt', note: 'when guest 4301 was created, in host uptime' },
    ],
    invariants: [
      {
        says: "with VIRT_UPTIME the guest's uptime is below the host's",
        check: (step) => {
          const r = step('guest-then-host-uptime');
          const [guest, host] = uptimesOf(r.stdout);
          return (guest !== undefined && host !== undefined && guest < host) || r.stdout + r.stderr;
        },
      },
      {
        says: "…and counts from the context's creation: at most the host time that passed since just before it was created",
        check: (step) => {
          const [before] = uptimesOf(step('host-uptime').stdout);
          const [guest, host] = uptimesOf(step('guest-then-host-uptime').stdout);
          return (
            (before !== undefined && guest !== undefined && host !== undefined && guest <= host - before + 0.01) ||
            `host before ${before}, guest ${guest}, host after ${host}`
          );
        },
      },
      {
        says: "without the flag the guest sees the host's uptime (at least what the host saw just before)",
        check: (step) => {
          const r = step('host-then-plain-guest-uptime');
          const [host, guest] = uptimesOf(r.stdout);
          return (host !== undefined && guest !== undefined && guest >= host) || r.stdout + r.stderr;
        },
      },
      {
        says: 'cvirt records the creation time, between the two host readings around it',
        check: (step) => {
          const out = step('bias-uptime').stdout;
          const bias = Number(/^BiasUptime:\t(\d+\.\d+)$/m.exec(out)?.[1]);
          const [before] = uptimesOf(step('host-uptime').stdout);
          const [, hostAfter] = uptimesOf(step('guest-then-host-uptime').stdout);
          return (before !== undefined && hostAfter !== undefined && bias >= before - 0.01 && bias <= hostAfter) || out;
        },
      },
    ],
    cleanup: 'vkill --xid 4301; rm -f /tmp/e43.pid',
  }),
  defineExample({
    id: 'E44',
    title: 'ProcFS guest security',
    section: '06.2, 07.3',
    demonstrates:
      'In a guest /proc/virtual lists only its own xid and other xids give ENOENT; /proc/sysrq-trigger and the other host-acting entries are not reachable, even after the host unhides them.',
    requires: [tool('vcontext'), tool('setattr'), CTX_CREATE, PROC_VIRTUAL_CTX],
    steps: [
      { name: 'guest-4401', command: keepAlive('vcontext --create --silent --endsetup --xid 4401', '/tmp/e44-a.pid'), note: 'guest 4401' },
      { name: 'guest-4402', command: keepAlive('vcontext --create --silent --endsetup --xid 4402', '/tmp/e44-b.pid'), note: 'guest 4402' },
      { name: 'ls-virtual-in-4401', command: 'vcontext --migrate --xid 4401 -- ls /proc/virtual', note: '/proc/virtual inside 4401' },
      { name: 'other-entry-from-4401', command: 'vcontext --migrate --xid 4401 -- cat /proc/virtual/4402/status', note: "4402's entry from inside 4401" },
      { name: 'host-sees-entries', command: 'ls /proc/sysrq-trigger /proc/kmsg /proc/iomem /proc/kpageflags', note: 'the host sees the host-acting entries' },
      {
        name: 'listed-in-guest',
        command:
          "vcontext --migrate --xid 4401 -- sh -c 'ls /proc | grep -x -e sysrq-trigger -e kmsg -e iomem -e ioports -e kpagecount -e kpageflags -e timer_list -e vmallocinfo; echo listed-done'",
        note: 'are they listed in the guest?',
      },
      {
        name: 'guest-writes-sysrq',
        command: "vcontext --migrate --xid 4401 -- sh -c 'echo h >/proc/sysrq-trigger'",
        note: 'guest root writes to sysrq-trigger',
      },
      {
        name: 'unhide-and-retry',
        command:
          "setattr --~hide /proc/sysrq-trigger /proc/iomem && vcontext --migrate --xid 4401 -- sh -c 'test -e /proc/iomem && echo iomem-visible; echo h >/proc/sysrq-trigger'",
        note: 'the host unhides sysrq-trigger and iomem',
      },
    ],
    invariants: [
      { says: '4401 lists only its own id beside info and status', check: printsExactly('ls-virtual-in-4401', '4401\ninfo\nstatus\n') },
      { says: "4402's entry gives ENOENT", check: failsWithOutput('other-entry-from-4401', /No such file/) },
      {
        says: 'the host sees sysrq-trigger, kmsg, iomem and kpageflags',
        check: (step) => step('host-sees-entries').exitCode === 0 || step('host-sees-entries').stderr,
      },
      {
        says: 'none of the host-acting entries is listed in the guest',
        check: (step) => step('listed-in-guest').stdout === 'listed-done\n' || step('listed-in-guest').stdout,
      },
      {
        says: 'writing sysrq-trigger from the guest fails: the entry does not exist there',
        check: failsWith('guest-writes-sysrq', /nonexistent|No such file/),
      },
      {
        says: 'unhidden iomem becomes visible to the guest; sysrq-trigger stays unreachable',
        check: (step) => {
          const r = step('unhide-and-retry');
          return (
            (/iomem-visible/.test(r.stdout) && r.exitCode !== 0 && /nonexistent|No such file/.test(r.stderr)) || `exit ${r.exitCode}: ${r.stdout}${r.stderr}`
          );
        },
      },
    ],
    cleanup: 'setattr --hide /proc/sysrq-trigger /proc/iomem; vkill --xid 4401; vkill --xid 4402; rm -f /tmp/e44-*.pid',
  }),
  defineExample({
    id: 'E45',
    title: 'ProcFS host security',
    section: '06.2, 07.3',
    demonstrates:
      'The host sees every /proc/virtual/<xid>; a /proc entry marked with the admin/watch/hide attributes (setattr, showattr) appears to host, spectator and guests exactly as marked.',
    requires: [tool('setattr'), tool('showattr'), CTX_CREATE, PROC_VIRTUAL_CTX],
    steps: [
      { name: 'guest-4501', command: keepAlive('vcontext --create --silent --endsetup --xid 4501', '/tmp/e45-a.pid'), note: 'guest 4501' },
      { name: 'guest-4502', command: keepAlive('vcontext --create --silent --endsetup --xid 4502', '/tmp/e45-b.pid'), note: 'guest 4502' },
      { name: 'host-virtual', command: 'ls /proc/virtual && cat /proc/virtual/4501/info /proc/virtual/4502/info', note: "the host's /proc/virtual" },
      {
        name: 'default-attrs',
        command: 'showattr /proc/uptime /proc/sysrq-trigger',
        note: 'the default attributes: uptime visible to all, sysrq-trigger hidden (host and spectator only)',
      },
      { name: 'hide-uptime', command: 'setattr --hide /proc/uptime && showattr /proc/uptime', note: 'hide uptime (admin and watch stay)' },
      { name: 'host-view', command: procView('uptime'), note: 'host' },
      { name: 'spectator-view', command: `vcontext --migrate --xid 1 -- ${procView('uptime')}`, note: 'spectator' },
      { name: 'guest-view', command: `vcontext --migrate --xid 4501 -- ${procView('uptime')}`, note: 'guest' },
      {
        name: 'spectator-without-watch',
        command: `setattr --~watch /proc/uptime && showattr /proc/uptime && vcontext --migrate --xid 1 -- ${procView('uptime')}`,
        note: 'hidden without watch: the spectator',
      },
      {
        name: 'host-without-admin',
        command: `setattr --watch --~admin /proc/uptime && ${procView('uptime')}`,
        note: 'hidden with watch but without admin: the host',
      },
      {
        name: 'guest-after-unhide',
        command: `vcontext --migrate --xid 1 -- setattr --admin --~hide /proc/uptime && showattr /proc/uptime && vcontext --migrate --xid 4501 -- ${procView('uptime')}`,
        note: 'unhidden by the spectator (the host no longer sees it): the guest',
      },
    ],
    invariants: [
      {
        says: 'the host lists both guests and reads their info',
        check: (step) => {
          const r = step('host-virtual');
          const out = r.stdout;
          return (/^4501$/m.test(out) && /^4502$/m.test(out) && /^ID:\s+4501$/m.test(out) && /^ID:\s+4502$/m.test(out)) || out + r.stderr;
        },
      },
      {
        says: 'showattr: uptime has admin and watch, sysrq-trigger also hide',
        check: (step) => {
          const r = step('default-attrs');
          return (
            (showattrOf(r.stdout, '/proc/uptime')?.slice(0, 3) === 'AWh' && showattrOf(r.stdout, '/proc/sysrq-trigger')?.slice(0, 3) === 'AWH') ||
            r.stdout + r.stderr
          );
        },
      },
      {
        says: 'after setattr --hide showattr shows H',
        check: (step) => {
          const r = step('hide-uptime');
          return showattrOf(r.stdout, '/proc/uptime')?.slice(0, 3) === 'AWH' || r.stdout + r.stderr;
        },
      },
      {
        says: 'hidden with admin: the host lists and reads it',
        check: (step) => seen(step('host-view').stdout).join() === 'true,true' || step('host-view').stdout,
      },
      {
        says: 'hidden with watch: the spectator lists and reads it',
        check: (step) => seen(step('spectator-view').stdout).join() === 'true,true' || step('spectator-view').stdout,
      },
      {
        says: 'hidden: the guest neither lists nor opens it',
        check: (step) => seen(step('guest-view').stdout).join() === 'false,false' || step('guest-view').stdout,
      },
      {
        says: 'hidden without watch: the spectator does not see it',
        check: (step) => {
          const r = step('spectator-without-watch');
          return (
            (r.exitCode === 0 && showattrOf(r.stdout, '/proc/uptime')?.slice(0, 3) === 'AwH' && seen(r.stdout).join() === 'false,false') || r.stdout + r.stderr
          );
        },
      },
      {
        says: 'hidden without admin: the host does not see it',
        check: (step) => {
          const r = step('host-without-admin');
          return (r.exitCode === 0 && seen(r.stdout).join() === 'false,false') || r.stdout + r.stderr;
        },
      },
      {
        says: 'unhidden: the guest sees it again',
        check: (step) => {
          const r = step('guest-after-unhide');
          return (showattrOf(r.stdout, '/proc/uptime')?.slice(0, 3) === 'AWh' && seen(r.stdout).join() === 'true,true') || r.stdout + r.stderr;
        },
      },
    ],
    cleanup: 'vcontext --migrate --xid 1 -- setattr --admin --watch --~hide /proc/uptime; vkill --xid 4501; vkill --xid 4502; rm -f /tmp/e45-*.pid',
  }),
];
