/**
 * Decides whether KVM can run our guests. /dev/kvm existing is not enough (some hosts offer a
 * KVM that triple-faults a 32-bit kernel), so with accel "auto" we try: boot the very kernel
 * and initramfs under KVM, with the argument vector QemuMachine would use, and wait for the
 * guest agent's ready marker. It lives above machine/ because it reads the console protocol. The verdict is cached per host
 * kernel, QEMU binary and guest kernel in ~/.cache/vslab/kvm-probe.json.
 * VSLAB_ACCEL=kvm|tcg overrides the choice.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { cacheRoot } from './paths.ts';
import { READY_MARKER } from './console/protocol.ts';
import { archInfo } from './machine/arch.ts';
import type { MachineOptions } from './machine/machine.ts';
import { QemuMachine } from './machine/qemu.ts';

const PROBE_TIMEOUT_MS = 20_000;
const memo = new Map<string, Promise<boolean>>();

async function kvmDeviceUsable(): Promise<boolean> {
  try {
    await access('/dev/kvm', constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

async function probeKey(opts: MachineOptions, bin: string): Promise<string> {
  const k = await stat(opts.kernelPath);
  return createHash('sha256')
    .update([release(), bin, opts.kernelPath, String(k.size), String(k.mtimeMs)].join('\0'))
    .digest('hex')
    .slice(0, 16);
}

async function bootsUnderKvm(opts: MachineOptions, bin: string): Promise<boolean> {
  const args = QemuMachine.args({ ...opts, diskPath: undefined, icountShift: undefined }, 'kvm');
  const child = execa('setpriv', ['--pdeathsig', 'KILL', bin, ...args], { stdin: 'pipe', buffer: false, reject: false });
  let seen = '';
  const ok = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
    child.stdout?.on('data', (c: Buffer) => {
      seen = (seen + c.toString('latin1')).slice(-4096);
      if (seen.includes(READY_MARKER)) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    void child.then(() => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  child.kill('SIGKILL');
  await child;
  return ok;
}

export async function resolveAccel(opts: MachineOptions): Promise<'kvm' | 'tcg'> {
  const forced = process.env['VSLAB_ACCEL'];
  const want = forced === 'kvm' || forced === 'tcg' ? forced : (opts.accel ?? 'auto');
  if (want !== 'auto') return want;
  if (opts.icountShift !== undefined) return 'tcg';
  if (!(await kvmDeviceUsable())) return 'tcg';
  if (!archInfo(opts.arch).kvm) return 'tcg'; // no KVM for ARM guests on an x86 host
  const bin = archInfo(opts.arch).qemu;
  const key = await probeKey(opts, bin);
  let p = memo.get(key);
  if (p === undefined) {
    p = (async () => {
      const file = join(cacheRoot(), 'kvm-probe.json');
      let table: Record<string, boolean> = {};
      try {
        table = JSON.parse(await readFile(file, 'utf8')) as Record<string, boolean>;
      } catch {
        // no cache yet
      }
      const cached = table[key];
      if (cached !== undefined) return cached;
      const ok = await bootsUnderKvm(opts, bin);
      table[key] = ok;
      await mkdir(cacheRoot(), { recursive: true });
      await writeFile(file, JSON.stringify(table, null, 2));
      return ok;
    })();
    memo.set(key, p);
  }
  return (await p) ? 'kvm' : 'tcg';
}
