/**
 * The selftests as a regression oracle (issue #22): what the runs on vanilla, on our patch in the
 * host context, on our patch built with CONFIG_VSERVER=n and on our patch inside a guest must agree
 * on.
 *
 * - Every test that passes on vanilla passes on vserver (host context) and on vserver-off: the
 *   patch leaves mainline behaviour alone. Anything else is a regression.
 * - Inside a guest a test may end differently from the host context only where the guest's
 *   restrictions explain it, and each such difference is written down, with its reason, in the
 *   expectations file (tests/selftests/expectations-guest.json): a difference that is not there
 *   fails, and an entry that no longer happens is reported as stale. An entry holds on every
 *   architecture the selftests build for unless its `arches` names some: one file, since most
 *   differences come from the guest's rules, not the architecture, and the few that do not say so.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Arch } from '../machine/arch.ts';
import { repoRoot } from '../paths.ts';
import type { KtapStatus, SelftestResult } from './ktap.ts';
import type { SelftestRun } from './run.ts';

export const GUEST_EXPECTATIONS_PATH = join(repoRoot, 'tests', 'selftests', 'expectations-guest.json');

export interface GuestExpectation {
  /** The status in the host context and inside the guest. */
  host: KtapStatus;
  guest: KtapStatus;
  /** Which restriction of the guest explains it. */
  reason: string;
  /** The architectures it happens on; absent: all of them. */
  arches?: readonly Arch[];
}

/** Whether an expectation holds for a run on `arch`. */
export function appliesTo(e: GuestExpectation, arch: Arch): boolean {
  return e.arches === undefined || e.arches.includes(arch);
}

export interface GuestExpectations {
  differences: Record<string, GuestExpectation>;
}

export async function readGuestExpectations(path = GUEST_EXPECTATIONS_PATH): Promise<GuestExpectations> {
  const data = JSON.parse(await readFile(path, 'utf8')) as Partial<GuestExpectations>;
  return { differences: data.differences ?? {} };
}

export interface Regression {
  id: string;
  /** The run it regressed in ("vserver/host", "vserver-off/host"). */
  run: string;
  expected: KtapStatus;
  got: KtapStatus | 'missing';
  /** Subtests that passed on the baseline and not here. */
  subtests: string[];
}

export interface GuestDifference {
  id: string;
  host: KtapStatus;
  guest: KtapStatus | 'missing';
  subtests: string[];
  /** The expectation that explains it, if one does. */
  expected?: GuestExpectation;
}

export interface Verdict {
  regressions: Regression[];
  /** Guest differences with an expectation. */
  explained: GuestDifference[];
  /** Guest differences without one: these fail. */
  unexplained: GuestDifference[];
  /** Expectations that did not happen in this run. */
  stale: string[];
  ok: boolean;
}

function byId(results: readonly SelftestResult[]): Map<string, SelftestResult> {
  return new Map(results.map((r) => [r.id, r]));
}

/** Subtests that passed in `base` and end otherwise (or are absent) in `other`. */
export function lostSubtests(base: SelftestResult, other: SelftestResult | undefined): string[] {
  const there = new Map((other?.subtests ?? []).map((s) => [s.name, s.status]));
  return base.subtests.filter((s) => s.status === 'pass' && there.get(s.name) !== 'pass').map((s) => `${s.name}: ${there.get(s.name) ?? 'missing'}`);
}

/** Tests that pass on `baseline` and do not on `other`. */
export function regressions(baseline: SelftestRun, other: SelftestRun): Regression[] {
  const got = byId(other.results);
  const out: Regression[] = [];
  for (const b of baseline.results) {
    if (b.status !== 'pass') continue;
    const o = got.get(b.id);
    if (o?.status === 'pass') continue;
    out.push({ id: b.id, run: `${other.variant}/${other.place}`, expected: 'pass', got: o?.status ?? 'missing', subtests: lostSubtests(b, o) });
  }
  return out;
}

/** How the guest run differs from the host-context run on the same kernel (expectations of its architecture). */
export function guestDifferences(host: SelftestRun, guest: SelftestRun, expectations: GuestExpectations): Pick<Verdict, 'explained' | 'unexplained' | 'stale'> {
  const inGuest = byId(guest.results);
  const explained: GuestDifference[] = [];
  const unexplained: GuestDifference[] = [];
  const seen = new Set<string>();
  for (const h of host.results) {
    const g = inGuest.get(h.id);
    const status = g?.status ?? 'missing';
    if (status === h.status) continue;
    const diff: GuestDifference = { id: h.id, host: h.status, guest: status, subtests: lostSubtests(h, g) };
    const e = expectations.differences[h.id];
    if (e !== undefined && appliesTo(e, host.arch) && e.host === h.status && e.guest === status) {
      diff.expected = e;
      explained.push(diff);
      seen.add(h.id);
    } else {
      unexplained.push(diff);
    }
  }
  const ran = new Set(host.results.map((r) => r.id));
  const stale = Object.entries(expectations.differences)
    .filter(([id, e]) => appliesTo(e, host.arch) && ran.has(id) && !seen.has(id))
    .map(([id]) => id);
  return { explained, unexplained, stale };
}

/** The whole verdict over the four runs (any may be absent: then its comparison is not made). */
export function verdict(
  runs: { vanilla?: SelftestRun; vserver?: SelftestRun; vserverOff?: SelftestRun; guest?: SelftestRun },
  expectations: GuestExpectations,
): Verdict {
  const regs: Regression[] = [];
  if (runs.vanilla !== undefined) {
    if (runs.vserver !== undefined) regs.push(...regressions(runs.vanilla, runs.vserver));
    if (runs.vserverOff !== undefined) regs.push(...regressions(runs.vanilla, runs.vserverOff));
  }
  const g =
    runs.vserver !== undefined && runs.guest !== undefined
      ? guestDifferences(runs.vserver, runs.guest, expectations)
      : { explained: [], unexplained: [], stale: [] };
  const aborted = [runs.vanilla, runs.vserver, runs.vserverOff, runs.guest].some((r) => r?.aborted !== undefined);
  return { regressions: regs, ...g, ok: regs.length === 0 && g.unexplained.length === 0 && !aborted };
}
