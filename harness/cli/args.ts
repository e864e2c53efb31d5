/** Shared option parsing for the CLI: strict (unknown options are errors), typed values. */
import { ARCHES, isArch } from '../machine/arch.ts';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.ts';
import type { Variant } from '../build/kernel-config.ts';
import { KNOWN_VARIANTS } from '../build/kernel-config.ts';
import type { Accel, Arch, BackendName } from '../machine/machine.ts';
import type { BootOptions } from '../session.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parse(argv: string[], options: Options, allowPositionals = false): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals, strict: true });
    return { values: r.values as Record<string, string | boolean | string[] | undefined>, positionals: r.positionals };
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0] ?? String(err), { cause: err });
  }
}

export const machineOptions: Options = {
  arch: { type: 'string' },
  variant: { type: 'string' },
  backend: { type: 'string' },
  accel: { type: 'string' },
  icount: { type: 'string' },
  memory: { type: 'string' },
  disk: { type: 'string' },
  tools: { type: 'string' },
};

export function archOf(v: unknown): Arch {
  if (v === undefined) return 'i386';
  if (typeof v === 'string' && isArch(v)) return v;
  throw new UsageError(`--arch must be one of ${ARCHES.join(', ')}, not "${String(v)}"`);
}

export function variantOf(v: unknown, fallback: Variant = 'vserver'): Variant {
  if (v === undefined) return fallback;
  if (typeof v === 'string' && (KNOWN_VARIANTS as readonly string[]).includes(v)) return v as Variant;
  throw new UsageError(`--variant must be one of ${KNOWN_VARIANTS.join(', ')}, not "${String(v)}"`);
}

export function backendOf(v: unknown): BackendName | undefined {
  if (v === undefined) return undefined;
  if (v === 'qemu' || v === 'v86') return v;
  throw new UsageError(`--backend must be qemu or v86, not "${String(v)}"`);
}

export function accelOf(v: unknown): Accel | undefined {
  if (v === undefined) return undefined;
  if (v === 'auto' || v === 'kvm' || v === 'tcg') return v;
  throw new UsageError(`--accel must be auto, kvm or tcg, not "${String(v)}"`);
}

export function intOf(name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < 0) throw new UsageError(`--${name} takes a non-negative whole number, not "${String(v)}"`);
  return n;
}

/** Boot options from the shared machine options (--arch, --variant, --backend, --accel, --icount, --memory, --disk, --tools). */
export function bootOptionsFrom(values: Record<string, unknown>): BootOptions {
  return {
    arch: archOf(values['arch']),
    variant: variantOf(values['variant']),
    backend: backendOf(values['backend']),
    accel: accelOf(values['accel']),
    icountShift: intOf('icount', values['icount']),
    memoryMiB: intOf('memory', values['memory']),
    diskPath: typeof values['disk'] === 'string' ? resolve(values['disk']) : undefined,
    toolsDir: typeof values['tools'] === 'string' ? resolve(values['tools']) : undefined,
  };
}
