/**
 * V86Machine.restore() zeroes only the guest memory below V86_LOW_MEMORY before the saved pages
 * go in, on the ground that a v86 machine made without a kernel has written nothing above it
 * before its first instruction. This checks that ground on the pinned v86 and Debian's SeaBIOS:
 * a machine is made as a restore makes it (harness/machine/v86.ts: v86Options without a boot),
 * and every page of its memory is read.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { V86 } from 'v86';
import { SEABIOS_PATH, V86_LOW_MEMORY, v86Options } from '../../harness/machine/v86.ts';

const PAGE = 4096;

interface Cpu {
  mem8: Uint8Array;
  memory_size: Uint32Array;
}

describe('a v86 machine made for a restore', () => {
  it('has written nothing to guest memory above 1 MiB before it runs', async () => {
    const bios = await readFile(SEABIOS_PATH);
    const options = v86Options(
      { arch: 'i386', kernelPath: '/unused', initrdPath: '/unused' },
      { bios: bios.buffer.slice(bios.byteOffset, bios.byteOffset + bios.byteLength), state: new ArrayBuffer(16) },
    );
    options.wasm_path = join(dirname(createRequire(import.meta.url).resolve('v86')), 'v86.wasm');
    const { V86: V86Class } = await import('v86');
    const emulator: V86 = new V86Class(options);
    try {
      await new Promise<void>((resolve) => emulator.add_listener('emulator-ready', () => resolve()));
      const cpu = (emulator as unknown as { v86?: { cpu?: Cpu } }).v86?.cpu;
      expect(cpu, 'v86 internals (v86.cpu.mem8) not found: V86Machine.restore() relies on them').toBeDefined();
      if (cpu === undefined) return;
      const size = cpu.memory_size[0] ?? 0;
      expect(size).toBe(128 * 1024 * 1024);
      const writtenAbove = (): string[] => {
        const words = new Uint32Array(cpu.mem8.buffer, cpu.mem8.byteOffset, size / 4);
        const pages = new Set<string>();
        for (let i = V86_LOW_MEMORY / 4; i < words.length; i++) if (words[i] !== 0) pages.add((i * 4 - ((i * 4) % PAGE)).toString(16));
        return [...pages];
      };
      // The BIOS is there (the machine is made), and nothing above the low memory is.
      expect(cpu.mem8.subarray(0, V86_LOW_MEMORY).some((b) => b !== 0)).toBe(true);
      expect(writtenAbove()).toEqual([]);
      // Control: a byte written up there is seen.
      cpu.mem8[64 * 1024 * 1024 + 5] = 1;
      expect(writtenAbove()).toEqual(['4000000']);
    } finally {
      await emulator.destroy();
    }
  });
});
