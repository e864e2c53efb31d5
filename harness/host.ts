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

export async function which(program: string): Promise<string | undefined> {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
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
