/**
 * The figures of one `vslab bench overhead` run as data: per benchmark and mode the samples and
 * their median as KCIDB-style numbers (value, unit), the ratio to vanilla, and how far the rounds
 * spread around the median. With --icount the guest's time counts instructions, so rounds should
 * agree to AGREEMENT; the report says whether they did. The text table and the HTML page
 * (bench/html.ts) are both drawn from this.
 */
import type { KcidbNumber } from '../report/kcidb.ts';
import { formatTable, median } from './stats.ts';
import { MODES, type BenchMachine, type Mode } from './vsbench.ts';

/** How closely the rounds of one row and mode must agree under --icount (±0.1 %). */
export const AGREEMENT = 0.001;

export const MODE_LABEL: Record<Mode, string> = { vanilla: 'vanilla', off: 'vserver-off', host: 'host', busy: 'host+guest', guest: 'in guest' };

export interface OverheadCell {
  mode: Mode;
  /** Time per operation, median over the rounds. */
  median: KcidbNumber;
  samples: KcidbNumber[];
  /** median / vanilla's median (1 = no overhead); absent for vanilla itself. */
  ratio?: number;
  /** Lowest and highest sample as a ratio to vanilla's median. */
  ratioRange?: [number, number];
  /** Largest |sample / median − 1| over the rounds. */
  spread: number;
}

export interface OverheadRow {
  benchmark: string;
  cells: OverheadCell[];
}

export interface OverheadReport {
  arch: 'i386';
  backend: string;
  icount: number | null;
  rounds: number;
  timeMs: number;
  machines: Partial<Record<BenchMachine, { variant: string; key: string }>>;
  rows: OverheadRow[];
  /** The row and mode whose rounds spread most, and whether every one kept within AGREEMENT. */
  agreement: { limit: number; within: boolean; worst?: { benchmark: string; mode: Mode; spread: number } };
}

export interface OverheadRun {
  backend: string;
  icount: number | null;
  rounds: number;
  timeMs: number;
  machines: OverheadReport['machines'];
  /** Nanoseconds per operation: benchmark → mode → one sample per round. */
  results: ReadonlyMap<string, ReadonlyMap<Mode, readonly number[]>>;
}

const ns = (value: number): KcidbNumber => ({ value: value / 1e9, unit: 's', prefix: 'metric' });

export function overheadReport(run: OverheadRun): OverheadReport {
  const rows: OverheadRow[] = [];
  let worst: OverheadReport['agreement']['worst'];
  for (const [benchmark, byMode] of run.results) {
    const base = median(byMode.get('vanilla') ?? []);
    const cells: OverheadCell[] = [];
    for (const mode of MODES) {
      const samples = byMode.get(mode);
      if (samples === undefined || samples.length === 0) continue;
      const m = median(samples);
      const spread = Math.max(...samples.map((s) => Math.abs(s / m - 1)));
      const cell: OverheadCell = { mode, median: ns(m), samples: samples.map(ns), spread };
      if (mode !== 'vanilla' && Number.isFinite(base)) {
        cell.ratio = m / base;
        cell.ratioRange = [Math.min(...samples) / base, Math.max(...samples) / base];
      }
      cells.push(cell);
      if (worst === undefined || spread > worst.spread) worst = { benchmark, mode, spread };
    }
    rows.push({ benchmark, cells });
  }
  return {
    arch: 'i386',
    backend: run.backend,
    icount: run.icount,
    rounds: run.rounds,
    timeMs: run.timeMs,
    machines: run.machines,
    rows,
    agreement: { limit: AGREEMENT, within: worst === undefined || worst.spread <= AGREEMENT, worst },
  };
}

const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;

/** One line on how well the rounds agreed. */
export function agreementLine(r: OverheadReport): string {
  const w = r.agreement.worst;
  if (w === undefined) return 'no samples';
  const where = `${w.benchmark} ${MODE_LABEL[w.mode]}`;
  if (r.rounds < 2) return 'one round: agreement between rounds not measured';
  return r.agreement.within
    ? `every row's ${r.rounds} rounds agree within ±${pct(r.agreement.limit)} (widest: ${where}, ±${pct(w.spread)})`
    : `rounds do NOT all agree within ±${pct(r.agreement.limit)}: widest ${where}, ±${pct(w.spread)}${r.icount === null ? ' (no --icount: host load shows)' : ''}`;
}

/** The plain-text table the command prints. */
export function overheadText(r: OverheadReport): string {
  const fmt = (s: number): string => (s >= 1e-4 ? (s * 1e6).toFixed(0) : (s * 1e6).toFixed(2));
  const modes = MODES.filter((m) => r.rows.some((row) => row.cells.some((c) => c.mode === m)));
  const rows = r.rows.map((row) => {
    const out = [row.benchmark];
    for (const mode of modes) {
      const c = row.cells.find((x) => x.mode === mode);
      out.push(c === undefined ? '' : fmt(c.median.value));
      if (mode !== 'vanilla') out.push(c?.ratio === undefined ? '' : c.ratio.toFixed(3));
    }
    return out;
  });
  const header = ['benchmark', ...modes.flatMap((m) => (m === 'vanilla' ? [MODE_LABEL[m]] : [MODE_LABEL[m], 'ratio']))];
  const machines = Object.entries(r.machines)
    .map(([m, k]) => `${m} = ${k.variant} ${k.key}`)
    .join(', ');
  const emulator = r.backend === 'qemu' ? `QEMU${r.icount === null ? '' : ` -icount shift=${r.icount} (guest time = instructions)`}` : r.backend;
  return [
    `vsbench on ${r.arch} under ${emulator}; ${r.rounds} rounds, each benchmark batched to >= ${r.timeMs} ms`,
    `machines: ${machines}`,
    'times are µs per operation (medians over the rounds); ratios are against vanilla (1.000 = no overhead)',
    'modes: vserver-off = patched tree without CONFIG_VSERVER; host = patched, host context, no context since boot;',
    '       host+guest = patched, host context, a guest asleep beside it; in guest = inside a security + network context',
    agreementLine(r),
    '',
    formatTable(header, rows),
  ].join('\n');
}
