/**
 * bench:overhead — PAPER §8: does the patch cost anything? The same guest benchmark program
 * (vsbench: null syscall, stat, open/close, file create/delete, fork+exit, fork+exec, pipe round
 * trip, context switch, page fault, TCP loopback round trip, and three small macro loads) runs in
 * five modes side by side in one run (vsbench.ts: vanilla, vserver-off, the patched host before
 * any context, the patched host beside a guest, inside a guest) on four booted machines; every
 * round measures each mode once, in a rotated order, so drift of the host spreads over all
 * modes. Reported: the median time per operation and its ratio to vanilla.
 * A benchmark, not a test: it reports figures, it asserts nothing.
 *
 *   vslab bench overhead [--rounds N --time MS --backend qemu|v86 --icount S --only null,fork --json --kcidb FILE --html FILE]
 *
 * (`vslab bench overhead --help` lists the options; `npm run bench:overhead --` is the same.)
 * --kcidb FILE also writes the medians as a KCIDB v5.3 document (bench/kcidb.ts); --json prints the
 * report of overhead-report.ts (numbers as value and unit); --html FILE writes it as a page with plots.
 */
import { UsageError } from '../errors.ts';
import { writeFile } from 'node:fs/promises';
import { backendOption, htmlOption, jsonOption, kcidbOption } from '../cli/args.ts';
import { defineCommand, type Values } from '../cli/command.ts';
import type { BackendName } from '../machine/machine.ts';
import { bootGuest, type Guest } from '../guest.ts';
import { runKcidb, writeKcidb } from '../report/kcidb-context.ts';
import { overheadTests } from './kcidb.ts';
import { chartJsSource, overheadHtml } from './html.ts';
import { overheadReport, overheadText } from './overhead-report.ts';
import {
  BENCH_ADDR,
  busyGuestCommand,
  machineVariant,
  MACRO,
  MICRO,
  MODES,
  modeMachine,
  parseVsbench,
  vsbenchCommand,
  type BenchMachine,
  type Mode,
} from './vsbench.ts';

interface Options {
  /** The modes to run, vanilla first. */
  modes: readonly Mode[];
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
  /** Also write an HTML page with plots here. */
  html?: string;
}

const KNOWN = [...MICRO, ...MACRO.map((m) => m.name)];

export const overheadCommand = defineCommand({
  program: 'vslab bench overhead',
  summary: "the patch's cost per operation: vanilla, patched host context, inside a guest",
  about: `Runs vsbench in three modes side by side, a round of each at a time in rotated order, and
prints the median time per operation and its ratio to vanilla. Benchmarks: ${KNOWN.join(', ')}.`,
  options: {
    rounds: { kind: 'int', arg: 'N', min: 1, max: 100, default: 3, help: 'rounds of every mode' },
    time: { kind: 'int', arg: 'MS', min: 1, max: 10_000, default: 200, help: 'time per micro benchmark and round' },
    backend: { ...backendOption, default: 'qemu', help: 'emulator' },
    icount: { kind: 'int', arg: 'SHIFT', max: 10, help: 'QEMU -icount shift: guest time counts instructions (needs --backend qemu)' },
    only: { kind: 'list', arg: 'NAME,…', help: 'run only these benchmarks' },
    modes: { kind: 'list', arg: 'MODE,…', help: `run only these modes (${MODES.join(', ')}; vanilla, the baseline, always runs)` },
    json: jsonOption,
    kcidb: kcidbOption,
    html: htmlOption,
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
  const wanted = v.modes ?? [...MODES];
  const badModes = wanted.filter((m) => !(MODES as readonly string[]).includes(m));
  if (badModes.length > 0) throw new UsageError(`unknown mode ${badModes.join(', ')} (known: ${MODES.join(', ')})`);
  const modes = MODES.filter((m) => m === 'vanilla' || wanted.includes(m));
  return {
    icount: v.icount,
    rounds: v.rounds,
    timeMs: v.time,
    backend: v.backend,
    modes,
    micro: MICRO.filter((n) => only.includes(n)),
    macro: MACRO.filter((m) => only.includes(m.name)),
    json: v.json,
    kcidb: v.kcidb,
    html: v.html,
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

/** Boots one bench machine; the busy one gets its background guest. */
async function bootMachine(machine: BenchMachine, o: Options, progress: (m: string) => void): Promise<Guest> {
  const guest = await bootGuest({ variant: machineVariant(machine), backend: o.backend, icountShift: o.icount, progress });
  if (machine === 'busy') await guest.shell.succeed(busyGuestCommand());
  return guest;
}

async function measureOverhead(o: Options): Promise<void> {
  const progress = (m: string): void => {
    process.stderr.write(`[bench] ${m}\n`);
  };
  const guests = new Map<BenchMachine, Guest>();
  const results: Results = new Map();
  try {
    for (const machine of new Set(o.modes.map(modeMachine))) guests.set(machine, await bootMachine(machine, o, progress));
    for (let r = 0; r < o.rounds; r++) {
      const order = o.modes.map((_, i) => o.modes[(i + r) % o.modes.length] as Mode);
      for (const mode of order) {
        progress(`round ${r + 1}/${o.rounds}: ${mode}`);
        const guest = guests.get(modeMachine(mode));
        if (guest === undefined) throw new Error(`no guest for ${mode}`);
        await runSuite(guest, mode, o, results);
      }
    }
  } finally {
    for (const g of guests.values()) await g.close();
  }
  const kernels = new Map([...guests.values()].map((g) => [g.kernel.manifest.key, g.kernel]));
  if (o.kcidb !== undefined) {
    const keyOf = (mode: Mode): string => guests.get(modeMachine(mode))?.kernel.manifest.key ?? 'unknown';
    const environment = [...guests.values()][0]?.machine.description;
    const path = await writeKcidb(o.kcidb, await runKcidb([...kernels.values()], overheadTests(results, keyOf, environment)));
    progress(`KCIDB document: ${path}`);
  }
  const machines = Object.fromEntries([...guests].map(([m, g]) => [m, { variant: g.kernel.manifest.variant, key: g.kernel.manifest.key }]));
  const r = overheadReport({ backend: o.backend, icount: o.icount ?? null, rounds: o.rounds, timeMs: o.timeMs, machines, results });
  if (o.html !== undefined) {
    await writeFile(o.html, overheadHtml(r, await chartJsSource()));
    progress(`HTML report: ${o.html}`);
  }
  process.stdout.write(o.json ? `${JSON.stringify(r, null, 2)}\n` : `${overheadText(r)}\n`);
}
