/**
 * 10,000 context lifecycles on the lock-debugging kernel (issue #14), outside `npm test` for its
 * length: `npm run test:long`. Four shells each run 2,500 cycles — a network context and a
 * context created, a task started inside, everything ended — while a reader walks /proc/virtual,
 * /proc/virtnet and every /proc/<pid>, and a migrator moves a task in and out of a persistent
 * context. Afterwards the allocation counters of /proc/virtual/status and /proc/virtnet/status
 * (#CTotal: every context object not yet freed) and the persistent context's limit counters are
 * back at their baseline. The fixture fails the file on any kernel report.
 */
import { describe, expect, it } from 'vitest';
import type { Shell } from '../../harness/console/shell.ts';
import { useGuest } from '../fixtures.ts';
import { pollUntil } from '../poll.ts';

const CYCLES_PER_SHELL = 2500;

async function totals(shell: Shell): Promise<string> {
  const read = async (file: string): Promise<string> => {
    const m = /#CTotal:\t(\d+)\n#CActive:\t(\d+)/.exec((await shell.succeed(`cat ${file}`)).stdout);
    if (m === null) throw new Error(`no counters in ${file}`);
    return `${m[1]}/${m[2]}`;
  };
  return `contexts ${await read('/proc/virtual/status')}, network contexts ${await read('/proc/virtnet/status')}`;
}

/** The current value of every row of /proc/virtual/<xid>/limit ("NAME value"), min/max and hits left out. */
async function currentValues(shell: Shell, xid: number): Promise<string[]> {
  const out = (await shell.succeed(`cat /proc/virtual/${xid}/limit`)).stdout;
  return [...out.matchAll(/^(\w+):\t\s*(-?\d+)\t/gm)].map((m) => `${m[1]} ${m[2]}`);
}

/** The totals once they read `want` (objects are freed after an RCU grace period), or as they stay. */
const settle = (shell: Shell, want: string): Promise<string> => pollUntil(shell, () => totals(shell), want);

describe('10,000-cycle churn', () => {
  const h = useGuest({ variant: 'vserver-debug' });

  it('10,000 create/enter/exit cycles from 4 shells beside /proc readers and a migrator leave every counter at its baseline', async () => {
    const sh = h.guest.shell;
    // A persistent context the migrator moves a task into and out of; its task counter must end at 0.
    await sh.succeed('vsyscall --in 0000000047000000 ctx_create 900 >/dev/null');
    const base = await totals(sh);
    const limitBase = await currentValues(sh, 900);
    const cycle = (first: number): string =>
      `( i=0; while [ $i -lt ${CYCLES_PER_SHELL} ]; do id=$((${first} + i % 200)); ` +
      `ncontext --create --silent --nid $id -- vcontext --create --silent --xid $id -- sh -c ':' || exit 1; i=$((i + 1)); done; echo cycles-done )`;
    // ls lists a directory, then stats each entry: a context that ends in between is ENOENT, as a
    // process is for `ls /proc`; the reader exercises readdir and lookup, its races are expected.
    const reader = `( while [ ! -e /tmp/churn-stop ]; do cat /proc/virtual/*/status /proc/virtnet/*/status /proc/[0-9]*/status >/dev/null 2>&1; ls /proc/virtual /proc/virtnet >/dev/null 2>&1; done )`;
    const migrator = `( while [ ! -e /tmp/churn-stop ]; do vcontext --migrate --xid 900 -- sh -c ':' >/dev/null 2>&1; done )`;
    const script =
      `rm -f /tmp/churn-stop; ${reader} & ${migrator} & ` +
      `${cycle(10000)} & c1=$!; ${cycle(20000)} & c2=$!; ${cycle(30000)} & c3=$!; ${cycle(40000)} & c4=$!; ` +
      `wait $c1 $c2 $c3 $c4; touch /tmp/churn-stop; wait`;
    const r = await sh.run(script, { timeoutMs: 3_600_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').filter((l) => l === 'cycles-done')).toHaveLength(4);
    expect(limitBase.length).toBeGreaterThan(5);
    expect(await settle(sh, base)).toBe(base);
    // The persistent context has no task left and its counters read as before the churn.
    expect((await sh.succeed('cat /proc/virtual/900/status')).stdout).toMatch(/^Tasks:\t0$/m);
    expect(await currentValues(sh, 900)).toEqual(limitBase);
  }, 3_600_000);
});
