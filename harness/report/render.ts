/**
 * Renders an HTML report with Debian's headless Chromium: the DOM after loading (to check what
 * a reader sees) and a PNG screenshot (for the docs). No network: the page is self-contained
 * and Chromium's background networking is switched off.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { PrerequisiteError } from '../errors.ts';
import { which } from '../host.ts';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--hide-scrollbars',
];

export async function chromiumPath(): Promise<string> {
  const p = (await which('chromium')) ?? (await which('chromium-browser'));
  if (p === undefined) throw new PrerequisiteError('chromium', 'Debian package chromium; run scripts/setup');
  return p;
}

async function withProfile<T>(fn: (profile: string) => Promise<T>): Promise<T> {
  const profile = await mkdtemp(join(tmpdir(), 'vslab-chromium-'));
  try {
    return await fn(profile);
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

/** The page's DOM as Chromium serialises it after loading `htmlPath`. */
export async function renderedDom(htmlPath: string): Promise<string> {
  const bin = await chromiumPath();
  return withProfile(async (profile) => {
    const r = await execa(bin, [...FLAGS, `--user-data-dir=${profile}`, '--dump-dom', `file://${htmlPath}`], { timeout: 60_000 });
    return r.stdout;
  });
}

/** Writes a PNG screenshot of the page, `width`×`height` pixels. */
export async function screenshot(htmlPath: string, pngPath: string, width = 1000, height = 1400): Promise<Buffer> {
  const bin = await chromiumPath();
  return withProfile(async (profile) => {
    await execa(bin, [...FLAGS, `--user-data-dir=${profile}`, `--window-size=${width},${height}`, `--screenshot=${pngPath}`, `file://${htmlPath}`], {
      timeout: 60_000,
    });
    return readFile(pngPath);
  });
}
