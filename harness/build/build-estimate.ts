/**
 * How far a kernel build has come and how long it has left, from the previous build of the same
 * arch/variant: after each successful build its step count (make's CC, LD, AS, AR and OBJCOPY
 * lines) and compile time are recorded in $VSLAB_CACHE/kernels/steps/<arch>-<variant>.json. The
 * next build shows steps done as a share of that count, and the time left from its own pace
 * (from the previous build's pace while it has done too little to have one). An incremental
 * build does fewer steps than the one before it: it ends early, which is the good direction to
 * be wrong in; and it does not replace a record four times its size (nextStepRecord), so the next
 * full build is not shown as nearly done from its start. Before the first record (a cache from
 * an older vslab) the build logs kept beside the cached kernels stand in; with neither it shows
 * the step count only, as before.
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheRoot } from '../paths.ts';

export interface StepRecord {
  /** Steps make printed in the compile phase. */
  steps: number;
  /** Seconds the compile phase took. */
  seconds: number;
}

export interface BuildEstimate {
  /** 0–99 while building (never 100 before the end), undefined without a record. */
  percent?: number;
  /** Seconds left, undefined without a record or once past the recorded step count. */
  secondsLeft?: number;
}

/** A line of make's output that counts as one build step. */
export const BUILD_STEP = /^\s+(CC|LD|AS|AR|OBJCOPY)\s+(\S+)/;

/** Below this many steps the build's own pace is too noisy: the previous build's pace stands in. */
const OWN_PACE_AFTER_STEPS = 50;

export function stepRecordPath(arch: string, variant: string): string {
  return join(cacheRoot(), 'kernels', 'steps', `${arch}-${variant}.json`);
}

function isStepRecord(v: unknown): v is StepRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r['steps'] === 'number' && r['steps'] > 0 && typeof r['seconds'] === 'number' && r['seconds'] >= 0;
}

/** The previous build's record, or undefined (none yet, or unreadable: an estimate is never worth failing a build). */
export async function readStepRecord(arch: string, variant: string): Promise<StepRecord | undefined> {
  try {
    const v: unknown = JSON.parse(await readFile(stepRecordPath(arch, variant), 'utf8'));
    return isStepRecord(v) ? { steps: v.steps, seconds: v.seconds } : undefined;
  } catch {
    return undefined;
  }
}

/** Steps in a build log. */
export function countSteps(log: string): number {
  let n = 0;
  for (const line of log.split('\n')) if (BUILD_STEP.test(line)) n++;
  return n;
}

/**
 * A record made from the cached kernels of this arch/variant (kernels/<arch>-<variant>-<digest>/,
 * each with its build.log and manifest): the biggest build among them.
 */
export async function stepRecordFromCache(arch: string, variant: string): Promise<StepRecord | undefined> {
  const dir = join(cacheRoot(), 'kernels');
  const mine = new RegExp(`^${arch.replace(/[^A-Za-z0-9_]/g, '\\$&')}-${variant.replace(/[^A-Za-z0-9_]/g, '\\$&')}-[0-9a-f]{16}$`);
  let best: StepRecord | undefined;
  let names: string[] = [];
  try {
    names = (await readdir(dir)).filter((n) => mine.test(n));
  } catch {
    return undefined;
  }
  for (const name of names) {
    try {
      const steps = countSteps(await readFile(join(dir, name, 'build.log'), 'utf8'));
      const manifest: unknown = JSON.parse(await readFile(join(dir, name, 'manifest.json'), 'utf8'));
      const seconds = typeof manifest === 'object' && manifest !== null ? (manifest as Record<string, unknown>)['buildSeconds'] : undefined;
      if (steps > 0 && typeof seconds === 'number' && (best === undefined || steps > best.steps)) best = { steps, seconds };
    } catch {
      // a kernel without its log: nothing to learn from it
    }
  }
  return best;
}

/** The count to measure this build against: the record, else the cached kernels' logs. */
export async function previousSteps(arch: string, variant: string): Promise<StepRecord | undefined> {
  return (await readStepRecord(arch, variant)) ?? (await stepRecordFromCache(arch, variant));
}

export async function writeStepRecord(arch: string, variant: string, record: StepRecord): Promise<void> {
  const path = stepRecordPath(arch, variant);
  await mkdir(join(cacheRoot(), 'kernels', 'steps'), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(record)}\n`);
  await rename(tmp, path);
}

/** What to record after a build: this one, unless it was a small incremental build after a bigger one. */
export function nextStepRecord(previous: StepRecord | undefined, current: StepRecord): StepRecord {
  return previous === undefined || current.steps * 4 >= previous.steps ? current : previous;
}

export function estimate(stepsDone: number, elapsedSeconds: number, previous: StepRecord | undefined): BuildEstimate {
  if (previous === undefined) return {};
  const percent = Math.min(99, Math.floor((stepsDone / previous.steps) * 100));
  const stepsLeft = previous.steps - stepsDone;
  if (stepsLeft <= 0) return { percent };
  const secondsPerStep = stepsDone >= OWN_PACE_AFTER_STEPS && elapsedSeconds > 0 ? elapsedSeconds / stepsDone : previous.seconds / previous.steps;
  return { percent, secondsLeft: Math.round(stepsLeft * secondsPerStep) };
}

/** "under a minute", "about 3 min", "about 1 h 05 min". */
export function formatTimeLeft(seconds: number): string {
  if (seconds < 60) return 'under a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min`;
  return `about ${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** The progress line of a kernel build: `i386/vserver: 43% (5210/12100 steps), about 3 min left — CC kernel/fork.o`. */
export function progressLine(kernel: string, stepsDone: number, e: BuildEstimate, previous: StepRecord | undefined, current: string): string {
  if (previous === undefined || e.percent === undefined) return `${kernel}: ${stepsDone} steps, ${current}`;
  const left = e.secondsLeft === undefined ? 'almost done' : `${formatTimeLeft(e.secondsLeft)} left`;
  return `${kernel}: ${e.percent}% (${stepsDone}/${previous.steps} steps), ${left} — ${current}`;
}
