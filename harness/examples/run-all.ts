/**
 * Runs a list of examples, booting as few guests as possible: one per kernel variant (and one
 * more with a fresh ext2 disk, the guest's $VSLAB_DISK, for the examples that need one, where
 * the board has a disk controller), in the order the examples come. A guest whose shell broke (a panic, say)
 * is replaced for the rest. Disk copies are deleted when their guest is closed.
 */
import { rm } from 'node:fs/promises';
import type { Variant } from '../build/kernel-config.ts';
import type { KernelArtifact } from '../build/kernel.ts';
import { buildExt2Image, workingCopy } from '../disk/image.ts';
import { archInfo } from '../machine/arch.ts';
import { bootGuest, type BootOptions, type Guest } from '../guest.ts';
import type { RunInfo } from '../report/summary.ts';
import { runExample } from './runner.ts';
import type { Example, ExampleResult } from './types.ts';

export interface RunAllOptions extends Omit<BootOptions, 'variant'> {
  onStart?: (ex: Example, index: number, total: number) => void;
  onResult?: (r: ExampleResult) => void;
  /** Called with each kernel a guest boots (KCIDB's builds). */
  onBoot?: (kernel: KernelArtifact) => void;
}

export async function runExamples(examples: readonly Example[], opts: RunAllOptions = {}): Promise<{ info: RunInfo; results: ExampleResult[] }> {
  const guests = new Map<string, Guest>();
  const disks: string[] = [];
  const results: ExampleResult[] = [];
  let info: RunInfo | undefined;
  const canAttach = archInfo(opts.arch ?? 'i386').disk !== 'none';
  const guestFor = async (variant: Variant, wantsDisk: boolean): Promise<Guest> => {
    const disk = wantsDisk && canAttach;
    const key = `${variant}${disk ? '+disk' : ''}`;
    const have = guests.get(key);
    if (have !== undefined && have.shell.failed === undefined) return have;
    if (have !== undefined) await have.close();
    let diskPath: string | undefined;
    if (disk) {
      diskPath = await workingCopy(await buildExt2Image({ sizeMiB: 16, label: 'vslab-examples' }));
      disks.push(diskPath);
    }
    const g = await bootGuest({ ...opts, variant, diskPath });
    guests.set(key, g);
    opts.onBoot?.(g.kernel);
    return g;
  };
  try {
    for (const [i, ex] of examples.entries()) {
      opts.onStart?.(ex, i, examples.length);
      const guest = await guestFor(ex.variant ?? 'vserver', ex.disk === true);
      info ??= {
        kernelVersion: guest.kernel.manifest.kernelVersion,
        debianVersion: guest.kernel.manifest.debianVersion,
        patchHash: guest.kernel.manifest.patchHash,
        variant: guest.kernel.variant,
        backend: guest.machine.description,
        arch: guest.kernel.arch,
        date: new Date().toISOString(),
      };
      const r: ExampleResult = { ...(await runExample(guest.shell, ex)), variant: guest.kernel.variant };
      results.push(r);
      opts.onResult?.(r);
    }
  } finally {
    for (const g of guests.values()) await g.close();
    for (const d of disks) await rm(d, { force: true });
  }
  if (info === undefined) throw new Error('no examples to run');
  return { info, results };
}
