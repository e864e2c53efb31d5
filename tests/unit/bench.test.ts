import { describe, expect, it } from 'vitest';
import { BenchOutputError } from '../../harness/errors.ts';
import { QemuMachine } from '../../harness/machine/qemu.ts';
import type { MachineOptions } from '../../harness/machine/machine.ts';
import {
  BENCH_ADDR,
  BENCH_XID,
  BUSY_ADDR,
  BUSY_XID,
  busyGuestCommand,
  inMode,
  MICRO,
  modeMachine,
  MODES,
  modeVariant,
  parseVsbench,
  vsbenchCommand,
} from '../../harness/bench/vsbench.ts';

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
  it('runs every host mode as it is, and guest mode inside a network and a security context', () => {
    for (const mode of ['vanilla', 'off', 'host', 'busy'] as const) expect(vsbenchCommand(mode, '-t 5 null')).toBe('vsbench -t 5 null');
    expect(inMode('guest', 'true')).toBe(`chbind --silent --ip ${BENCH_ADDR} -- vcontext --create --silent --xid ${BENCH_XID} -- true`);
  });

  it('measures the untouched patched host on a machine of its own, and the busy host beside the guest mode', () => {
    expect(MODES.map((m) => [m, modeMachine(m), modeVariant(m)])).toEqual([
      ['vanilla', 'vanilla', 'vanilla'],
      ['off', 'off', 'vserver-off'],
      ['host', 'fresh', 'vserver'],
      ['busy', 'busy', 'vserver'],
      ['guest', 'busy', 'vserver'],
    ]);
  });

  it("keeps the busy machine's background guest apart from the guest mode's context and address", () => {
    expect(BUSY_XID).not.toBe(BENCH_XID);
    expect(BUSY_ADDR).not.toBe(BENCH_ADDR);
    expect(busyGuestCommand()).toBe(
      `chbind --silent --ip ${BUSY_ADDR} -- vcontext --create --silent --xid ${BUSY_XID} -- sleep 1000000 </dev/null >/dev/null 2>&1 &`,
    );
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
