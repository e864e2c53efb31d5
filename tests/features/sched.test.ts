/**
 * The CPU scheduler (PAPER.md §06.3, ABI.md §4.6, §5.5, §6.2, §8 vsched): a context's token bucket
 * on its own CFS task group. SCHED_HARD holds a busy guest to fill_rate/interval of the CPU, measured
 * from /proc/<pid>/stat over at least 5 s of guest time on the 1-CPU guest machine; SCHED_PAUSE stops a
 * guest and clearing it lets it go on; SCHED_PRIO makes an overspending context lose against one that
 * keeps within its rate; bad parameters are refused or clamped as kernel-patch/README.md (Scheduler)
 * records; vsched sets the bucket from options and from a --dir.
 */
import { describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';
import { settleUntil, vpoll } from '../poll.ts';
import { s32, u64, vc } from '../abi/helpers.ts';

const VXSM = {
  FILL_RATE: 0x1,
  INTERVAL: 0x2,
  FILL_RATE2: 0x4,
  INTERVAL2: 0x8,
  TOKENS: 0x10,
  TOKENS_MIN: 0x20,
  TOKENS_MAX: 0x40,
  PRIO_BIAS: 0x100,
  IDLE_TIME: 0x200,
  CPU_ID: 0x1000,
  BUCKET_ID: 0x2000,
  MSEC: 0x4000,
};
const SCHED_KEEP = -2;
const EINVAL = 22;
const EFAULT = 14;
/** ctx_migrate v1 to id 1: the spectator, which sees the tasks of every context. */
const SPECTATOR = 'vsyscall --in 0000000000000000 ctx_migrate 1 --';

const i32s = (...v: number[]): string => v.map(s32).join('');

interface SchedV5 {
  mask: number;
  cpuId: number;
  bucketId: number;
  fillRate: [number, number];
  interval: [number, number];
  tokens: number;
  tokensMin: number;
  tokensMax: number;
  prioBias: number;
}
/** struct sched_v5 (44 bytes): u32 mask, i32 cpu_id, bucket_id, fill_rate[2], interval[2], tokens, min, max, prio_bias. */
const v5 = (s: Partial<SchedV5>): string =>
  i32s(
    s.mask ?? 0,
    s.cpuId ?? 0,
    s.bucketId ?? 0,
    s.fillRate?.[0] ?? 0,
    s.fillRate?.[1] ?? 0,
    s.interval?.[0] ?? 0,
    s.interval?.[1] ?? 0,
    s.tokens ?? 0,
    s.tokensMin ?? 0,
    s.tokensMax ?? 0,
    s.prioBias ?? 0,
  );
const parseV5 = (b: Buffer): SchedV5 => ({
  mask: b.readUInt32LE(0),
  cpuId: b.readInt32LE(4),
  bucketId: b.readInt32LE(8),
  fillRate: [b.readInt32LE(12), b.readInt32LE(16)],
  interval: [b.readInt32LE(20), b.readInt32LE(24)],
  tokens: b.readInt32LE(28),
  tokensMin: b.readInt32LE(32),
  tokensMax: b.readInt32LE(36),
  prioBias: b.readInt32LE(40),
});

/**
 * A shell line printing the machine's cpu line of /proc/stat and /proc/uptime as "CPU|UPTIME",
 * with builtins only; tickClock() reads it.
 */
const TICK_CLOCK = 'read -r c </proc/stat; read -r u </proc/uptime; echo "$c|$u"';

/** The timer ticks the machine has counted (every field of its cpu line) and the uptime, in USER_HZ ticks. */
interface TickClock {
  counted: number;
  elapsed: number;
}

function tickClock(line: string): TickClock {
  const [cpu = '', up = ''] = line.split('|');
  const counted = cpu
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number)
    .reduce((a, b) => a + b, 0);
  return { counted, elapsed: Math.round(Number(up.split(' ')[0]) * 100) };
}

