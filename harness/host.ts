/** Small facts about the host: which programs exist, versions of tools. */
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';

export async function pathExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Absolute path of an executable PROGRAM in the directories of `path` (default: $PATH, in a
 * PATH-style list), then in `extraDirs`; undefined if none has it.
 */
export async function which(program: string, search: { path?: string; extraDirs?: readonly string[] } = {}): Promise<string | undefined> {
  for (const dir of [...(search.path ?? process.env['PATH'] ?? '').split(delimiter), ...(search.extraDirs ?? [])]) {
    if (dir === '') continue;
    const candidate = join(dir, program);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** First line of `program --version`, or undefined if it cannot run. */
export async function versionLine(program: string, args: readonly string[] = ['--version']): Promise<string | undefined> {
  const r = await execa(program, args, { reject: false });
  if (r.failed) return undefined;
  return r.stdout.split('\n')[0]?.trim();
}

const compilerVersions = new Map<string, Promise<string | undefined>>();

/**
 * A compiler's version line (versionLine), asked once per process: cache keys name their
 * compiler, and a key is looked up before every boot.
 */
export function compilerVersion(cc: string): Promise<string | undefined> {
  let v = compilerVersions.get(cc);
  if (v === undefined) {
    v = versionLine(cc);
    compilerVersions.set(cc, v);
  }
  return v;
}
