/**
 * Benchmark figures as KCIDB tests (npm run bench:overhead|bench:boot -- --kcidb FILE): each
 * figure is a test with status DONE (it ran and measured, it judges nothing) and the median as its
 * `number`, in seconds with a metric prefix so KCIDB shows µs and ms. A path names what was
 * measured, never the kernel: the build says which kernel, so KCIDB compares one path across
 * builds (vanilla mode is the host context on the vanilla kernel: `…overhead.null.host` on both).
 */
import type { KcidbNumber, TestFacts } from '../report/kcidb.ts';
import { median } from './stats.ts';
import type { Mode } from './vsbench.ts';

const seconds = (value: number): KcidbNumber => ({ value, unit: 's', prefix: 'metric' });

/**
 * The place a mode measures in: the host context (of the vanilla, vserver-off or patched kernel:
 * the build tells them apart), the host context beside a running guest, or a guest.
 */
const PLACE: Record<Mode, string> = { vanilla: 'host', off: 'host', host: 'host', busy: 'host_beside_guest', guest: 'guest' };
const placeOf = (mode: Mode): string => PLACE[mode];

/** bench:overhead: nanoseconds per operation by benchmark and mode, each on its mode's build. */
export function overheadTests(
  results: ReadonlyMap<string, ReadonlyMap<Mode, readonly number[]>>,
  buildKeyOf: (mode: Mode) => string,
  environment?: string,
): TestFacts[] {
  const out: TestFacts[] = [];
  for (const [name, byMode] of results) {
    const base = median(byMode.get('vanilla') ?? []);
    for (const [mode, ns] of byMode) {
      const m = median(ns);
      out.push({
        path: ['bench', 'overhead', name, placeOf(mode)],
        buildKey: buildKeyOf(mode),
        status: 'DONE',
        number: seconds(m / 1e9),
        comment: `${name} in mode ${mode}: median time per operation`,
        environment,
        misc: { mode, samples_ns: [...ns], ...(mode !== 'vanilla' && Number.isFinite(base) ? { ratio_to_vanilla: m / base } : {}) },
      });
    }
  }
  return out;
}

export interface BootRow {
  /** "qemu tcg", "qemu kvm", "v86". */
  backend: string;
  variant: string;
  bootMs: readonly number[];
  /** Restores from a snapshot of the freshly booted guest (empty where there are none: v86). */
  restoreMs?: readonly number[];
  roundTripMs: readonly number[];
}

/** bench:boot: boot-to-shell time and command round trip per backend, each on its variant's build. */
export function bootTests(rows: readonly BootRow[], buildKeyOf: (variant: string) => string): TestFacts[] {
  return rows.flatMap((r) =>
    [
      { name: 'boot', what: 'boot to shell', ms: r.bootMs },
      { name: 'restore', what: 'snapshot restore to shell', ms: r.restoreMs ?? [] },
      { name: 'round_trip', what: 'command round trip', ms: r.roundTripMs },
    ]
      .filter((f) => f.ms.length > 0)
      .map((f) => ({
        path: ['bench', 'boot', r.backend, f.name],
        buildKey: buildKeyOf(r.variant),
        status: 'DONE' as const,
        number: seconds(median(f.ms) / 1000),
        comment: `${f.what} on ${r.backend}: median of ${f.ms.length}`,
        environment: r.backend,
        misc: { samples_ms: [...f.ms] },
      })),
  );
}
