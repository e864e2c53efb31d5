/** Where things live: the repository, and the build cache (~/.cache/vslab or $VSLAB_CACHE). */
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot: string = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function cacheRoot(): string {
  const fromEnv = process.env['VSLAB_CACHE'];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  const xdg = process.env['XDG_CACHE_HOME'];
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'vslab');
}

export const kernelPatchDir: string = join(repoRoot, 'kernel-patch');
export const guestImageDir: string = join(repoRoot, 'guest-image');
