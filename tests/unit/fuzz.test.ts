/** The fuzz harness's reading of vsfuzz: its summary line, the heartbeats in a console log, its command line. */
import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fuzzCommand, lastCalls, parseSummary } from '../../harness/fuzz/fuzz.ts';
import { repoRoot } from '../../harness/paths.ts';

describe('fuzz harness', () => {
  it('reads the summary line among other output', () => {
    const s = parseSummary('noise\nvsfuzz: seed=7 calls=20000 seconds=3.25 rate=6154/s ok=812 enosys=9011 other=10177 killed=0 hung=0\n');
    expect(s).toEqual({ seed: 7, calls: 20000, seconds: 3.25, rate: 6154, ok: 812, enosys: 9011, other: 10177, killed: 0, hung: 0 });
    expect(parseSummary('vsfuzz: worker 3 cannot start from setup: Operation not permitted\n')).toBeUndefined();
  });

  it("finds each worker's last heartbeat in a console log, kernel timestamps and all", () => {
    const log = [
      '[    1.000000] vsfuzz: seed=7 worker=1 call=0',
      '[    1.100000] vsfuzz: seed=7 worker=0 call=0',
      '[    2.000000] vsfuzz: seed=7 worker=1 call=1024 set_cflags(34020000) id=42 data=struct size=16',
      'garbage line',
      '[    2.500000] BUG: kernel NULL pointer dereference, address: 00000000',
    ].join('\r\n');
    expect(lastCalls(log)).toEqual(['vsfuzz: seed=7 worker=0 call=0', 'vsfuzz: seed=7 worker=1 call=1024 set_cflags(34020000) id=42 data=struct size=16']);
    expect(lastCalls('no heartbeats here')).toEqual([]);
  });

  it('passes every option to vsfuzz', () => {
    expect(fuzzCommand({ seed: 5, calls: 1000, procs: 4, from: 'setup', churn: 2, replay: true })).toBe(
      'vsfuzz --seed 5 --calls 1000 --procs 4 --from setup --churn 2 --replay',
    );
  });

  it.each([
    [['--from', 'moon'], /--from must be one of all, host, guest, setup, spectator/],
    [['--procs', '0'], /--procs takes a whole number 1..64, not "0"/],
    [['--calls', 'many'], /--calls takes a whole number from 1, not "many"/],
  ])('vslab fuzz %j is a usage error (status 2)', async (args, message) => {
    const r = await execa(join(repoRoot, 'bin', 'vslab'), ['fuzz', ...args], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
