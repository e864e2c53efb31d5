/** Kernel build progress (harness/build/build-estimate.ts): share done and time left from the previous build's step count. */
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeProgress } from '../../harness/cli/progress.ts';
import {
  countSteps,
  estimate,
  formatTimeLeft,
  nextStepRecord,
  previousSteps,
  progressLine,
  readStepRecord,
  stepRecordFromCache,
  stepRecordPath,
  writeStepRecord,
} from '../../harness/build/build-estimate.ts';

const PREVIOUS = { steps: 10_000, seconds: 1_000 };

describe('kernel build estimate', () => {
  it('without a previous build: no share, no time left, the plain step count as before', () => {
    expect(estimate(123, 10, undefined)).toEqual({});
    expect(progressLine('i386/vserver', 123, {}, undefined, 'CC kernel/fork.o')).toBe('i386/vserver: 123 steps, CC kernel/fork.o');
  });

  it("the share of the previous build's steps, and the time left at the previous pace while too few steps are done", () => {
    expect(estimate(20, 60, PREVIOUS)).toEqual({ percent: 0, secondsLeft: 998 });
  });

  it("then the time left at the build's own pace (a loaded machine is slower than last time)", () => {
    // 2,500 steps in 500 s: 0.2 s a step, 7,500 steps left.
    expect(estimate(2_500, 500, PREVIOUS)).toEqual({ percent: 25, secondsLeft: 1_500 });
    expect(estimate(9_990, 1_200, PREVIOUS)).toEqual({ percent: 99, secondsLeft: 1 });
  });

  it('never shows 100% before the end, and no time left once past the previous count', () => {
    expect(estimate(10_000, 900, PREVIOUS)).toEqual({ percent: 99 });
    expect(estimate(12_000, 900, PREVIOUS)).toEqual({ percent: 99 });
    expect(progressLine('arm/vserver', 12_000, { percent: 99 }, PREVIOUS, 'LD vmlinux')).toBe('arm/vserver: 99% (12000/10000 steps), almost done — LD vmlinux');
  });

  it('one line per kernel with share, steps and time left', () => {
    const e = estimate(4_321, 400, PREVIOUS);
    expect(progressLine('i386/vserver', 4_321, e, PREVIOUS, 'CC kernel/vserver/context.o')).toBe(
      'i386/vserver: 43% (4321/10000 steps), about 9 min left — CC kernel/vserver/context.o',
    );
  });

  it('formats the time left in words a person reads at a glance', () => {
    expect(formatTimeLeft(5)).toBe('under a minute');
    expect(formatTimeLeft(59)).toBe('under a minute');
    expect(formatTimeLeft(90)).toBe('about 2 min');
    expect(formatTimeLeft(3_900)).toBe('about 1 h 05 min');
  });

  it("records the latest build, but a small incremental one does not replace a full build's count", () => {
    expect(nextStepRecord(undefined, { steps: 40, seconds: 5 })).toEqual({ steps: 40, seconds: 5 });
    expect(nextStepRecord(PREVIOUS, { steps: 9_000, seconds: 800 })).toEqual({ steps: 9_000, seconds: 800 });
    expect(nextStepRecord(PREVIOUS, { steps: 40, seconds: 5 })).toEqual(PREVIOUS);
  });
});

