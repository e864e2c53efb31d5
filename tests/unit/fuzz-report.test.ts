/** vslab fuzz --ktap / --kcidb (harness/fuzz/report.ts): a clean run passes with its rate, a kernel report fails with what replays it. */
import { describe, expect, it } from 'vitest';
import type { FuzzOptions, FuzzOutcome } from '../../harness/fuzz/fuzz.ts';
import { fuzzKtap, fuzzTests } from '../../harness/fuzz/report.ts';
import { kcidbDocument } from '../../harness/report/kcidb.ts';
import { parseResultLine } from '../../harness/selftests/ktap.ts';
import { kcidbErrors, kcidbValidator } from './kcidb-schema.ts';

const OPTS: FuzzOptions = { seed: 42, calls: 1000, procs: 8, churn: 1, from: 'all', replay: false };
const TARGET = { arch: 'i386', variant: 'vserver-debug' };
const CLEAN: FuzzOutcome = { kind: 'clean', summary: { seed: 42, calls: 1000, seconds: 2, rate: 500, ok: 10, enosys: 5, other: 985, killed: 0, hung: 0 } };
const SPLAT: FuzzOutcome = {
  kind: 'report',
  what: 'kernel bug',
  detail: 'BUG: kernel NULL pointer dereference',
  lastCalls: ['w0: vc_get_vhi_name xid=49152 ptr=NULL'],
  consoleLogPath: '/tmp/console.log',
};
const HANG: FuzzOutcome = { kind: 'hang', detail: 'vsfuzz did not finish within 600000 ms', lastCalls: [], consoleLogPath: '/tmp/console.log' };

describe('fuzz outcome for kernel CI', () => {
  it('KTAP: a clean run is one ok line with the figures as diagnostics', () => {
    const k = fuzzKtap(CLEAN, OPTS, TARGET);
    const lines = k.trimEnd().split('\n');
    expect(lines.slice(0, 1)).toEqual(['KTAP version 1']);
    expect(lines).toContain('1..1');
    expect(lines.at(-1)).toBe('ok 1 sys_vserver');
    expect(k).toContain('# 1000 calls in 2.0 s (500 calls/s)');
    expect(parseResultLine(lines.at(-1) ?? '')).toMatchObject({ ok: true, number: 1 });
  });

  it('KTAP: a kernel report or a hang is not ok, preceded by the report, the last calls and the replay command', () => {
    const k = fuzzKtap(SPLAT, OPTS, TARGET);
    expect(k).toContain('# fuzz: seed 42 on i386/vserver-debug: kernel bug: BUG: kernel NULL pointer dereference');
    expect(k).toContain('#   w0: vc_get_vhi_name xid=49152 ptr=NULL');
    expect(k).toContain('# reproduce: vslab fuzz --arch i386 --variant vserver-debug --seed 42 --calls 1000 --procs 8 --from all --replay');
    expect(k.trimEnd().split('\n').at(-1)).toBe('not ok 1 sys_vserver');
    expect(fuzzKtap(HANG, OPTS, TARGET)).toContain('#   (none logged)');
  });

  it('KCIDB: vslab.fuzz.sys_vserver, PASS with the call rate or FAIL with the findings, valid against the schema', () => {
    const validate = kcidbValidator();
    for (const [outcome, status] of [
      [CLEAN, 'PASS'],
      [SPLAT, 'FAIL'],
      [HANG, 'FAIL'],
    ] as const) {
      const doc = kcidbDocument({
        runId: 'r',
        checkout: { patchsetHash: '' },
        builds: [],
        tests: fuzzTests(outcome, OPTS, TARGET, 'i386-vserver-debug-15a0ca26ca67fb09'),
      });
      expect(kcidbErrors(validate, doc)).toBe('');
      expect(doc.tests[0]).toMatchObject({ path: 'vslab.fuzz.sys_vserver', status, misc: { seed: 42 } });
    }
    const [clean] = fuzzTests(CLEAN, OPTS, TARGET, 'k');
    expect(clean?.number).toEqual({ value: 500, unit: 'calls/s' });
    const [splat] = fuzzTests(SPLAT, OPTS, TARGET, 'k');
    expect(splat?.logExcerpt).toContain('reproduce: vslab fuzz');
  });
});
