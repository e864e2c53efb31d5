/**
 * bench:boot — boot-to-shell time, snapshot restore time and command round trip, side by side in
 * one run, for the vanilla and the vserver kernel on every backend that works here (QEMU TCG, QEMU
 * KVM when it boots our guest, v86). Boots are real boots (snapshot: false); restores come
 * from the snapshot of the same machine (harness/machine/snapshot.ts), made first if missing. A
 * benchmark, not a test: it reports figures, it asserts nothing.
 *
 *   vslab bench boot [--boots N --commands N --json --no-v86 --kcidb FILE --html FILE]   (or npm run bench:boot --)
 *
 * --kcidb FILE also writes the medians as a KCIDB v5.3 document (bench/kcidb.ts).
 */
import { writeFile } from 'node:fs/promises';
import { htmlOption, jsonOption, kcidbOption } from '../cli/args.ts';
import { defineCommand, type Values } from '../cli/command.ts';
import { buildGuestImage } from '../build/guest-image.ts';
import { buildKernel } from '../build/kernel.ts';
import type { Variant } from '../build/kernel-config.ts';
import { resolveAccel } from '../accel.ts';
import type { Accel, BackendName } from '../machine/machine.ts';
import { bootGuest, type Guest } from '../guest.ts';
import { QemuMachine } from '../machine/qemu.ts';
import { runKcidb, writeKcidb } from '../report/kcidb-context.ts';
import { bootHtml, chartJsSource } from './html.ts';
import { bootTests } from './kcidb.ts';
import { formatTable, median } from './stats.ts';

interface Row {
  backend: string;
  variant: Variant;
  /** Real boots (snapshot: false). */
  bootMs: number[];
  /** Restores from a snapshot of the same machine freshly booted. */
  restoreMs: number[];
  /**
   * CPU time QEMU used until the guest was ready, for each boot and each restore (empty on v86):
   * on a busy host the fairer comparison of the two.
   */
  bootCpuMs: number[];
  restoreCpuMs: number[];
  roundTripMs: number[];
}

async function measure(backend: BackendName, accel: Accel, variant: Variant, boots: number, commands: number): Promise<Row> {
  const row: Row = {
    backend: backend === 'qemu' ? `qemu ${accel}` : 'v86',
    variant,
    bootMs: [],
    restoreMs: [],
    bootCpuMs: [],
    restoreCpuMs: [],
    roundTripMs: [],
  };
  const cpu = async (g: Guest, into: number[]): Promise<void> => {
    const ms = g.machine instanceof QemuMachine ? await g.machine.cpuMs() : undefined;
    if (ms !== undefined) into.push(ms);
  };
  for (let b = 0; b < boots; b++) {
    const guest = await bootGuest({ backend, accel, variant, snapshot: false });
    try {
      row.bootMs.push(guest.bootMs);
      await cpu(guest, row.bootCpuMs);
      if (b === 0) {
        await guest.shell.succeed('true'); // warm the page cache of the tools
        for (let i = 0; i < commands; i++) row.roundTripMs.push((await guest.shell.run('true')).durationMs);
      }
    } finally {
      await guest.close();
    }
  }
  {
    // The first may boot and save the snapshot; the restores come after it.
    const first = await bootGuest({ backend, accel, variant, snapshot: true });
    await first.close();
    for (let b = 0; b < boots; b++) {
      const guest = await bootGuest({ backend, accel, variant, snapshot: true });
      try {
        if (!guest.restored) throw new Error(`${row.backend} ${variant}: the guest was booted, not restored from its snapshot`);
        row.restoreMs.push(guest.bootMs);
        await cpu(guest, row.restoreCpuMs);
      } finally {
        await guest.close();
      }
    }
  }
  return row;
}

export const bootCommand = defineCommand({
  program: 'vslab bench boot',
  summary: 'boot-to-shell time, snapshot restore time and command round trip per backend and kernel',
  about: 'Boots the vanilla and the vserver kernel on every backend that works here and reports boot time, snapshot restore time and round trips.',
  options: {
    boots: { kind: 'int', arg: 'N', min: 1, default: 5, help: 'boots per row' },
    commands: { kind: 'int', arg: 'N', min: 1, default: 100, help: 'round trips per row (on the first boot)' },
    'no-v86': { kind: 'flag', help: 'leave v86 out' },
    json: jsonOption,
    kcidb: kcidbOption,
    html: htmlOption,
  },
  run: async (values) => {
    await benchBoot(values);
    return 0;
  },
});

async function benchBoot(values: Values<typeof bootCommand.options>): Promise<void> {
  const { boots, commands } = values;
  const variants: Variant[] = ['vanilla', 'vserver'];
  const progress = (m: string): void => {
    process.stderr.write(`[bench] ${m}\n`);
  };
  const kernels = await Promise.all(variants.map(async (v) => buildKernel({ arch: 'i386', variant: v, progress })));
  const image = await buildGuestImage('i386', progress);
  const probe = kernels[0];
  const kvmOk = probe !== undefined && (await resolveAccel({ arch: 'i386', kernelPath: probe.image, initrdPath: image.path, accel: 'auto' })) === 'kvm';
  const setups: Array<{ backend: BackendName; accel: Accel }> = [{ backend: 'qemu', accel: 'tcg' }];
  if (kvmOk) setups.push({ backend: 'qemu', accel: 'kvm' });
  if (!values['no-v86']) setups.push({ backend: 'v86', accel: 'auto' });
  const rows: Row[] = [];
  for (const s of setups) {
    for (const v of variants) {
      progress(`${s.backend} ${s.accel} ${v}: ${boots} boots, ${commands} commands`);
      rows.push(await measure(s.backend, s.accel, v, boots, commands));
    }
  }
  if (values.kcidb !== undefined) {
    const keyOf = (variant: string): string => kernels.find((k) => k.variant === variant)?.manifest.key ?? 'unknown';
    const path = await writeKcidb(values.kcidb, await runKcidb(kernels, bootTests(rows, keyOf)));
    progress(`KCIDB document: ${path}`);
  }
  const summary = `i386 guest, ${boots} boots and ${commands} round trips per row; KVM ${kvmOk ? 'usable' : 'not usable here (TCG only)'}`;
  if (values.html !== undefined) {
    await writeFile(values.html, bootHtml(rows, summary, await chartJsSource()));
    progress(`HTML report: ${values.html}`);
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ kvmUsable: kvmOk, rows }, null, 2)}\n`);
    return;
  }
  const baseline = new Map(rows.filter((r) => r.variant === 'vanilla').map((r) => [r.backend, r]));
  const table = rows.map((r) => {
    const base = baseline.get(r.backend);
    const ratio = base === undefined ? '' : (median(r.bootMs) / median(base.bootMs)).toFixed(2);
    const med = (xs: number[], digits = 0): string => (xs.length === 0 ? '' : median(xs).toFixed(digits));
    return [
      r.backend,
      r.variant,
      med(r.bootMs),
      ratio,
      med(r.restoreMs),
      med(r.bootCpuMs),
      med(r.restoreCpuMs),
      med(r.roundTripMs, 2),
      Math.min(...r.roundTripMs).toFixed(2),
    ];
  });
  process.stdout.write(`${summary}\n\n`);
  process.stdout.write(
    `${formatTable(['backend', 'kernel', 'boot ms (median)', 'vs vanilla', 'restore ms (median)', 'boot CPU ms', 'restore CPU ms', 'round trip ms (median)', 'min'], table)}\n`,
  );
}