describe('the step record in the cache', () => {
  const saved = process.env['VSLAB_CACHE'];
  beforeEach(async () => {
    process.env['VSLAB_CACHE'] = await mkdtemp(join(tmpdir(), 'vslab-steps-'));
  });
  afterEach(() => {
    if (saved === undefined) delete process.env['VSLAB_CACHE'];
    else process.env['VSLAB_CACHE'] = saved;
  });

  it('is written per arch and variant under kernels/steps/ and read back', async () => {
    expect(stepRecordPath('x86_64', 'vserver')).toBe(join(process.env['VSLAB_CACHE'] ?? '', 'kernels', 'steps', 'x86_64-vserver.json'));
    expect(await readStepRecord('x86_64', 'vserver')).toBeUndefined();
    await writeStepRecord('x86_64', 'vserver', { steps: 8_000, seconds: 600 });
    expect(await readStepRecord('x86_64', 'vserver')).toEqual({ steps: 8_000, seconds: 600 });
    expect(await readStepRecord('x86_64', 'vanilla')).toBeUndefined();
  });

  it('before the first record, the biggest build log kept beside the cached kernels of that arch/variant stands in', async () => {
    const cache = process.env['VSLAB_CACHE'] ?? '';
    const kernel = async (name: string, log: string, buildSeconds: number): Promise<void> => {
      await mkdir(join(cache, 'kernels', name), { recursive: true });
      await writeFile(join(cache, 'kernels', name, 'build.log'), log);
      await writeFile(join(cache, 'kernels', name, 'manifest.json'), JSON.stringify({ buildSeconds }));
    };
    const log = (n: number): string =>
      `$ make allnoconfig\n  HOSTCC  scripts/basic/fixdep\n${'  CC      kernel/fork.o\n'.repeat(n)}  AR      kernel/built-in.a\n  LD      vmlinux\n`;
    expect(countSteps(log(3))).toBe(5);
    expect(await stepRecordFromCache('i386', 'vserver')).toBeUndefined();
    await kernel('i386-vserver-0123456789abcdef', log(98), 600);
    await kernel('i386-vserver-fedcba9876543210', log(8), 60);
    await kernel('i386-vserver-debug-0123456789abcdef', log(500), 900);
    await mkdir(join(cache, 'kernels', 'i386-vserver-0000000000000000'), { recursive: true });
    expect(await stepRecordFromCache('i386', 'vserver')).toEqual({ steps: 100, seconds: 600 });
    expect(await stepRecordFromCache('i386', 'vserver-debug')).toEqual({ steps: 502, seconds: 900 });
    expect(await previousSteps('i386', 'vserver')).toEqual({ steps: 100, seconds: 600 });
    await writeStepRecord('i386', 'vserver', { steps: 1_300, seconds: 700 });
    expect(await previousSteps('i386', 'vserver')).toEqual({ steps: 1_300, seconds: 700 });
  });

  it('a damaged record is no record (an estimate never fails a build)', async () => {
    await mkdir(join(process.env['VSLAB_CACHE'] ?? '', 'kernels', 'steps'), { recursive: true });
    await writeFile(stepRecordPath('i386', 'vserver'), '{"steps": "many"');
    expect(await readStepRecord('i386', 'vserver')).toBeUndefined();
    await writeFile(stepRecordPath('i386', 'vserver'), '{"steps": 0, "seconds": 10}');
    expect(await readStepRecord('i386', 'vserver')).toBeUndefined();
  });
});

describe('progress on stderr', () => {
  const stream = (isTTY: boolean) => {
    const writes: string[] = [];
    return { writes, out: { isTTY, columns: 80, write: (t: string) => writes.push(t) } };
  };

  it('on a terminal: one line per kernel, rewritten in place, ended when the kernel is built', () => {
    const { writes, out } = stream(true);
    const p = makeProgress(false, out);
    p('i386/vserver: 10% (1000/10000 steps), about 9 min left — AR kernel/built-in.a');
    p('i386/vserver: 43% (4321/10000 steps), about 5 min left — CC fs/exec.o');
    p('i386/vserver: built 6.1.192 in 695 s');
    p('i386/vanilla: 1% (100/9000 steps), about 12 min left — CC init/main.o');
    const screen = writes.join('');
    expect(screen.split('\n')).toHaveLength(2);
    expect(screen).toContain('\ri386/vserver: 43% (4321/10000 steps), about 5 min left — CC fs/exec.o');
    // The shorter line overwrites the longer one completely.
    expect(writes[2]).toBe(
      `\ri386/vserver: built 6.1.192 in 695 s${' '.repeat('i386/vserver: 43% (4321/10000 steps), about 5 min left — CC fs/exec.o'.length - 'i386/vserver: built 6.1.192 in 695 s'.length)}`,
    );
    expect(screen.split('\n')[1]).toBe('\ri386/vanilla: 1% (100/9000 steps), about 12 min left — CC init/main.o');
  });

  it('cut to the terminal width', () => {
    const { writes, out } = stream(true);
    makeProgress(false, { ...out, columns: 20 })('i386/vserver: 43% (4321/10000 steps)');
    expect(writes[0]).toBe('\ri386/vserver: 43% (');
  });

  it('elsewhere: plain lines, as in a CI log; quiet: nothing', () => {
    const { writes, out } = stream(false);
    makeProgress(false, out)('i386/vserver: 43% (4321/10000 steps), about 5 min left — CC fs/exec.o');
    makeProgress(true, out)('not shown');
    expect(writes).toEqual(['[vslab] i386/vserver: 43% (4321/10000 steps), about 5 min left — CC fs/exec.o\n']);
  });
});
