/** Isolation (§04): processes, two guests, fake init, the network. */
import {
  tool,
  CTX_CREATE,
  PROC_VIRTUAL_CTX,
  PROC_ISOLATION,
  FAKEINIT,
  NET_CREATE,
  TEST_ADDRESSES,
  BIND_RESTRICTION,
  ADDRESS_HIDING,
  listedAddrs,
  psPids,
  lastNumber,
  keepAlive,
  waitFile,
  failsWith,
  printsMatching,
} from './common.ts';
import { type Example, stepOf } from '../types.ts';

export const ISOLATION: readonly Example[] = [
  {
    id: 'E21',
    title: 'Process isolation',
    section: '04.0',
    demonstrates: "A shell in guest A lists only A's processes; the host's are invisible and unsignalable from A; the spectator sees all and cannot kill.",
    requires: [tool('vcontext'), CTX_CREATE, PROC_ISOLATION],
    steps: [
      {
        command: keepAlive('vcontext --create --silent --endsetup --xid 2101', '/tmp/e21-a.pid'),
        note: 'guest A (xid 2101) with one background process; its pid',
      },
      { command: 'sleep 1000 >/dev/null 2>&1 & echo $! | tee /tmp/e21-host.pid', note: 'a host process; its pid' },
      { command: 'vcontext --migrate --xid 2101 -- ps', note: 'the process list inside A' },
      { command: 'vcontext --migrate --xid 2101 -- kill $(cat /tmp/e21-host.pid)', note: 'A tries to signal the host process' },
      { command: 'vcontext --migrate --xid 2101 -- ls /proc/$(cat /tmp/e21-host.pid)/', note: 'A looks up the host process in /proc' },
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
      { says: 'signalling the host process from A fails with ESRCH', check: failsWith(3, /No such process/) },
      {
        says: "the host process's /proc entry does not exist in A",
        check: (s) =>
          (stepOf(s, 4).exitCode !== 0 && /No such file/.test(stepOf(s, 4).stderr)) ||
          `exit ${stepOf(s, 4).exitCode}: ${stepOf(s, 4).stdout}${stepOf(s, 4).stderr}`,
      },
      {
        says: "the spectator sees both A's process and the host's",
        check: (s) => {
          const pids = psPids(stepOf(s, 5).stdout);
          return (pids.includes(lastNumber(stepOf(s, 0).stdout)) && pids.includes(lastNumber(stepOf(s, 1).stdout)) && pids.includes(1)) || stepOf(s, 5).stdout;
        },
      },
      {
        says: "the spectator cannot kill A's process",
        check: (s) =>
          (stepOf(s, 6).exitCode !== 0 && /alive/.test(stepOf(s, 7).stdout)) ||
          `kill exit ${stepOf(s, 6).exitCode} ${stepOf(s, 6).stderr}; afterwards: ${stepOf(s, 7).stdout}${stepOf(s, 7).stderr}`,
      },
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
          return (
            (inA.includes(a) && !inA.includes(b) && inB.includes(b) && !inB.includes(a)) ||
            `A=${a} B=${b}\nA sees:\n${stepOf(s, 2).stdout}\nB sees:\n${stepOf(s, 3).stdout}`
          );
        },
      },
      { says: 'kill from A into B fails with ESRCH', check: failsWith(4, /No such process/) },
      { says: 'kill from B into A fails with ESRCH', check: failsWith(5, /No such process/) },
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
          'rm -f /tmp/e23-*; chcontext --silent --xid 2301 --flag fakeinit -- sh -c \'echo $$ >/tmp/e23-self; sh -c "(usleep 200000; exec grep PPid /proc/self/status >/tmp/e23-orphan) &"; exec sleep 1000\' >/dev/null 2>&1 & echo $!',
        note: 'an init shell in guest 2301: it notes its $$, starts a child that leaves an orphan behind, and execs a sleep; its real pid',
      },
      { command: waitFile('/tmp/e23-self'), note: '$$ of the init shell, as it saw it' },
      { command: 'chcontext --silent --xid 2301 -- sh -c \'tr "\\0" " " </proc/1/cmdline; echo; ps\'', note: '/proc/1 and ps inside the guest' },
      { command: waitFile('/tmp/e23-orphan'), note: "the orphan's parent pid, read once its parent had exited" },
      { command: 'cat /proc/virtual/2301/info', note: "the host's view of the context: its init's real pid" },
    ],
    invariants: [
      { says: 'the init shell sees itself as pid 1', check: (s) => stepOf(s, 1).stdout.trim() === '1' || stepOf(s, 1).stdout },
      { says: '/proc/1 inside the guest is the init (now the sleep)', check: printsMatching(2, /^sleep 1000/) },
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
    demonstrates:
      'A server started under chbind --ip A listens on A only; binding another host address fails with EADDRNOTAVAIL; a bind to 0.0.0.0 ends up on A; the guest lists only A.',
    requires: [tool('chbind'), TEST_ADDRESSES, NET_CREATE, BIND_RESTRICTION, ADDRESS_HIDING],
    steps: [
      { command: 'ip -o -4 addr show dev dummy0', note: "the host's addresses: A = 10.42.0.1, B = 10.42.0.2, C = 10.42.0.3" },
      {
        command:
          'mkdir -p /tmp/e24 && echo served-from-A >/tmp/e24/index.html && chbind --ip 10.42.0.1 -- httpd -f -p 0.0.0.0:8080 -h /tmp/e24 >/tmp/e24.out 2>&1 & echo $! >/tmp/e24.pid',
        note: 'a web server under chbind --ip A, binding 0.0.0.0:8080',
      },
      {
        command:
          "i=0; until netstat -ltn | grep -q ':8080 ' || [ $i -ge 250 ]; do usleep 20000; i=$((i+1)); done; cat /tmp/e24.out; netstat -ltn | grep ':8080 '",
        note: "chbind's line, and where the server listens",
      },
      { command: 'wget -q -O - http://10.42.0.1:8080/', note: 'a client asks A' },
      { command: 'wget -q -O - http://10.42.0.2:8080/', note: 'a client asks B, the same port' },
      {
        command: 'chbind --ip 10.42.0.1 -- timeout 2 httpd -f -p 10.42.0.2:8081 -h /tmp/e24',
        note: 'a server under chbind --ip A asks for B explicitly (timeout: were the bind allowed, it would serve on)',
      },
      { command: 'chbind --ip 10.42.0.1 -- ip -o addr', note: 'the address listing inside the guest' },
    ],
    invariants: [
      {
        says: 'chbind reports the address set: ipv4root is now 10.42.0.1',
        check: (s) => /^ipv4root is now 10\.42\.0\.1$/m.test(stepOf(s, 2).stdout) || stepOf(s, 2).stdout,
      },
      {
        says: 'the bind to 0.0.0.0:8080 ended up on A: the socket listens on 10.42.0.1:8080, not on the wildcard',
        check: (s) => {
          const out = stepOf(s, 2).stdout;
          return (/[\s:]10\.42\.0\.1:8080\s/.test(out) && !/\s(0\.0\.0\.0|::):8080\s/.test(out)) || out;
        },
      },
      {
        says: 'a client reaches the server at A',
        check: (s) =>
          (stepOf(s, 3).exitCode === 0 && stepOf(s, 3).stdout === 'served-from-A\n') ||
          `exit ${stepOf(s, 3).exitCode}: ${stepOf(s, 3).stdout}${stepOf(s, 3).stderr}`,
      },
      {
        says: 'at B nothing answers on that port',
        check: (s) => (stepOf(s, 4).exitCode !== 0 && !/served-from-A/.test(stepOf(s, 4).stdout)) || `exit ${stepOf(s, 4).exitCode}: ${stepOf(s, 4).stdout}`,
      },
      {
        says: 'binding B from the guest fails with EADDRNOTAVAIL',
        check: failsWith(5, /bind: Cannot assign requested address/),
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
];
