/**
 * bench:overhead — PAPER §8: does the patch cost anything? The same guest benchmark program
 * (vsbench: null syscall, stat, open/close, file create/delete, fork+exit, fork+exec, pipe round
 * trip, context switch, page fault, TCP loopback round trip, and three small macro loads) runs in
 * three modes side by side in one run: the vanilla kernel, the patched kernel in the host context,
 * and the patched kernel inside a guest (a security context plus a network context). Both kernels
 * stay booted; every round measures each mode once, in a rotated order, so drift of the host
 * spreads over all modes. Reported: the median time per operation and its ratio to vanilla.
 * A benchmark, not a test: it reports figures, it asserts nothing.
 *
 *   vslab bench overhead [--rounds N --time MS --backend qemu|v86 --only null,fork --json --kcidb FILE]
 *
 * (`vslab bench overhead --help` lists the options; `npm run bench:overhead --` is the same.)
 * --kcidb FILE also writes the medians as a KCIDB v5.3 document (bench/kcidb.ts).
 */
import type { Variant } from '../build/kernel-config.ts';
import { UsageError } from '../errors.ts';
import { backendOption, jsonOption, kcidbOption } from '../cli/args.ts';
import { defineCommand, type Values } from '../cli/command.ts';
import type { BackendName } from '../machine/machine.ts';
import { bootGuest, type Guest } from '../session.ts';
import { runKcidb, writeKcidb } from '../report/kcidb-context.ts';
import { overheadTests } from './kcidb.ts';
import { formatTable, median } from './stats.ts';
import { BENCH_ADDR, MACRO, MICRO, MODES, modeVariant, parseVsbench, vsbenchCommand, type Mode } from './vsbench.ts';

interface Options {
  rounds: number;
  timeMs: number;
  backend: BackendName;
  micro: string[];
  macro: typeof MACRO;
  json: boolean;
  /** QEMU -icount shift: guest time counts instructions, so figures ignore host load. */
  icount?: number;
  /** Also write the figures as a KCIDB v5.3 document here. */
  kcidb?: string;
}

const KNOWN = [...MICRO, ...MACRO.map((m) => m.name)];

export const overheadCommand = defineCommand({
  program: 'vslab bench overhead',
  summary: 'the patch\'s cost per operation: vanilla, patched host context, inside a guest',
  about: `Runs vsbench in three modes side by side, a round of each at a time in rotated order, and
prints the median time per operation and its ratio to vanilla. Benchmarks: ${KNOWN.join(', ')}.`,
  options: {
    rounds: { kind: 'int', arg: 'N', min: 1, max: 100, default: 3, help: 'rounds of every mode' },
    time: { kind: 'int', arg: 'MS', min: 1, max: 10_000, default: 200, help: 'time per micro benchmark and round' },
    backend: { ...backendOption, default: 'qemu', help: 'emulator' },
    icount: { kind: 'int', arg: 'SHIFT', max: 10, help: 'QEMU -icount shift: guest time counts instructions (needs --backend qemu)' },
    only: { kind: 'list', arg: 'NAME,…', help: 'run only these benchmarks' },
    json: jsonOption,
    kcidb: kcidbOption,
  },
  run: async (values) => {
    await measureOverhead(options(values));
    return 0;
  },
});

function options(v: Values<typeof overheadCommand.options>): Options {
  const only = v.only ?? KNOWN;
  const unknown = only.filter((n) => !KNOWN.includes(n));
  if (unknown.length > 0) throw new UsageError(`unknown benchmark ${unknown.join(', ')} (known: ${KNOWN.join(', ')})`);
  if (v.icount !== undefined && v.backend !== 'qemu') throw new UsageError('--icount needs --backend qemu');
  return {
    icount: v.icount,
    rounds: v.rounds,
    timeMs: v.time,
    backend: v.backend,
    micro: MICRO.filter((n) => only.includes(n)),
    macro: MACRO.filter((m) => only.includes(m.name)),
    json: v.json,
    kcidb: v.kcidb,
  };
}

type Results = Map<string, Map<Mode, number[]>>;

