/**
 * The guest initramfs: Debian's busybox-static (applet links are made by init at boot with
 * `busybox --install -s`), our rootfs skeleton (guest-image/rootfs: init, /etc), and our C tools
 * (guest-image/tools, with the console agent vsagent; one static multi-call binary built with the
 * architecture's cross compiler against kernel-patch's uapi headers, one link per tool), and the
 * benchmark program vsbench (guest-image/bench, /usr/bin/vsbench) and the sys_vserver fuzzer vsfuzz
 * (guest-image/fuzz, /usr/bin/vsfuzz). Packed as an uncompressed newc cpio and cached under a hash of all of that.
 */
import { access, lstat, mkdir, readFile, readlink, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { PrerequisiteError } from '../errors.ts';
import { compilerVersion, which } from '../host.ts';
import { archInfo, setupHint, type Arch } from '../machine/arch.ts';
import { cacheRoot, guestImageDir, kernelPatchDir } from '../paths.ts';
import { fetchBusybox } from './busybox.ts';
import { buildCpio, type CpioEntry } from './cpio.ts';
import { hashTree, listTree, newHash, shortDigest } from './hash.ts';
import { runStep, type Progress } from './step.ts';

const RECIPE = 'guest-image-recipe-2';
/** Where the multi-call tool binary and its links live in the guest. */
const TOOL_BINARY = 'usr/lib/vslab/vstool';
const TOOL_LINK_DIR = 'usr/sbin';
/** Applets that live elsewhere: ps is /usr/bin/ps, where util-vserver's vps runs it. */
const TOOL_LINK_DIR_OF: Readonly<Record<string, string>> = { ps: 'usr/bin' };
const toolLink = (name: string): string => `${TOOL_LINK_DIR_OF[name] ?? TOOL_LINK_DIR}/${name}`;
/**
 * A 64-bit guest whose kernel runs 32-bit programs (ArchInfo.compat) also gets that architecture's
 * build of the tools, so tests can reach the kernel's compat entry: on x86_64 the IA-32 one (slot
 * 273 of the 32-bit table), usr/lib/vslab/i386/bin/<tool>; on arm64 the AArch32 one (arm's slot
 * 313), usr/lib/vslab/arm/bin/<tool>.
 */
const compatDir = (compat: Arch): string => `usr/lib/vslab/${compat}`;

export interface GuestImage {
  arch: Arch;
  path: string;
  key: string;
}

export function crossCompiler(arch: Arch): { cc: string; pkg: string } {
  const info = archInfo(arch);
  return { cc: info.guestCc, pkg: info.guestCcPackages };
}

const rootfsDir = (): string => join(guestImageDir, 'rootfs');

/** Tool names: the multi-call applets, as `make applets` in guest-image/tools lists them. */
export async function toolNames(): Promise<string[]> {
  const r = await execa('make', ['-s', '-C', join(guestImageDir, TOOLS.dir), 'applets'], { reject: false });
  if (r.failed) throw new PrerequisiteError('make', `"make applets" failed in guest-image/tools: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** A static guest program built by its directory's Makefile (`make CC=… OUT=…` → OUT/<binary>). */
interface GuestProgram {
  /** Directory under guest-image/ holding the sources and the Makefile. */
  dir: string;
  binary: string;
  /** Also hash kernel-patch's uapi headers (the program includes them). */
  uapi: boolean;
}

const TOOLS: GuestProgram = { dir: 'tools', binary: 'vstool', uapi: true };
/** The benchmark program of PAPER §8 (guest-image/bench), installed as /usr/bin/vsbench. */
const BENCH: GuestProgram = { dir: 'bench', binary: 'vsbench', uapi: false };
/** The seeded sys_vserver fuzzer (guest-image/fuzz), installed as /usr/bin/vsfuzz. */
const FUZZ: GuestProgram = { dir: 'fuzz', binary: 'vsfuzz', uapi: true };

async function buildProgram(arch: Arch, prog: GuestProgram, progress: Progress): Promise<{ binary: string; digest: string }> {
  const { cc, pkg } = crossCompiler(arch);
  if ((await which(cc)) === undefined) throw new PrerequisiteError(cc, `Debian package ${pkg}; ${setupHint(arch)}`);
  const src = join(guestImageDir, prog.dir);
  const h = newHash();
  const nr = archInfo(arch).syscall;
  h.update(`${RECIPE}\0${arch}\0${(await compilerVersion(cc)) ?? cc}\0${nr}\0`);
  await hashTree(h, src);
  await hashTree(h, join(guestImageDir, 'include'));
  if (prog.uapi) await hashTree(h, join(kernelPatchDir, 'files', 'include', 'uapi'));
  const digest = shortDigest(h);
  const out = join(cacheRoot(), `guest-${prog.dir}`, `${arch}-${digest}`);
  const binary = join(out, prog.binary);
  try {
    await access(binary);
    return { binary, digest };
  } catch {
    progress(`guest ${prog.dir} (${arch}): compiling with ${cc}`);
  }
  const tmp = `${out}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    await runStep(`compile guest ${prog.dir} (${arch})`, 'make', ['-C', src, `CC=${cc}`, `OUT=${tmp}`, `VSERVER_NR=${nr}`], {
      logPath: join(cacheRoot(), 'logs', `guest-${prog.dir}-${arch}.log`),
    });
  } catch (err) {
    // The log keeps what failed; a half-made directory would only be debris.
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  await rm(out, { recursive: true, force: true });
  await rename(tmp, out);
  return { binary, digest };
}

async function rootfsEntries(): Promise<CpioEntry[]> {
  const entries: CpioEntry[] = [];
  const dirs = new Set<string>();
  for (const rel of await listTree(rootfsDir())) {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (!dirs.has(d)) {
        dirs.add(d);
        entries.push({ kind: 'dir', path: d, mode: 0o755 });
      }
    }
    const p = join(rootfsDir(), rel);
    const st = await lstat(p);
    if (st.isSymbolicLink()) entries.push({ kind: 'symlink', path: rel, target: await readlink(p) });
    else entries.push({ kind: 'file', path: rel, mode: st.mode & 0o777, data: await readFile(p) });
  }
  return entries;
}

export async function buildGuestImage(arch: Arch, progress: Progress = () => undefined): Promise<GuestImage> {
  const compatArch = archInfo(arch).compat;
  // Each part has its own key and output directory: looked up (or built) side by side.
  const [busybox, tools, compat, bench, fuzz, names] = await Promise.all([
    fetchBusybox(arch, progress),
    buildProgram(arch, TOOLS, progress),
    compatArch !== undefined ? buildProgram(compatArch, TOOLS, progress) : undefined,
    buildProgram(arch, BENCH, progress),
    buildProgram(arch, FUZZ, progress),
    toolNames(),
  ]);
  const h = newHash();
  h.update(`${RECIPE}\0${arch}\0${busybox.deb}\0${tools.digest}\0${bench.digest}\0${fuzz.digest}\0${compat?.digest ?? '-'}\0${names.join(',')}\0`);
  await hashTree(h, rootfsDir());
  const key = `${arch}-${shortDigest(h)}`;
  const dir = join(cacheRoot(), 'images', key);
  const path = join(dir, 'initramfs.cpio');
  try {
    await access(path);
    return { arch, path, key };
  } catch {
    progress(`guest image (${arch}): packing initramfs`);
  }
  const base: CpioEntry[] = [
    ...['bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'usr/lib', 'usr/lib/vslab', 'proc', 'sys', 'dev', 'run', 'mnt', 'var', 'home'].map((d): CpioEntry => ({
      kind: 'dir',
      path: d,
      mode: 0o755,
    })),
    { kind: 'dir', path: 'tmp', mode: 0o1777 },
    { kind: 'dir', path: 'root', mode: 0o700 },
    { kind: 'dir', path: 'home/user', mode: 0o755 },
    { kind: 'char', path: 'dev/console', mode: 0o600, major: 5, minor: 1 },
    { kind: 'file', path: 'bin/busybox', mode: 0o755, data: await readFile(busybox.binary) },
    { kind: 'symlink', path: 'bin/sh', target: 'busybox' },
    { kind: 'file', path: TOOL_BINARY, mode: 0o755, data: await readFile(tools.binary) },
    ...names.map((n): CpioEntry => ({ kind: 'symlink', path: toolLink(n), target: `/${TOOL_BINARY}` })),
    { kind: 'file', path: `usr/bin/${BENCH.binary}`, mode: 0o755, data: await readFile(bench.binary) },
    { kind: 'file', path: `usr/bin/${FUZZ.binary}`, mode: 0o755, data: await readFile(fuzz.binary) },
  ];
  if (compat !== undefined && compatArch !== undefined) {
    const dir = compatDir(compatArch);
    base.push(
      { kind: 'dir', path: dir, mode: 0o755 },
      { kind: 'dir', path: `${dir}/bin`, mode: 0o755 },
      { kind: 'file', path: `${dir}/vstool`, mode: 0o755, data: await readFile(compat.binary) },
      ...names.map((n): CpioEntry => ({ kind: 'symlink', path: `${dir}/bin/${n}`, target: `/${dir}/vstool` })),
    );
  }
  const seen = new Set(base.filter((e) => e.kind === 'dir').map((e) => e.path));
  const entries = [...base, ...(await rootfsEntries()).filter((e) => !(e.kind === 'dir' && seen.has(e.path)))];
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await writeFile(join(tmp, 'initramfs.cpio'), buildCpio(entries));
  await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify({ arch, key, busybox: busybox.deb, tools: names }, null, 2)}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  return { arch, path, key };
}
