import { describe, expect, it } from 'vitest';
import { BenchOutputError } from '../../harness/errors.ts';
import { QemuMachine } from '../../harness/machine/qemu.ts';
import type { MachineOptions } from '../../harness/machine/machine.ts';
import { BENCH_ADDR, BENCH_XID, inMode, MICRO, modeVariant, parseVsbench, vsbenchCommand } from '../../harness/bench/vsbench.ts';

describe('vsbench output', () => {
  it('parses one NAME, ns per operation and iteration count per line', () => {
    expect(parseVsbench('null\t439.7\t131072\nfork\t221090.1\t256\n', ['null', 'fork'])).toEqual([
      { name: 'null', nsPerOp: 439.7, iterations: 131072 },
      { name: 'fork', nsPerOp: 221090.1, iterations: 256 },
    ]);
  });

  it('refuses malformed lines, non-positive figures, unexpected and missing benchmarks', () => {
    expect(() => parseVsbench('null 439.7 131072')).toThrow(BenchOutputError);
    expect(() => parseVsbench('null\t0\t10')).toThrow(/positive number/);
    expect(() => parseVsbench('null\tNaN\t10')).toThrow(/positive number/);
    expect(() => parseVsbench('null\t1.5\t0')).toThrow(/positive integer/);
    expect(() => parseVsbench('null\t1.5\t2.5')).toThrow(/positive integer/);
    expect(() => parseVsbench('Null!\t1.5\t2')).toThrow(/name/);
    expect(() => parseVsbench('stat\t1.5\t2', ['null'])).toThrow(/unexpected/);
    expect(() => parseVsbench('null\t1.5\t2', ['null', 'stat'])).toThrow(/missing results for stat/);
    let caught: unknown;
    try {
      parseVsbench('garbage');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BenchOutputError);
    expect((caught as BenchOutputError).code).toBe('BENCH_OUTPUT');
  });

  it('lists the microbenchmarks of PAPER §8', () => {
    expect([...MICRO]).toEqual(['null', 'stat', 'open', 'create', 'fork', 'exec', 'pipe', 'ctxsw', 'pagefault', 'tcp']);
  });
});

describe('benchmark modes', () => {
  it('runs vanilla and host mode as they are, and guest mode inside a network and a security context', () => {
    expect(vsbenchCommand('vanilla', '-t 5 null')).toBe('vsbench -t 5 null');
    expect(vsbenchCommand('host', '-t 5 null')).toBe('vsbench -t 5 null');
    expect(inMode('guest', 'true')).toBe(`chbind --silent --ip ${BENCH_ADDR} -- vcontext --create --silent --xid ${BENCH_XID} -- true`);
    expect(modeVariant('vanilla')).toBe('vanilla');
    expect(modeVariant('host')).toBe('vserver');
    expect(modeVariant('guest')).toBe('vserver');
  });
});

describe('QEMU arguments', () => {
  const opts: MachineOptions = { arch: 'i386', kernelPath: '/k', initrdPath: '/i' };
  const append = (args: string[]): string => args[args.indexOf('-append') + 1] ?? '';

  it('trusts the TSC under -icount (the watchdog would otherwise stall guest clocks)', () => {
    const args = QemuMachine.args({ ...opts, icountShift: 3, extraCmdline: 'quiet' }, 'tcg');
    expect(args).toContain('shift=3,sleep=off');
    expect(append(args)).toMatch(/ quiet tsc=reliable$/);
    expect(append(QemuMachine.args(opts, 'tcg'))).not.toContain('tsc=reliable');
    expect(append(QemuMachine.args({ ...opts, icountShift: 3 }, 'kvm'))).not.toContain('tsc=reliable');
  });
});