function record(results: Results, name: string, mode: Mode, nsPerOp: number): void {
  const byMode = results.get(name) ?? new Map<Mode, number[]>();
  results.set(name, byMode);
  byMode.set(mode, [...(byMode.get(mode) ?? []), nsPerOp]);
}

/** One mode's whole suite on its guest; `timeoutMs` leaves room for slow backends. */
async function runSuite(guest: Guest, mode: Mode, o: Options, results: Results): Promise<void> {
  const timeoutMs = 60_000 + 20 * o.timeMs * (o.micro.length + o.macro.length);
  if (o.micro.length > 0) {
    const r = await guest.shell.succeed(vsbenchCommand(mode, `-t ${o.timeMs} -a ${BENCH_ADDR} ${o.micro.join(' ')}`), { timeoutMs });
    for (const s of parseVsbench(r.stdout, o.micro)) record(results, s.name, mode, s.nsPerOp);
  }
  for (const m of o.macro) {
    const r = await guest.shell.succeed(vsbenchCommand(mode, `-t ${o.timeMs} run -- ${m.argv}`), { timeoutMs });
    for (const s of parseVsbench(r.stdout, ['run'])) record(results, m.name, mode, s.nsPerOp);
  }
}

function report(o: Options, results: Results, guests: Map<Variant, Guest>): string {
  const fmt = (ns: number): string => (ns >= 100_000 ? (ns / 1000).toFixed(0) : (ns / 1000).toFixed(2));
  const rows = [...results].map(([name, byMode]) => {
    const base = median(byMode.get('vanilla') ?? []);
    const cells = [name];
    for (const mode of MODES) {
      const m = median(byMode.get(mode) ?? []);
      cells.push(fmt(m));
      if (mode !== 'vanilla') cells.push((m / base).toFixed(2));
    }
    return cells;
  });
  const kernels = [...guests].map(([v, g]) => `${v} ${g.kernel.manifest.key}`).join(', ');
  return [
    `vsbench on i386 under ${o.backend === 'qemu' ? `QEMU${o.icount === undefined ? '' : ` -icount shift=${o.icount} (guest time = instructions)`}` : 'v86'}; ${o.rounds} rounds, each benchmark batched to >= ${o.timeMs} ms; kernels: ${kernels}`,
    'times are µs per operation (medians over the rounds); ratios are against vanilla (1.00 = no overhead)',
    '',
    formatTable(['benchmark', 'vanilla', 'patched', 'ratio', 'in guest', 'ratio'], rows),
  ].join('\n');
}

async function measureOverhead(o: Options): Promise<void> {
  const progress = (m: string): void => {
    process.stderr.write(`[bench] ${m}\n`);
  };
  const guests = new Map<Variant, Guest>();
  const results: Results = new Map();
  try {
    for (const variant of new Set(MODES.map(modeVariant))) guests.set(variant, await bootGuest({ variant, backend: o.backend, icountShift: o.icount, progress }));
    for (let r = 0; r < o.rounds; r++) {
      const order = MODES.map((_, i) => MODES[(i + r) % MODES.length] as Mode);
      for (const mode of order) {
        progress(`round ${r + 1}/${o.rounds}: ${mode}`);
        const guest = guests.get(modeVariant(mode));
        if (guest === undefined) throw new Error(`no guest for ${mode}`);
        await runSuite(guest, mode, o, results);
      }
    }
  } finally {
    for (const g of guests.values()) await g.close();
  }
  if (o.kcidb !== undefined) {
    const keyOf = (mode: Mode): string => guests.get(modeVariant(mode))?.kernel.manifest.key ?? 'unknown';
    const environment = [...guests.values()][0]?.machine.description;
    const path = await writeKcidb(o.kcidb, await runKcidb([...guests.values()].map((g) => g.kernel), overheadTests(results, keyOf, environment)));
    progress(`KCIDB document: ${path}`);
  }
  if (o.json) {
    const out = Object.fromEntries([...results].map(([name, byMode]) => [name, Object.fromEntries(byMode)]));
    process.stdout.write(`${JSON.stringify({ backend: o.backend, icount: o.icount ?? null, rounds: o.rounds, timeMs: o.timeMs, nsPerOp: out }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${report(o, results, guests)}\n`);
}