/** The CPU ticks (utime + stime, USER_HZ) of the task in a /proc/<pid>/stat line. */
function statTicks(line: string): number {
  const rest = line.slice(line.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]);
}

describe('CPU scheduler: token bucket on CFS bandwidth, vsched', () => {
  const h = useGuest({ variant: 'vserver' });
  const call = (args: string) => vc(h.guest.shell, args);
  const getSched = async (xid: number, mask = 0): Promise<SchedV5> => {
    const r = await call(`--in ${v5({ mask })} --out 44 get_sched ${xid}`);
    expect(r.ret).toBe(0);
    return parseV5(r.out ?? Buffer.alloc(44));
  };
  /** Starts a busy loop in a new context XID (in setup, so the host administers it); returns its pid. */
  const burner = async (xid: number): Promise<number> => {
    await h.succeed(
      `rm -f /tmp/burn${xid}; vcontext --create --silent --xid ${xid} -- sh -c 'echo $$ >/tmp/burn${xid}; while :; do :; done' >/dev/null 2>&1 </dev/null &`,
    );
    await settleUntil(h.guest.shell, `[ -s /tmp/burn${xid} ]`, { timeoutMs: 10000 });
    return Number((await h.succeed(`cat /tmp/burn${xid}`)).stdout.trim());
  };
  const stop = (...xids: number[]) => h.succeed(xids.map((x) => `vkill --xid ${x} -s KILL 2>/dev/null;`).join(' ') + ' wait; true');
  /** Guest uptime (s) and the CPU ticks of each pid, read at one moment by the spectator. */
  const sample = async (pids: number[]): Promise<{ up: number; ticks: number[] }> => {
    const out = (await h.succeed(`${SPECTATOR} sh -c 'cat /proc/uptime; for p in ${pids.join(' ')}; do cat /proc/$p/stat; done'`)).stdout;
    const lines = out.split('\n');
    const up = Number(lines.find((l) => /^\d+\.\d+ \d+\.\d+$/.test(l))?.split(' ')[0]);
    const ticks = pids.map((p) => statTicks(lines.find((l) => l.startsWith(`${p} (`)) ?? ''));
    return { up, ticks };
  };
  /** CPU shares (%) of the pids over at least SECONDS of guest time. */
  const shares = async (pids: number[], seconds: number): Promise<number[]> => {
    const a = await sample(pids);
    await h.succeed(`sleep ${seconds}`);
    const b = await sample(pids);
    expect(b.up - a.up).toBeGreaterThanOrEqual(seconds);
    return pids.map((_, i) => ((b.ticks[i]! - a.ticks[i]!) / ((b.up - a.up) * 100)) * 100);
  };
  /** The hold ticks of XID's first CPU line in /proc/virtual/<xid>/sched. */
  const holdTicks = async (xid: number): Promise<number> => {
    const m = /^cpu \d+: \d+ \d+ (\d+) /m.exec((await h.succeed(`cat /proc/virtual/${xid}/sched`)).stdout);
    return Number(m?.[1] ?? -1);
  };
  const waitHeld = (xid: number) =>
    settleUntil(h.guest.shell, `awk '/^cpu /{ if ($5 > 0) f=1 } END { exit !f }' /proc/virtual/${xid}/sched`, { timeoutMs: 10_000, intervalMs: 25 });
  /**
   * Waits until context XID's bucket first holds it and reads PID's /proc stat line at that moment:
   * one spectator shell polls every few ms and reads with builtins, so no round trip lies between
   * the hold and the reading. (A reading that comes late, as on a slow emulator, also counts what
   * the task ran after the next refill.) The poller must not take CPU from the task either: that
   * would stretch its burst over more refills and change what is measured. So it runs no program
   * in the loop and waits with the shell's own `read -t` on a FIFO nobody writes (a spinning
   * poller, tried, read 72 on QEMU; one that ran usleep each time, 69 on v86, where a program
   * start costs tens of ms).
   */
  const statAtFirstHold = async (xid: number, pid: number): Promise<{ stat: string; clock: TickClock }> => {
    const loop =
      `mkfifo /tmp/hold$$ && exec 3<>/tmp/hold$$ && rm /tmp/hold$$; ` +
      `while :; do while read -r w n u s held rest; do [ "$w" = cpu ] && break; done </proc/virtual/${xid}/sched; ` +
      `[ "$held" -gt 0 ] && break; read -t 0.005 x <&3; done; read -r line </proc/${pid}/stat; echo "$line"; ${TICK_CLOCK}`;
    // The spectator's vsyscall prints its own line first.
    const lines = (await h.succeed(`${SPECTATOR} sh -c '${loop}'`, { timeoutMs: 10_000 })).stdout.split('\n');
    return { stat: lines.find((l) => l.startsWith(`${pid} (`)) ?? '', clock: tickClock(lines.find((l) => l.startsWith('cpu ')) ?? '') };
  };

  it('the guest machine has one CPU; VCI has the hard-scheduler bit 5; /proc/virtual/<xid>/sched has the token-bucket format', async () => {
    expect((await h.succeed("grep -c '^processor' /proc/cpuinfo")).stdout.trim()).toBe('1');
    const vci = (await call(`get_vci 0`)).ret;
    expect(vci & 0x20).toBe(0x20);
    expect(vci & 0xc0).toBe(0); // idle limit / idle skip: not built
    try {
      await burner(3001);
      const text = (await h.succeed('cat /proc/virtual/3001/sched')).stdout;
      expect(text).toMatch(/^FillRate:\t +1,0\nInterval:\t +4,0\nTokensMin:\t +\d+\nTokensMax:\t +\d+\nPrioBias:\t +0\n/);
      expect(text).toMatch(/^cpu 0: \d+ \d+ \d+ \d+ \d+ [HR][I-] \d+ \d+ \d+ 1\/4 0\/0 0 -?\d+$/m);
    } finally {
      await stop(3001);
    }
  });

  it('SCHED_HARD: busy guests at fill 1/4 and 1/2 beside a third get 25 % and 50 % (±5) over ≥ 5 s; hold time grows; the host answers', async () => {
    try {
      const pids = [await burner(3011), await burner(3012), await burner(3013)];
      await h.succeed('vsched --xid 3011 --fill-rate 1 --interval 4');
      await h.succeed('vsched --xid 3012 --fill-rate 1 --interval 2');
      // The third is unlimited, with a weight below the others' (prio_bias 10), so that the 1/2
      // guest can reach its rate: with equal weights the three would split the CPU evenly first.
      await h.succeed('vsched --xid 3013 --prio-bias 10');
      await h.succeed('vattribute --xid 3011 --set --flag sched_hard && vattribute --xid 3012 --set --flag sched_hard');
      // Once both buckets ran dry (their bursts spent), the rates hold.
      await waitHeld(3011);
      await waitHeld(3012);
      const hold0 = [await holdTicks(3011), await holdTicks(3012)];
      const [a, b, c] = await shares(pids, 6);
      console.log(`SCHED_HARD shares: 1/4 → ${a!.toFixed(1)} %, 1/2 → ${b!.toFixed(1)} %, unlimited → ${c!.toFixed(1)} %`);
      expect(a).toBeGreaterThanOrEqual(20);
      expect(a).toBeLessThanOrEqual(30);
      expect(b).toBeGreaterThanOrEqual(45);
      expect(b).toBeLessThanOrEqual(55);
      // The unlimited guest takes what is left.
      expect(c).toBeGreaterThanOrEqual(15);
      const hold1 = [await holdTicks(3011), await holdTicks(3012)];
      expect(hold1[0]).toBeGreaterThan(hold0[0]!);
      expect(hold1[1]).toBeGreaterThan(hold0[1]!);
      // sched_info reports the hold time in ms, and the context's user time.
      const info = await call(`--in ${i32s(0, 0)}${'00'.repeat(32)} --out 40 sched_info 3011`);
      expect(info.ret).toBe(0);
      const hold = Number(info.out!.readBigUInt64LE(24));
      const user = Number(info.out!.readBigUInt64LE(8));
      expect(hold).toBeGreaterThan(0);
      expect(user).toBeGreaterThan(0);
      expect(info.out!.readUInt32LE(32)).toBeGreaterThan(0); // token_usec
      // The host shell answers while all three burn.
      expect((await h.succeed('echo alive')).stdout.trim()).toBe('alive');
      // nr_onhold counts the held task at some moment of the guest's cycle (it is held 3/4 of the time).
      expect(await settleUntil(h.guest.shell, "grep -q '^nr_onhold:\t1$' /proc/virtual/3011/cvirt", { timeoutMs: 2000, intervalMs: 5 })).toBe(true);
    } finally {
      await stop(3011, 3012, 3013);
    }
  });

  it('burst: after a quiet spell a full bucket runs about tokens_max ticks at full speed before the first hold, then the rate', async () => {
    try {
      // An idle guest (one sleeping task) with a bucket of 100 ticks that refills 1 per 4 ticks.
      await h.succeed(`vcontext --create --silent --xid 3091 -- sh -c 'sleep 1000' </dev/null >/dev/null 2>&1 &`);
      await settleUntil(h.guest.shell, '[ -e /proc/virtual/3091 ]', { timeoutMs: 10000 });
      await h.succeed('vsched --xid 3091 --fill-rate 1 --interval 4 --tokens-min 50 --tokens-max 100 && vattribute --xid 3091 --set --flag sched_hard');
      const info = await call(`--in ${i32s(0, 0)}${'00'.repeat(32)} --out 40 sched_info 3091`);
      const tickMs = info.out!.readUInt32LE(32) / 1000;
      // Quiet for longer than the bucket takes to fill (100 tokens at 1 per 4 ticks).
      await h.succeed(`sleep ${Math.ceil((400 * tickMs) / 1000) + 1}`);
      expect(await holdTicks(3091)).toBe(0);
      const start = tickClock(
        (
          await h.succeed(
            `${TICK_CLOCK}; rm -f /tmp/burn3091; vcontext --migrate --xid 3091 -- sh -c 'echo $$ >/tmp/burn3091; while :; do :; done' </dev/null >/dev/null 2>&1 &`,
          )
        ).stdout.trim(),
      );
      await settleUntil(h.guest.shell, '[ -s /tmp/burn3091 ]', { timeoutMs: 10000 });
      const pid = Number((await h.succeed('cat /tmp/burn3091')).stdout.trim());
      // CPU time (USER_HZ 100) the loop got before its first hold: the full bucket, tokens_max
      // kernel ticks, plus what refills meanwhile. The paper's bucket refills continuously (about
      // tokens_max / (1 - 1/4)); CFS adds one quota (tokens_min ticks here) at each period boundary,
      // so tokens_max plus at most one quota, depending on where the boundary falls. CFS notices
      // an empty bucket at a timer tick, and v86 delivers hardly any ticks while the guest runs a
      // tight loop (4 of 32 over one burst, measured): the task runs on until one comes. So the
      // bound also allows the ticks the machine's own cpu line did not count over the burst: the
      // most it can have run unnoticed (0 on QEMU, so the bound there is as strict as ever; on
      // v86 90–110, which leaves the check little to catch there).
      const atHold = await statAtFirstHold(3091, pid);
      const burst = statTicks(atHold.stat);
      const missed = Math.max(0, atHold.clock.elapsed - start.elapsed - (atHold.clock.counted - start.counted));
      const full = (100 * tickMs) / 10;
      const quota = (50 * tickMs) / 10;
      console.log(`burst: ${burst} USER_HZ ticks before the first hold (tokens_max = ${full}, one quota = ${quota}, ticks not delivered ${missed})`);
      expect(burst).toBeGreaterThanOrEqual(full * 0.9);
      expect(burst).toBeLessThanOrEqual((full + quota) * 1.1 + missed);
      const [rate] = await shares([pid], 6);
      console.log(`after the burst: ${rate!.toFixed(1)} %`);
      expect(rate).toBeGreaterThanOrEqual(20);
      expect(rate).toBeLessThanOrEqual(30);
    } finally {
      await stop(3091);
    }
  });

  it('SCHED_HARD control: without the flag the same buckets do not limit (the shares are not 25/50)', async () => {
    try {
      const pids = [await burner(3021), await burner(3022)];
      await h.succeed('vsched --xid 3021 --fill-rate 1 --interval 4 && vsched --xid 3022 --fill-rate 1 --interval 2');
      const [a, b] = await shares(pids, 5);
      console.log(`no SCHED_HARD: ${a!.toFixed(1)} %, ${b!.toFixed(1)} %`);
      expect(a).toBeGreaterThan(40);
      expect(b).toBeGreaterThan(40);
    } finally {
      await stop(3021, 3022);
    }
  });

  it("the host's own tasks in a bucket: a stock cpu cgroup with cpu.max 25 % holds a host busy loop to 25 % beside an unlimited one (control: max)", async () => {
    // The host context has no vx_info, so no bucket of its own: kernel-patch/README.md (Scheduler)
    // documents the kernel's own cgroup v2 cpu controller for it, which the patch leaves working.
    const loop = (n: number) =>
      h.succeed(
        `rm -f /tmp/hb${n}; sh -c 'echo $$ >/tmp/hb${n}; while :; do :; done' >/dev/null 2>&1 </dev/null & ${vpoll(`[ -s /tmp/hb${n} ]`, { timeoutMs: 10_000 })}; cat /tmp/hb${n}`,
      );
    await h.succeed('mkdir -p /tmp/cg && mount -t cgroup2 none /tmp/cg && echo +cpu >/tmp/cg/cgroup.subtree_control && mkdir /tmp/cg/hostbucket');
    const pids: number[] = [];
    try {
      pids.push(Number((await loop(1)).stdout.trim()), Number((await loop(2)).stdout.trim()));
      await h.succeed(`echo 25000 100000 >/tmp/cg/hostbucket/cpu.max && echo ${pids[0]} >/tmp/cg/hostbucket/cgroup.procs`);
      const [limited, free] = await shares(pids, 5);
      console.log(`host bucket 25 %: ${limited!.toFixed(1)} % beside ${free!.toFixed(1)} %`);
      expect(limited).toBeGreaterThan(20);
      expect(limited).toBeLessThan(30);
      expect(free).toBeGreaterThan(65);
      await h.succeed('echo max >/tmp/cg/hostbucket/cpu.max');
      const [a, b] = await shares(pids, 5);
      console.log(`host bucket max: ${a!.toFixed(1)} % beside ${b!.toFixed(1)} %`);
      expect(a).toBeGreaterThan(40);
      expect(b).toBeGreaterThan(40);
    } finally {
      await h.succeed(`kill -9 ${pids.join(' ')} 2>/dev/null; sleep 1; rmdir /tmp/cg/hostbucket; umount /tmp/cg; true`);
    }
  });

  it('SCHED_PAUSE stops every task of a guest (its CPU time does not move, nr_onhold counts it); clearing it lets it go on', async () => {
    try {
      const [pid] = [await burner(3031)];
      await h.succeed('vattribute --xid 3031 --set --flag sched_pause');
      const a = await sample([pid!]);
      await h.succeed('sleep 2');
      const b = await sample([pid!]);
      expect(b.up - a.up).toBeGreaterThanOrEqual(2);
      expect(b.ticks[0]).toBe(a.ticks[0]);
      expect((await h.succeed('cat /proc/virtual/3031/cvirt')).stdout).toMatch(/^nr_onhold:\t1$/m);
      await h.succeed('vattribute --xid 3031 --set --flag ~sched_pause');
      const [share] = await shares([pid!], 2);
      expect(share).toBeGreaterThan(50);
    } finally {
      await stop(3031);
    }
  });

  it('a paused guest can still be killed: vkill -s KILL ends its tasks and the context goes away', async () => {
    await burner(3032);
    await h.succeed('vattribute --xid 3032 --set --flag sched_pause');
    await settleUntil(h.guest.shell, "grep -q '^nr_onhold:\t1' /proc/virtual/3032/cvirt", { timeoutMs: 10_000, intervalMs: 25 });
    await h.succeed('vkill --xid 3032 -s KILL');
    await settleUntil(h.guest.shell, '[ -e /proc/virtual/3032 ]', { timeoutMs: 10000, not: true });
    expect((await h.guest.shell.run('test -e /proc/virtual/3032')).exitCode).not.toBe(0);
  });

  it('SCHED_PRIO: a guest that overspends its rate loses against one within its rate (measured ratio; control without the flag)', async () => {
    try {
      const pids = [await burner(3041), await burner(3042)];
      // 3041 may spend 1/4 of the CPU, 3042 all of it; both busy, so 3041 overspends at 1/2.
      await h.succeed('vsched --xid 3041 --fill-rate 1 --interval 4 && vsched --xid 3042 --fill-rate 1 --interval 1');
      const [c1, c2] = await shares(pids, 5);
      console.log(`no SCHED_PRIO: ${c1!.toFixed(1)} % / ${c2!.toFixed(1)} %`);
      expect(c1! / c2!).toBeGreaterThan(0.8);
      await h.succeed('vattribute --xid 3041 --set --flag sched_prio && vattribute --xid 3042 --set --flag sched_prio');
      // The overspender's bucket runs dry first: its bonus (the last field of its cpu line) turns positive.
      await settleUntil(h.guest.shell, `awk '/^cpu /{ if ($NF > 0) f=1 } END { exit !f }' /proc/virtual/3041/sched`, { timeoutMs: 10000 });
      const [p1, p2] = await shares(pids, 5);
      console.log(`SCHED_PRIO: ${p1!.toFixed(1)} % / ${p2!.toFixed(1)} %`);
      expect(p1! / p2!).toBeLessThan(0.6);
      // The bonus (vavavoom, nice levels) of the overspender is above the other's, whose full
      // bucket gives the full -5 (the overspender settles where its bucket stays half full, near 0).
      const bonus = async (xid: number): Promise<number> => {
        const r = await call(`--in ${i32s(0, 0)}${'00'.repeat(32)} --out 40 sched_info ${xid}`);
        return r.out!.readInt32LE(36);
      };
      expect(await bonus(3042)).toBe(-5);
      expect(await bonus(3041)).toBeGreaterThan(-5);
    } finally {
      await stop(3041, 3042);
    }
  });

  it('set_sched v2 keeps SCHED_KEEP fields (28-byte i386 layout); v3 and v4 set what the mask selects; get_sched v5 reads back, in ms with MSEC', async () => {
    try {
      await burner(3051);
      // v2: fill_rate 3, interval kept, tokens kept, tokens_min 7, tokens_max 90, cpu_mask kept.
      expect((await call(`--in ${i32s(3, SCHED_KEEP, SCHED_KEEP, 7, 90)}${u64(0xfffffffffffffffen)} set_sched_v2 3051`)).ret).toBe(0);
      let s = await getSched(3051);
      expect(s).toMatchObject({ fillRate: [3, 0], interval: [4, 0], tokensMin: 7, tokensMax: 90, prioBias: 0 });
      // v3: set_mask, fill_rate, interval, tokens, tokens_min, tokens_max, priority_bias; only INTERVAL|PRIO_BIAS.
      expect((await call(`--in ${i32s(VXSM.INTERVAL | VXSM.PRIO_BIAS, 99, 12, 99, 99, 99, 4)} set_sched_v3 3051`)).ret).toBe(0);
      s = await getSched(3051);
      expect(s).toMatchObject({ fillRate: [3, 0], interval: [12, 0], tokensMin: 7, tokensMax: 90, prioBias: 4 });
      expect((await call(`--in ${i32s(0, 0)} --out 8 get_prio_bias 3051`)).out!.readInt32LE(4)).toBe(4);
      // v4 with IDLE_TIME: the fill rate and interval are the idle-time pair.
      const v4 = (mask: number, fill: number, ivl: number, cpu = 0, bucket = 0) => i32s(mask, fill, ivl, 0, 0, 0, 0, cpu, bucket);
      expect((await call(`--in ${v4(VXSM.FILL_RATE | VXSM.INTERVAL | VXSM.IDLE_TIME, 5, 20)} set_sched_v4 3051`)).ret).toBe(0);
      s = await getSched(3051);
      expect(s).toMatchObject({ fillRate: [3, 5], interval: [12, 20] });
      // MSEC: interval 12 ticks read back in ms is 12 * (1000/HZ); HZ from the token length.
      const info = await call(`--in ${i32s(0, 0)}${'00'.repeat(32)} --out 40 sched_info 3051`);
      const tickMs = info.out!.readUInt32LE(32) / 1000;
      expect((await getSched(3051, VXSM.MSEC)).interval[0]).toBe(12 * tickMs);
      // set_prio_bias clamps to -20..20.
      expect((await call(`--in ${i32s(0, 99)} set_prio_bias 3051`)).ret).toBe(0);
      expect((await getSched(3051)).prioBias).toBe(20);
    } finally {
      await stop(3051);
    }
  });

  it('bad parameters: interval or fill rate 0 or negative, negative tokens, bad cpu_id or bucket_id are EINVAL; tokens_min > tokens_max is clamped; bad pointers EFAULT', async () => {
    try {
      await burner(3061);
      const set = async (s: Partial<SchedV5>): Promise<number> => {
        const r = await call(`--in ${v5(s)} set_sched 3061`);
        return r.ret < 0 ? r.errno : 0;
      };
      expect(await set({ mask: VXSM.INTERVAL, interval: [0, 0] })).toBe(EINVAL);
      expect(await set({ mask: VXSM.INTERVAL, interval: [-4, 0] })).toBe(EINVAL);
      expect(await set({ mask: VXSM.FILL_RATE, fillRate: [0, 0] })).toBe(EINVAL);
      expect(await set({ mask: VXSM.FILL_RATE, fillRate: [-1, 0] })).toBe(EINVAL);
      expect(await set({ mask: VXSM.TOKENS, tokens: -5 })).toBe(EINVAL);
      expect(await set({ mask: VXSM.TOKENS_MAX, tokensMax: 0 })).toBe(EINVAL);
      expect(await set({ mask: VXSM.INTERVAL2, interval: [4, 0] })).toBe(EINVAL);
      expect(await set({ mask: VXSM.CPU_ID, cpuId: 1 })).toBe(EINVAL);
      expect(await set({ mask: VXSM.CPU_ID, cpuId: -1 })).toBe(EINVAL);
      expect(await set({ mask: VXSM.BUCKET_ID, bucketId: 1 })).toBe(EINVAL);
      expect(await set({ mask: VXSM.CPU_ID | VXSM.FILL_RATE, cpuId: 0, fillRate: [2, 0] })).toBe(0);
      // A refused call changed nothing.
      expect(await getSched(3061)).toMatchObject({ fillRate: [2, 0], interval: [4, 0] });
      // tokens_min above tokens_max, and tokens above it, are clamped to tokens_max.
      expect(await set({ mask: VXSM.TOKENS_MIN | VXSM.TOKENS_MAX | VXSM.TOKENS, tokensMin: 100, tokensMax: 50, tokens: 80 })).toBe(0);
      const s = await getSched(3061);
      expect(s.tokensMin).toBe(50);
      expect(s.tokensMax).toBe(50);
      expect(s.tokens).toBeLessThanOrEqual(50);
      for (const cmd of ['set_sched', 'get_sched', 'sched_info', 'set_prio_bias', 'get_prio_bias', 'set_sched_v2', 'set_sched_v3', 'set_sched_v4']) {
        expect((await call(`--badptr ${cmd} 3061`)).errno, cmd).toBe(EFAULT);
      }
      expect((await call(`--in ${i32s(1, 0)} --out 8 get_prio_bias 3061`)).errno).toBe(EINVAL);
      expect((await call(`--in ${i32s(0, 1)}${'00'.repeat(32)} --out 40 sched_info 3061`)).errno).toBe(EINVAL);
      // No such context.
      expect((await call(`--in ${v5({ mask: VXSM.FILL_RATE, fillRate: [1, 0] })} set_sched 3069`)).name).toBe('ESRCH');
    } finally {
      await stop(3061);
    }
  });

  it('vsched sets the bucket from options (also --xid self from inside), from --dir D with a per-CPU subdirectory; errors exit 255', async () => {
    try {
      await burner(3071);
      await h.succeed('vsched --xid 3071 --fill-rate 2 --interval 8 --tokens-min 10 --tokens-max 100 --prio-bias 3');
      expect(await getSched(3071)).toMatchObject({ fillRate: [2, 0], interval: [8, 0], tokensMin: 10, tokensMax: 100, prioBias: 3 });
      await h.succeed(
        'rm -rf /tmp/sd && mkdir -p /tmp/sd/0 && echo 3 >/tmp/sd/fill-rate && echo 9 >/tmp/sd/interval && echo 40 >/tmp/sd/tokens-max && echo -2 >/tmp/sd/priority-bias && echo 0 >/tmp/sd/0/cpu-id && echo 4 >/tmp/sd/0/tokens-min',
      );
      expect((await h.guest.shell.run('vsched --xid 3071 --dir /tmp/sd')).exitCode).toBe(0);
      expect(await getSched(3071)).toMatchObject({ fillRate: [3, 0], interval: [9, 0], tokensMin: 4, tokensMax: 40, prioBias: -2 });
      expect((await h.guest.shell.run('vsched --xid 3071 --dir /tmp/nonexistent')).exitCode).toBe(255);
      expect((await h.guest.shell.run('vsched --xid 3071 --dir /tmp/nonexistent --missingok')).exitCode).toBe(0);
      expect((await h.guest.shell.run('vsched --xid 3071 --interval 0')).exitCode).toBe(255);
      expect((await h.guest.shell.run('vsched --xid 3071 --interval x')).exitCode).toBe(255);
      expect((await h.guest.shell.run('vsched --fill-rate 1')).exitCode).toBe(255);
      expect((await h.guest.shell.run('vsched --xid 3071')).exitCode).toBe(255);
    } finally {
      await stop(3071);
    }
  });

  it('vsched --xid self inside the context set the values it read back from there', async () => {
    try {
      await burner(3081);
      const out = (
        await h.succeed(
          `vcontext --migrate --xid 3081 -- sh -c 'vsched --xid self --fill-rate 5 --interval 11 && vsyscall --in ${v5({})} --out 44 get_sched -2'`,
        )
      ).stdout;
      const hex = /^out=([0-9a-f]+)$/m.exec(out)?.[1] ?? '';
      expect(parseV5(Buffer.from(hex, 'hex'))).toMatchObject({ fillRate: [5, 0], interval: [11, 0] });
    } finally {
      await stop(3081);
    }
  });
});
