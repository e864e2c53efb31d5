/**
 * A fuzz run's outcome for kernel CI: KTAP v1 (one test, `vslab fuzz --ktap`) and a KCIDB test
 * (`vslab.fuzz.sys_vserver`, `vslab fuzz --kcidb FILE`). Clean is a pass with the call rate; a
 * kernel report or a hang is a failure whose diagnostics are the report, each worker's last
 * logged call and the command that replays the seed.
 */
import type { TestFacts } from '../report/kcidb.ts';
import type { FuzzOptions, FuzzOutcome } from './fuzz.ts';

export interface FuzzTarget {
  arch: string;
  variant: string;
}

export function reproduceCommand(o: FuzzOptions, t: FuzzTarget): string {
  return `vslab fuzz --arch ${t.arch} --variant ${t.variant} --seed ${o.seed} --calls ${o.calls} --procs ${o.procs} --from ${o.from} --replay`;
}

/** What the kernel reported, the last calls and how to replay them; '' for a clean run. */
export function fuzzFindings(outcome: FuzzOutcome, o: FuzzOptions, t: FuzzTarget): string {
  if (outcome.kind === 'clean') return '';
  const what = outcome.kind === 'report' ? `${outcome.what}: ${outcome.detail}` : `hang: ${outcome.detail}`;
  return [
    `fuzz: seed ${o.seed} on ${t.arch}/${t.variant}: ${what}`,
    'last logged call of each worker:',
    ...(outcome.lastCalls.length > 0 ? outcome.lastCalls.map((l) => `  ${l}`) : ['  (none logged)']),
    `full console log: ${outcome.consoleLogPath}`,
    `reproduce: ${reproduceCommand(o, t)}`,
  ].join('\n');
}

const TEST_NAME = 'sys_vserver';

export function fuzzKtap(outcome: FuzzOutcome, o: FuzzOptions, t: FuzzTarget): string {
  const head = ['KTAP version 1', `# vslab fuzz: seed ${o.seed}, ${o.calls} calls, ${o.procs} workers from ${o.from}, ${t.arch}/${t.variant}`, '1..1'];
  if (outcome.kind === 'clean') {
    const s = outcome.summary;
    return [
      ...head,
      `# ${s.calls} calls in ${s.seconds.toFixed(1)} s (${s.rate} calls/s): ok ${s.ok}, ENOSYS ${s.enosys}, other errors ${s.other}, children killed ${s.killed}`,
      `ok 1 ${TEST_NAME}`,
      '',
    ].join('\n');
  }
  const diag = fuzzFindings(outcome, o, t)
    .split('\n')
    .map((l) => `# ${l}`.trimEnd());
  return [...head, ...diag, `not ok 1 ${TEST_NAME}`, ''].join('\n');
}

export function fuzzTests(outcome: FuzzOutcome, o: FuzzOptions, t: FuzzTarget, buildKey: string, environment?: string): TestFacts[] {
  const base = { path: ['fuzz', TEST_NAME], buildKey, environment, misc: { seed: o.seed, calls: o.calls, procs: o.procs, from: o.from, churn: o.churn } };
  if (outcome.kind === 'clean') {
    const s = outcome.summary;
    return [
      {
        ...base,
        status: 'PASS',
        durationSeconds: s.seconds,
        number: { value: s.rate, unit: 'calls/s' },
        comment: `${s.calls} sys_vserver calls, no kernel report`,
      },
    ];
  }
  return [{ ...base, status: 'FAIL', comment: outcome.kind === 'report' ? outcome.what : 'hang', logExcerpt: fuzzFindings(outcome, o, t) }];
}
