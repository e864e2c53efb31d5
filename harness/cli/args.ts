/** The options that several commands share, declared once (command.ts), and the boot options they make. */
import { KNOWN_VARIANTS } from '../build/kernel-config.ts';
import { ARCHES } from '../machine/arch.ts';
import { ACCELS, BACKENDS } from '../machine/machine.ts';
import type { BootOptions } from '../guest.ts';
import type { Values } from './command.ts';

export const archOption = { kind: 'enum', values: ARCHES, default: 'i386', help: 'guest architecture' } as const;
export const variantOption = { kind: 'enum', values: KNOWN_VARIANTS, help: 'kernel variant (default vserver)' } as const;
export const backendOption = { kind: 'enum', values: BACKENDS, help: 'emulator (default qemu, or $VSLAB_BACKEND)' } as const;
export const accelOption = { kind: 'enum', values: ACCELS, help: 'QEMU accelerator (auto: KVM if it boots our guests)' } as const;
export const toolsOption = {
  kind: 'path',
  arg: 'DIR',
  help: 'your own static util-vserver binaries: first in the guest PATH (/opt/util-vserver/bin)',
} as const;
export const jsonOption = { kind: 'flag', help: 'print the result as JSON' } as const;
export const ktapOption = { kind: 'flag', help: 'print the result as KTAP v1' } as const;
export const kcidbOption = { kind: 'path', arg: 'FILE', help: 'also write the run as a KCIDB v5.3 document' } as const;
export const htmlOption = { kind: 'path', arg: 'FILE', help: 'also write the figures as an HTML page with plots' } as const;

/** What every command that boots a guest takes. */
export const machineOptions = {
  arch: archOption,
  variant: variantOption,
  backend: backendOption,
  accel: accelOption,
  icount: { kind: 'int', arg: 'SHIFT', max: 10, help: 'QEMU TCG -icount shift (instruction-exact guest time)' },
  memory: { kind: 'int', arg: 'MIB', min: 16, help: 'guest RAM (default 128)' },
  disk: { kind: 'path', arg: 'FILE', help: "a raw disk image (vslab disk): the guest's $VSLAB_DISK (/dev/sda or /dev/vda), its writes stay in FILE" },
  tools: toolsOption,
} as const;

/** Boot options from the shared machine options. */
export function bootOptionsFrom(values: Partial<Values<typeof machineOptions>>): BootOptions {
  return {
    arch: values.arch,
    variant: values.variant,
    backend: values.backend,
    accel: values.accel,
    icountShift: values.icount,
    memoryMiB: values.memory,
    diskPath: values.disk,
    toolsDir: values.tools,
  };
}
