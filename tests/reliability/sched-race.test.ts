/**
 * The CPU scheduler under races (on the lock-debugging kernel — lockdep, atomic-sleep, list and
 * RCU checking — with VSLAB_LOCK_DEBUG=1, tests/kernels.ts): 1,000 set_sched calls,
 * SCHED_HARD/PRIO/PAUSE flips and SIGKILLs of a paused context race with the context being created
 * and exiting again and again. Every call returns (an errno when the context is gone), the
 * contexts are all freed (the counters of /proc/virtual/status return to their baseline) and the
 * kernel prints no splat (the fixture fails the test on one).
 */
import { describe, expect, it } from 'vitest';
import type { Shell } from '../../harness/console/shell.ts';
import { useGuest } from '../fixtures.ts';
import { pollUntil, settleUntil } from '../poll.ts';
import { lockDebugVariant } from '../kernels.ts';

const COUNTERS = /#CTotal:\t(\d+)\n#CActive:\t(\d+)/;

async function counters(shell: Shell): Promise<string> {
  const m = COUNTERS.exec((await shell.succeed('cat /proc/virtual/status')).stdout);
  if (m === null) throw new Error('no counters in /proc/virtual/status');
  return `${m[1]}/${m[2]}`;
}

describe(`CPU scheduler races on ${lockDebugVariant()}`, () => {
  const h = useGuest({ variant: lockDebugVariant() });

  it('1,000 set_sched calls and flag flips racing with context exit leave no splat and no context behind', async () => {
    const base = await counters(h.guest.shell);
    const XID = 5100;
    // The context comes and goes: each incarnation runs a short loop and exits.
    const churn = `( i=0; while [ $i -lt 150 ]; do vcontext --create --silent --xid ${XID} -- sh -c 'j=0; while [ $j -lt 200 ]; do j=$((j+1)); done' >/dev/null 2>&1; i=$((i+1)); done )`;
    // 1,000 set_sched calls (v5 through vsched) with changing buckets and biases.
    const setSched = `( i=0; while [ $i -lt 1000 ]; do vsched --xid ${XID} --fill-rate $((i % 3 + 1)) --interval $((i % 5 + 1)) --tokens-min $((i % 7)) --tokens-max 50 --prio-bias $((i % 9 - 4)) >/dev/null 2>&1; i=$((i+1)); done )`;
    // The flags, and a paused context killed: it must still go away.
    const flags =
      `( i=0; while [ $i -lt 150 ]; do ` +
      `vattribute --xid ${XID} --set --flag sched_hard --flag sched_prio >/dev/null 2>&1; ` +
      `vattribute --xid ${XID} --set --flag sched_pause >/dev/null 2>&1; vkill --xid ${XID} -s KILL >/dev/null 2>&1; ` +
      `vattribute --xid ${XID} --set --flag ~sched_pause --flag ~sched_hard >/dev/null 2>&1; ` +
      `vattribute --xid ${XID} --set --flag ~sched_prio >/dev/null 2>&1; i=$((i+1)); done )`;
    const r = await h.guest.shell.run(
      `${churn} & ${setSched} & ${flags} & wait; vattribute --xid ${XID} --set --flag ~sched_pause >/dev/null 2>&1; vkill --xid ${XID} -s KILL >/dev/null 2>&1; echo done`,
      {
        timeoutMs: 900_000,
      },
    );
    expect(r.stdout).toBe('done\n');
    // Contexts are freed one RCU grace period after their last task: poll back to the baseline.
    await settleUntil(h.guest.shell, `[ -e /proc/virtual/${XID} ]`, { timeoutMs: 10_000, not: true });
    expect(await pollUntil(h.guest.shell, () => counters(h.guest.shell), base, 50)).toBe(base);
  });
});
