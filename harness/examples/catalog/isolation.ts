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
  failsWithOutput,
  printsMatching,
} from './common.ts';
import { defineExample, type Example } from '../types.ts';

export const ISOLATION: readonly Example[] = [
  defineExample({
    id: 'E21',
    title: 'Process isolation',
    section: '04.0',
    demonstrates: "A shell in guest A lists only A's processes; the host's are invisible and unsignalable from A; the spectator sees all and cannot kill.",
    requires: [tool('vcontext'), CTX_CREATE, PROC_ISOLATION],
    steps: [
      {
        name: 'a-pid',
        command: keepAlive('vcontext --create --silent --endsetup --xid 2101', '/tmp/e21-a.pid'),
        note: 'guest A (xid 2101) with one background process; its pid',
      },
      { name: 'host-pid', command: 'sleep 1000 >/dev/null 2>&1 & echo $! | tee /tmp/e21-host.pid', note: 'a host process; its pid' },
      { name: 'ps-in-a', command: 'vcontext --migrate --xid 2101 -- ps', note: 'the process list inside A' },
      { name: 'kill-host-from-a', command: 'vcontext --migrate --xid 2101 -- kill $(cat /tmp/e21-host.pid)', note: 'A tries to signal the host process' },
      {
        name: 'proc-host-from-a',
        command: 'vcontext --migrate --xid 2101 -- ls /proc/$(cat /tmp/e21-host.pid)/',
        note: 'A looks up the host process in /proc',
      },
      { name: 'ps-in-spectator', command: 'vcontext --migrate --xid 1 -- ps', note: 'the spectator (xid 1) lists every process' },
      { name: 'spectator-kills-a', command: 'vcontext --migrate --xid 1 -- kill $(cat /tmp/e21-a.pid)', note: "the spectator tries to kill A's process" },
      { name: 'a-still-alive', command: 'vcontext --migrate --xid 2101 -- kill -0 $(cat /tmp/e21-a.pid) && echo alive', note: "A's process is still alive" },
    ],
    invariants: [
      {
        says: "A lists its own process and neither the host process nor the host's init (pid 1)",
        check: (step) => {
          const a = lastNumber(step('a-pid').stdout);
          const host = lastNumber(step('host-pid').stdout);
          const pids = psPids(step('ps-in-a').stdout);
          return (pids.includes(a) && !pids.includes(host) && !pids.includes(1)) || `A=${a} host=${host}: ${step('ps-in-a').stdout}`;
        },
      },
      { says: 'signalling the host process from A fails with ESRCH', check: failsWith('kill-host-from-a', /No such process/) },
      { says: "the host process's /proc entry does not exist in A", check: failsWithOutput('proc-host-from-a', /No such file/) },
      {
        says: "the spectator sees both A's process and the host's",
        check: (step) => {
          const out = step('ps-in-spectator').stdout;
          const pids = psPids(out);
          return (pids.includes(lastNumber(step('a-pid').stdout)) && pids.includes(lastNumber(step('host-pid').stdout)) && pids.includes(1)) || out;
        },
      },
      {
        says: "the spectator cannot kill A's process",
        check: (step) => {
          const [kill, after] = [step('spectator-kills-a'), step('a-still-alive')];
          return (kill.exitCode !== 0 && /alive/.test(after.stdout)) || `kill exit ${kill.exitCode} ${kill.stderr}; afterwards: ${after.stdout}${after.stderr}`;
        },
      },
    ],
    cleanup: 'vkill --xid 2101; kill $(cat /tmp/e21-host.pid); rm -f /tmp/e21-*.pid',
  }),
  defineExample({
    id: 'E22',
    title: 'Dual context isolation',
    section: '04.0',
    demonstrates: 'Guests A and B each see only their own processes; kill across them fails with ESRCH; vps on the host shows both with their xids.',
    requires: [tool('vcontext'), tool('vps'), CTX_CREATE, PROC_ISOLATION],
    steps: [
      { name: 'a-pid', command: keepAlive('vcontext --create --silent --endsetup --xid 2201', '/tmp/e22-a.pid'), note: 'guest A (xid 2201) and its process' },
      { name: 'b-pid', command: keepAlive('vcontext --create --silent --endsetup --xid 2202', '/tmp/e22-b.pid'), note: 'guest B (xid 2202) and its process' },
      { name: 'ps-in-a', command: 'vcontext --migrate --xid 2201 -- ps', note: 'what A sees' },
      { name: 'ps-in-b', command: 'vcontext --migrate --xid 2202 -- ps', note: 'what B sees' },
      { name: 'kill-b-from-a', command: 'vcontext --migrate --xid 2201 -- kill $(cat /tmp/e22-b.pid)', note: "A kills B's process" },
      { name: 'kill-a-from-b', command: 'vcontext --migrate --xid 2202 -- kill $(cat /tmp/e22-a.pid)', note: "B kills A's process" },
      { name: 'vps', command: 'vps', note: 'the host view through the spectator, with a CONTEXT column' },
    ],
    invariants: [
      {
        says: "A sees its process and not B's; B sees its process and not A's",
        check: (step) => {
          const a = lastNumber(step('a-pid').stdout);
          const b = lastNumber(step('b-pid').stdout);
          const inA = psPids(step('ps-in-a').stdout);
          const inB = psPids(step('ps-in-b').stdout);
          return (
            (inA.includes(a) && !inA.includes(b) && inB.includes(b) && !inB.includes(a)) ||
            `A=${a} B=${b}\nA sees:\n${step('ps-in-a').stdout}\nB sees:\n${step('ps-in-b').stdout}`
          );
        },
      },
      { says: 'kill from A into B fails with ESRCH', check: failsWith('kill-b-from-a', /No such process/) },
      { says: 'kill from B into A fails with ESRCH', check: failsWith('kill-a-from-b', /No such process/) },
      {
        says: 'vps has a CONTEXT column and shows both processes with their xids',
        check: (step) => {
          const out = step('vps').stdout;
          const row = (pid: number, xid: number): boolean => new RegExp(`^\\s*${pid}\\s+${xid}\\s`, 'm').test(out);
          return (/^\s*PID\s+CONTEXT\s/.test(out) && row(lastNumber(step('a-pid').stdout), 2201) && row(lastNumber(step('b-pid').stdout), 2202)) || out;
        },
      },
    ],
    cleanup: 'vkill --xid 2201; vkill --xid 2202; rm -f /tmp/e22-*.pid',
  }),
  defineExample({
    id: 'E23',
    title: 'Fake init process',
    section: '05.0',
    demonstrates: 'With the fakeinit flag the chosen process appears as pid 1 inside the guest, and /proc/virtual/<xid>/info shows its real pid.',
    requires: [tool('chcontext'), CTX_CREATE, FAKEINIT, PROC_VIRTUAL_CTX],
    steps: [
      {
        name: 'init-pid',
        command:
          'rm -f /tmp/e23-*; chcontext --silent --xid 2301 --flag fakeinit -- sh -c \'echo $$ >/tmp/e23-self; sh -c "(usleep 200000; exec grep PPid /proc/self/status >/tmp/e23-orphan) &"; exec sleep 1000\' >/dev/null 2>&1 & echo $!',
        note: 'an init shell in guest 2301: it notes its $$, starts a child that leaves an orphan behind, and execs a sleep; its real pid',
      },
      { name: 'init-self', command: waitFile('/tmp/e23-self'), note: '$$ of the init shell, as it saw it' },
      {
        name: 'proc-1-and-ps',
        command: 'chcontext --silent --xid 2301 -- sh -c \'tr "\\0" " " </proc/1/cmdline; echo; ps\'',
        note: '/proc/1 and ps inside the guest',
      },
      { name: 'orphan-ppid', command: waitFile('/tmp/e23-orphan'), note: "the orphan's parent pid, read once its parent had exited" },
      { name: 'context-info', command: 'cat /proc/virtual/2301/info', note: "the host's view of the context: its init's real pid" },
    ],
    invariants: [
      { says: 'the init shell sees itself as pid 1', check: (step) => step('init-self').stdout.trim() === '1' || step('init-self').stdout },
      { says: '/proc/1 inside the guest is the init (now the sleep)', check: printsMatching('proc-1-and-ps', /^sleep 1000/) },
      { says: 'ps inside the guest lists pid 1', check: (step) => psPids(step('proc-1-and-ps').stdout).includes(1) || step('proc-1-and-ps').stdout },
      { says: "an orphan's parent is pid 1", check: (step) => /^PPid:\s+1$/m.test(step('orphan-ppid').stdout) || step('orphan-ppid').stdout },
      {
        says: '/proc/virtual/<xid>/info shows the real pid of the init',
        check: (step) => {
          const real = lastNumber(step('init-pid').stdout);
          const info = step('context-info').stdout;
          return (real > 1 && new RegExp(`^Init:\\s+${real}$`, 'm').test(info)) || `real pid ${real}: ${info}`;
        },
      },
    ],
    cleanup: 'vkill --xid 2301; rm -f /tmp/e23-*',
  }),
  defineExample({
    id: 'E24',
    title: 'Network isolation',
    section: '04.1',
    demonstrates:
      'A server started under chbind --ip A listens on A only; binding another host address fails with EADDRNOTAVAIL; a bind to 0.0.0.0 ends up on A; the guest lists only A.',
    requires: [tool('chbind'), TEST_ADDRESSES, NET_CREATE, BIND_RESTRICTION, ADDRESS_HIDING],
    steps: [
      { name: 'host-addresses', command: 'ip -o -4 addr show dev dummy0', note: "the host's addresses: A = 10.42.0.1, B = 10.42.0.2, C = 10.42.0.3" },
      {
        name: 'start-server',
        command:
          'mkdir -p /tmp/e24 && echo served-from-A >/tmp/e24/index.html && chbind --ip 10.42.0.1 -- httpd -f -p 0.0.0.0:8080 -h /tmp/e24 >/tmp/e24.out 2>&1 & echo $! >/tmp/e24.pid',
        note: 'a web server under chbind --ip A, binding 0.0.0.0:8080',
      },
      {
        name: 'where-listening',
        command:
          "i=0; until netstat -ltn | grep -q ':8080 ' || [ $i -ge 250 ]; do usleep 20000; i=$((i+1)); done; cat /tmp/e24.out; netstat -ltn | grep ':8080 '",
        note: "chbind's line, and where the server listens",
      },
      { name: 'wget-a', command: 'wget -q -O - http://10.42.0.1:8080/', note: 'a client asks A' },
      { name: 'wget-b', command: 'wget -q -O - http://10.42.0.2:8080/', note: 'a client asks B, the same port' },
      {
        name: 'bind-b-from-guest',
        command: 'chbind --ip 10.42.0.1 -- timeout 2 httpd -f -p 10.42.0.2:8081 -h /tmp/e24',
        note: 'a server under chbind --ip A asks for B explicitly (timeout: were the bind allowed, it would serve on)',
      },
      { name: 'guest-addresses', command: 'chbind --ip 10.42.0.1 -- ip -o addr', note: 'the address listing inside the guest' },
    ],
    invariants: [
      {
        says: 'chbind reports the address set: ipv4root is now 10.42.0.1',
        check: (step) => /^ipv4root is now 10\.42\.0\.1$/m.test(step('where-listening').stdout) || step('where-listening').stdout,
      },
      {
        says: 'the bind to 0.0.0.0:8080 ended up on A: the socket listens on 10.42.0.1:8080, not on the wildcard',
        check: (step) => {
          const out = step('where-listening').stdout;
          return (/[\s:]10\.42\.0\.1:8080\s/.test(out) && !/\s(0\.0\.0\.0|::):8080\s/.test(out)) || out;
        },
      },
      {
        says: 'a client reaches the server at A',
        check: (step) => {
          const r = step('wget-a');
          return (r.exitCode === 0 && r.stdout === 'served-from-A\n') || `exit ${r.exitCode}: ${r.stdout}${r.stderr}`;
        },
      },
      {
        says: 'at B nothing answers on that port',
        check: (step) => {
          const r = step('wget-b');
          return (r.exitCode !== 0 && !/served-from-A/.test(r.stdout)) || `exit ${r.exitCode}: ${r.stdout}`;
        },
      },
      {
        says: 'binding B from the guest fails with EADDRNOTAVAIL',
        check: failsWith('bind-b-from-guest', /bind: Cannot assign requested address/),
      },
      {
        says: "the guest's listing shows A and none of the host's other addresses",
        check: (step) => {
          const r = step('guest-addresses');
          const mine = listedAddrs(r.stdout).filter((a) => a.startsWith('10.42.') || a.startsWith('fd42:'));
          return (mine.length === 1 && mine[0] === '10.42.0.1') || r.stdout + r.stderr;
        },
      },
    ],
    cleanup: 'kill $(cat /tmp/e24.pid); rm -rf /tmp/e24 /tmp/e24.out /tmp/e24.pid',
  }),
];
