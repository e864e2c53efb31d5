/**
 * Kernel configuration from fragments: `make allnoconfig` with KCONFIG_ALLCONFIG set to the
 * concatenated fragments of kernel-patch/config/, then a check that every option the fragments
 * ask for really landed in .config (Kconfig silently drops what it cannot satisfy).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kernelPatchDir } from '../paths.ts';
import type { Arch } from '../machine/machine.ts';

export type Variant = 'vanilla' | 'vserver' | 'vserver-debug' | 'vserver-off' | 'vserver-distro' | 'vserver-kasan';
/** The variants `npm test` and `vslab build --variant all` build. */
export const VARIANTS: readonly Variant[] = ['vanilla', 'vserver', 'vserver-debug', 'vserver-off'];
/**
 * Every variant `--variant` accepts: also `vserver-distro`, our patch in a configuration close to
 * Debian's where it matters for isolation (AppArmor and Yama stacked with vserver, kexec, file
 * handles, user namespaces, bpf, io_uring, userfaultfd, perf events, keyrings, SCTP/MPTCP/
 * UDP-Lite; distro.config). Built on demand only (npm run test:security:distro).
 * And `vserver-kasan` (x86_64 only): vserver-debug plus KASAN, KFENCE, UBSAN, kmemleak and
 * DEBUG_VM (kasan.config), built on demand only (npm run test:sanitize).
 */
export const KNOWN_VARIANTS: readonly Variant[] = [...VARIANTS, 'vserver-distro', 'vserver-kasan'];
/** Variants built for one architecture only. */
export const VARIANT_ARCHES: Partial<Record<Variant, readonly Arch[]>> = { 'vserver-kasan': ['x86_64'] };

/** Whether the variant's tree carries our patch. */
export function isPatched(v: Variant): boolean {
  return v !== 'vanilla';
}

export function fragmentNames(arch: Arch, variant: Variant): string[] {
  const names = ['base.config', `${arch}.config`];
  // i386, where the selftest oracle runs: every variant, vanilla included, shares the mainline
  // options the selftests need, so variants differ only by the patch's own (parity-i386.config).
  if (arch === 'i386') names.push('parity-i386.config');
  if (variant === 'vserver' || variant === 'vserver-debug' || variant === 'vserver-distro' || variant === 'vserver-kasan') names.push('vserver.config');
  if (arch === 'i386' && variant !== 'vanilla' && variant !== 'vserver-off') names.push('vserver-i386.config');
  if (variant === 'vserver-debug' || variant === 'vserver-kasan') names.push('debug.config');
  if (variant === 'vserver-kasan') names.push('kasan.config');
  if (variant === 'vserver-distro') names.push('distro.config', `distro-${arch}.config`);
  return names;
}

export async function readFragments(arch: Arch, variant: Variant): Promise<string> {
  const parts: string[] = [];
  for (const name of fragmentNames(arch, variant)) {
    parts.push(`# --- ${name}\n${await readFile(join(kernelPatchDir, 'config', name), 'utf8')}`);
  }
  return parts.join('\n');
}

/** Option → wanted value ("n" for "is not set"), from fragment text. */
export function parseConfig(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    let m = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) {
      out.set(m[1], m[2]);
      continue;
    }
    m = /^# (CONFIG_[A-Za-z0-9_]+) is not set$/.exec(line);
    if (m?.[1] !== undefined) out.set(m[1], 'n');
  }
  return out;
}

/** Fragment options whose value differs in the resulting .config. */
export function configMismatches(fragments: string, dotConfig: string): string[] {
  const got = parseConfig(dotConfig);
  const bad: string[] = [];
  for (const [opt, want] of parseConfig(fragments)) {
    const have = got.get(opt) ?? 'n';
    if (have !== want) bad.push(`${opt}: wanted ${want}, got ${have}`);
  }
  return bad;
}
