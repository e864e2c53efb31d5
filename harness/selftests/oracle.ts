/**
 * The four runs of the selftest oracle and their verdict (verdict.ts), shared by `vslab selftests`
 * and tests/selftests/: vanilla, vserver in the host context, vserver-off, vserver inside a guest.
 *
 * A comparison under emulation meets timing noise (the timers collection measures latencies on a
 * TCG-emulated, shared machine): a test that passed on vanilla and not on the patched kernel is run
 * again, on both, in one more boot of each. It counts as a regression only if it passes on vanilla
 * and fails on the patched kernel again; otherwise it is reported as flaky, with both outcomes.
 * A guest difference that the expectations do not explain is run again the same way, in the host
 * context and in the guest: it counts only if the two differ again (on i386 seccomp_benchmark,
 * whose calibration makes its run time the emulator's, once timed out in the host context alone).
 */
import type { Variant } from '../build/kernel-config.ts';
import type { Progress } from '../build/step.ts';
import type { Arch, BackendName } from '../machine/machine.ts';
import type { KtapStatus } from './ktap.ts';
import { runSelftests, type RunPlace, type SelftestRun, type SelftestRunOptions } from './run.ts';
import { readGuestExpectations, verdict, type GuestDifference, type Regression, type Verdict } from './verdict.ts';

export interface OracleOptions {
  arch?: Arch;
  backend?: BackendName;
  only?: readonly string[];
  /** Leave out the run inside a guest (the host-context comparison only). */
  hostOnly?: boolean;
  progress?: Progress;
  onRun?: (run: SelftestRun) => void;
  /** What makes one run (default runSelftests; the unit tests give recorded runs). */
  runner?: (opts: SelftestRunOptions) => Promise<SelftestRun>;
}

export interface Flaky {
  id: string;
  run: string;
  /** The statuses on the first pass and on the rerun. */
  first: { baseline: KtapStatus; other: KtapStatus | 'missing' };
  rerun: { baseline: KtapStatus | 'missing'; other: KtapStatus | 'missing' };
}

export interface OracleResult {
  runs: { vanilla: SelftestRun; vserver: SelftestRun; vserverOff: SelftestRun; guest?: SelftestRun };
  verdict: Verdict;
  flaky: Flaky[];
}

const statusIn = (run: SelftestRun, id: string): KtapStatus | 'missing' => run.results.find((r) => r.id === id)?.status ?? 'missing';

/** Reruns the regressed tests of one run on vanilla and on that run's kernel; keeps the confirmed ones. */
async function confirm(regs: Regression[], variant: Variant, place: RunPlace, opts: OracleOptions, flaky: Flaky[]): Promise<Regression[]> {
  if (regs.length === 0) return regs;
  const ids = regs.map((r) => r.id);
  const run = opts.runner ?? runSelftests;
  const base = await run({ arch: opts.arch, backend: opts.backend, variant: 'vanilla', place: 'host', only: ids, progress: opts.progress });
  const again = await run({ arch: opts.arch, backend: opts.backend, variant, place, only: ids, progress: opts.progress });
  const kept: Regression[] = [];
  for (const r of regs) {
    const b = statusIn(base, r.id);
    const o = statusIn(again, r.id);
    if (b === 'pass' && o !== 'pass') kept.push(r);
    else flaky.push({ id: r.id, run: r.run, first: { baseline: r.expected, other: r.got }, rerun: { baseline: b, other: o } });
  }
  return kept;
}

/** Reruns unexplained guest differences in the host context and in the guest; keeps those that differ again. */
async function confirmGuest(diffs: GuestDifference[], opts: OracleOptions, flaky: Flaky[]): Promise<GuestDifference[]> {
  if (diffs.length === 0) return diffs;
  const ids = diffs.map((d) => d.id);
  const run = opts.runner ?? runSelftests;
  const host = await run({ arch: opts.arch, backend: opts.backend, variant: 'vserver', place: 'host', only: ids, progress: opts.progress });
  const guest = await run({ arch: opts.arch, backend: opts.backend, variant: 'vserver', place: 'guest', only: ids, progress: opts.progress });
  const kept: GuestDifference[] = [];
  for (const d of diffs) {
    const h = statusIn(host, d.id);
    const g = statusIn(guest, d.id);
    if (h !== g) kept.push(d);
    else flaky.push({ id: d.id, run: 'vserver/guest', first: { baseline: d.host, other: d.guest }, rerun: { baseline: h, other: g } });
  }
  return kept;
}

export async function runOracle(opts: OracleOptions = {}): Promise<OracleResult> {
  const one = async (variant: Variant, place: RunPlace): Promise<SelftestRun> => {
    opts.progress?.(`selftests: ${variant}/${place}`);
    const run = await (opts.runner ?? runSelftests)({ arch: opts.arch, backend: opts.backend, variant, place, only: opts.only, progress: opts.progress });
    opts.onRun?.(run);
    return run;
  };
  const vanilla = await one('vanilla', 'host');
  const vserver = await one('vserver', 'host');
  const vserverOff = await one('vserver-off', 'host');
  const guest = opts.hostOnly === true ? undefined : await one('vserver', 'guest');
  const first = verdict({ vanilla, vserver, vserverOff, guest }, await readGuestExpectations());
  const flaky: Flaky[] = [];
  const confirmed: Awaited<ReturnType<typeof confirm>> = [];
  for (const variant of ['vserver', 'vserver-off'] as const) {
    confirmed.push(
      ...(await confirm(
        first.regressions.filter((r) => r.run === `${variant}/host`),
        variant,
        'host',
        opts,
        flaky,
      )),
    );
  }
  const unexplained = await confirmGuest(first.unexplained, opts, flaky);
  const aborted = [vanilla, vserver, vserverOff, guest].some((r) => r?.aborted !== undefined);
  const v: Verdict = { ...first, regressions: confirmed, unexplained, ok: confirmed.length === 0 && unexplained.length === 0 && !aborted };
  return { runs: { vanilla, vserver, vserverOff, guest }, verdict: v, flaky };
}
