import { describe, expect, it } from 'vitest';
import { UsageError } from '../../harness/errors.ts';
import { NO_DISK_CMDLINE, baseCmdline, type MachineOptions } from '../../harness/machine/machine.ts';
import { V86_VGA_MEMORY, v86Cmdline, v86MemoryMiB, v86Options, v86StateArgs, type V86Files } from '../../harness/machine/v86.ts';

const MIB = 1024 * 1024;
const machine: MachineOptions = { arch: 'i386', kernelPath: '/k/bzImage', initrdPath: '/i/initramfs.cpio' };
const files = (initrdBytes = 4 * MIB): V86Files => ({
  bios: new ArrayBuffer(128 * 1024),
  boot: { bzimage: new ArrayBuffer(MIB), initrd: new ArrayBuffer(initrdBytes) },
});

describe('v86 options from MachineOptions', () => {
  it('gives the guest 128 MiB by default and raises smaller sizes to 128 (initrd sits at 64 MiB)', () => {
    expect(v86Options(machine, files()).memory_size).toBe(128 * MIB);
    expect(v86Options({ ...machine, memoryMiB: 64 }, files()).memory_size).toBe(128 * MIB);
    expect(v86Options({ ...machine, memoryMiB: 256 }, files()).memory_size).toBe(256 * MIB);
    expect(v86MemoryMiB(32)).toBe(128);
  });

  it('refuses an initramfs that does not fit above 64 MiB', () => {
    expect(() => v86Options(machine, files(70 * MIB))).toThrow(UsageError);
    expect(v86Options({ ...machine, memoryMiB: 256 }, files(70 * MIB)).memory_size).toBe(256 * MIB);
  });

  it('boots the shared kernel command line plus tsc=reliable, before the caller extras', () => {
    expect(v86Options(machine, files()).cmdline).toBe(`${baseCmdline()} tsc=reliable ${NO_DISK_CMDLINE}`);
    const cmdline = v86Options({ ...machine, extraCmdline: 'vx.debug=1' }, files()).cmdline ?? '';
    expect(cmdline.startsWith(baseCmdline())).toBe(true);
    expect(cmdline.endsWith(`tsc=reliable ${NO_DISK_CMDLINE} vx.debug=1`)).toBe(true);
    expect(v86Cmdline('')).toBe(`${baseCmdline()} tsc=reliable`);
  });

  it('is made stopped when a saved state is to be restored (the machine runs it once restored), else autostarts', () => {
    expect(v86Options(machine, { ...files(), state: new ArrayBuffer(16) }).autostart).toBe(false);
    expect(v86Options(machine, files()).autostart).toBe(true);
  });

  it('keys a saved state by what v86 needs equal to restore it: its version, memory, VGA memory and command line', () => {
    const args = v86StateArgs(machine);
    expect(args).toContain('memory 128');
    expect(args).toContain(`vga ${V86_VGA_MEMORY}`);
    expect(args).toContain(`cmdline ${baseCmdline()} tsc=reliable ${NO_DISK_CMDLINE}`);
    expect(v86StateArgs({ ...machine, memoryMiB: 256 })).not.toEqual(args);
    expect(v86StateArgs({ ...machine, extraCmdline: 'vx.debug=1' })).not.toEqual(args);
    expect(args[0]).toMatch(/^v86 \d+\.\d+\.\d+$/);
  });

  it('has no screen, keyboard, mouse or speaker, autostarts and stays quiet', () => {
    const o = v86Options(machine, files());
    expect(o).toMatchObject({
      autostart: true,
      disable_keyboard: true,
      disable_mouse: true,
      disable_speaker: true,
      serial_console: { type: 'none' },
      log_level: 0,
      vga_memory_size: 256 * 1024,
    });
    expect(o.screen).toBeUndefined();
    expect(o.screen_container).toBeUndefined();
    expect(o.hda).toBeUndefined();
    expect(o.net_device).toBeUndefined();
  });

  it('passes BIOS, kernel and initrd as buffers', () => {
    const f = files();
    const o = v86Options(machine, f);
    expect(o.bios).toEqual({ buffer: f.bios });
    expect(o.bzimage).toEqual({ buffer: f.boot?.bzimage });
    expect(o.initrd).toEqual({ buffer: f.boot?.initrd });
  });

  it('makes a machine for a restore without kernel and initrd (they are in the saved memory), and refuses one with neither', () => {
    const state = new ArrayBuffer(16);
    const o = v86Options(machine, { bios: new ArrayBuffer(8), state });
    expect(o.bzimage).toBeUndefined();
    expect(o.initrd).toBeUndefined();
    expect(o.autostart).toBe(false);
    expect(() => v86Options(machine, { bios: new ArrayBuffer(8) })).toThrow(/needs a kernel and initramfs to boot, or a saved state/);
  });

  it('refuses x86_64 (v86 is a 32-bit PC)', () => {
    expect(() => v86Options({ ...machine, arch: 'x86_64' }, files())).toThrow(UsageError);
  });
});
