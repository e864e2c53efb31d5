/**
 * The KTAP reader (harness/selftests/ktap.ts) on output as kselftest's runner prints it, the
 * verdict (harness/selftests/verdict.ts) over runs made of it, and the oracle's reruns
 * (harness/selftests/oracle.ts) over recorded runs.
 */
import { describe, expect, it } from 'vitest';
import { parseKselftestOutput, parseResultLine, tally } from '../../harness/selftests/ktap.ts';
import { runOracle } from '../../harness/selftests/oracle.ts';
import type { SelftestRun, SelftestRunOptions } from '../../harness/selftests/run.ts';
import { guestDifferences, regressions, verdict } from '../../harness/selftests/verdict.ts';

// As run_kselftest.sh -t pidfd:pidfd_test -t pidfd:pidfd_open_test ... prints it (runner.sh),
// with a kernel message in the middle and a test program's own nested KTAP.
const RUNNER_OUTPUT = `TAP version 13
1..4
# selftests: pidfd: pidfd_test
# TAP version 13
# 1..2
# ok 1 pidfd_send_signal check for support succeeded
# ok 2 pidfd_send_signal signal exited process succeeded
# # Totals: pass:2 fail:0 xfail:0 xpass:0 skip:0 error:0
ok 1 selftests: pidfd: pidfd_test
# selftests: pidfd: pidfd_open_test
# TAP version 13
# 1..3
# ok 1 get pid from fd
# not ok 2 pidfd_open with bad flags
# ok 3 # SKIP no pidfd_getfd here
[   12.345678] random: crng init done
not ok 2 selftests: pidfd: pidfd_open_test # exit=1
# selftests: pidfd: pidfd_wait
# Warning: the test needs CONFIG_FOO
ok 3 selftests: pidfd: pidfd_wait # SKIP
# selftests: pidfd: pidfd_poll_test
#
not ok 4 selftests: pidfd: pidfd_poll_test # TIMEOUT 45 seconds
`;

describe('KTAP result lines', () => {
  it('reads ok, not ok, the number, the name and the directives', () => {
    expect(parseResultLine('ok 1 selftests: pidfd: pidfd_test')).toEqual({ number: 1, name: 'selftests: pidfd: pidfd_test', ok: true, status: 'pass' });
    expect(parseResultLine('not ok 12 foo bar # exit=139')).toEqual({ number: 12, name: 'foo bar', ok: false, detail: 'exit=139', status: 'fail' });
    expect(parseResultLine('ok 3 x # SKIP no landlock')).toMatchObject({ name: 'x', directive: 'SKIP', detail: 'no landlock', status: 'skip' });
    expect(parseResultLine('not ok 4 y # TIMEOUT 45 seconds')).toMatchObject({ directive: 'TIMEOUT', detail: '45 seconds', status: 'timeout' });
    expect(parseResultLine('ok 5 # SKIP')).toMatchObject({ name: '', directive: 'SKIP', status: 'skip' });
    expect(parseResultLine('ok 6 - dash separated')).toMatchObject({ name: 'dash separated', status: 'pass' });
    expect(parseResultLine('not ok 7 z # TODO later')).toMatchObject({ directive: 'TODO', status: 'fail' });
  });

  it('refuses what is not a result line', () => {
    for (const l of ['# ok 1 nested', 'okay 1', 'ok', 'TAP version 13', '1..4', 'not ok x name']) expect(parseResultLine(l)).toBeUndefined();
  });
});

describe('kselftest runner output', () => {
  const results = parseKselftestOutput(RUNNER_OUTPUT);

  it('gives one result per test program, in order, named collection:program', () => {
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['pidfd:pidfd_test', 'pass'],
      ['pidfd:pidfd_open_test', 'fail'],
      ['pidfd:pidfd_wait', 'skip'],
      ['pidfd:pidfd_poll_test', 'timeout'],
    ]);
    expect(results[1]?.exitCode).toBe(1);
    expect(tally(results)).toEqual({ pass: 1, fail: 1, skip: 1, timeout: 1 });
  });

  it("keeps each program's own output as its log and reads its result lines as subtests", () => {
    expect(results[0]?.log).toEqual([
      'TAP version 13',
      '1..2',
      'ok 1 pidfd_send_signal check for support succeeded',
      'ok 2 pidfd_send_signal signal exited process succeeded',
      '# Totals: pass:2 fail:0 xfail:0 xpass:0 skip:0 error:0',
    ]);
    expect(results[1]?.subtests.map((s) => [s.number, s.status])).toEqual([
      [1, 'pass'],
      [2, 'fail'],
      [3, 'skip'],
    ]);
    // The kernel's console line is nobody's output.
    expect(results[1]?.log.join('\n')).not.toContain('crng');
  });

  it('reads concatenated documents (one per collection) and drops a test cut short', () => {
    const two = `${RUNNER_OUTPUT}TAP version 13\n1..2\n# selftests: kcmp: kcmp_test\nok 1 selftests: kcmp: kcmp_test\n# selftests: kcmp: hung\n# still running when the shell was killed\n`;
    const rs = parseKselftestOutput(two);
    expect(rs.map((r) => r.id)).toEqual(['pidfd:pidfd_test', 'pidfd:pidfd_open_test', 'pidfd:pidfd_wait', 'pidfd:pidfd_poll_test', 'kcmp:kcmp_test']);
  });

  it('reads CRLF output as the serial console may deliver it', () => {
    expect(parseKselftestOutput(RUNNER_OUTPUT.replace(/\n/g, '\r\n')).map((r) => r.status)).toEqual(['pass', 'fail', 'skip', 'timeout']);
  });
});

function fakeRun(variant: SelftestRun['variant'], place: SelftestRun['place'], text: string, arch: SelftestRun['arch'] = 'i386'): SelftestRun {
  return { arch, variant, place, kernel: 'x', results: parseKselftestOutput(text), ktap: text, bootMs: 0, durationMs: 0 };
}

const doc = (...lines: [string, string][]): string =>
  `TAP version 13\n1..${lines.length}\n${lines
    .map(([id, res], i) => {
      const [c, t] = id.split(':');
      return `# selftests: ${c}: ${t}\n${res.startsWith('not') ? `not ok ${i + 1} selftests: ${c}: ${t}${res.slice(3)}` : `ok ${i + 1} selftests: ${c}: ${t}${res.slice(2)}`}\n`;
    })
    .join('')}`;

describe('verdict', () => {
  const vanilla = fakeRun('vanilla', 'host', doc(['a:one', 'ok'], ['a:two', 'ok'], ['a:three', 'not # exit=1'], ['b:four', 'ok # SKIP']));

  it('a test passing on vanilla and failing on the patched kernel is a regression; the reverse is not', () => {
    const patched = fakeRun('vserver', 'host', doc(['a:one', 'ok'], ['a:two', 'not # exit=1'], ['a:three', 'ok'], ['b:four', 'ok']));
    expect(regressions(vanilla, patched)).toEqual([{ id: 'a:two', run: 'vserver/host', expected: 'pass', got: 'fail', subtests: [] }]);
  });

  it('a test missing from the patched run (it stopped early) is a regression', () => {
    const cut = fakeRun('vserver-off', 'host', doc(['a:one', 'ok']));
    expect(regressions(vanilla, cut).map((r) => [r.id, r.got])).toEqual([['a:two', 'missing']]);
  });

  it('guest differences pass only when the expectations file names them with the same statuses', () => {
    const host = fakeRun('vserver', 'host', doc(['a:one', 'ok'], ['a:two', 'ok'], ['a:three', 'ok']));
    const guest = fakeRun('vserver', 'guest', doc(['a:one', 'ok'], ['a:two', 'ok # SKIP'], ['a:three', 'not # exit=1']));
    const expectations = {
      differences: {
        'a:two': { host: 'pass', guest: 'skip', reason: 'no CAP_SYS_ADMIN in a guest' },
        'a:three': { host: 'pass', guest: 'skip', reason: 'written for a skip, but it fails' },
        'a:one': { host: 'pass', guest: 'fail', reason: 'stale: it passes now' },
      },
    } as const;
    const g = guestDifferences(host, guest, { differences: { ...expectations.differences } });
    expect(g.explained.map((d) => d.id)).toEqual(['a:two']);
    expect(g.unexplained.map((d) => [d.id, d.host, d.guest])).toEqual([['a:three', 'pass', 'fail']]);
    expect(g.stale).toEqual(['a:three', 'a:one']);
    const v = verdict({ vanilla: host, vserver: host, vserverOff: host, guest }, { differences: { ...expectations.differences } });
    expect(v.ok).toBe(false);
    const fixed = verdict({ vanilla: host, vserver: host, vserverOff: host, guest: host }, { differences: {} });
    expect(fixed).toMatchObject({ ok: true, regressions: [], unexplained: [] });
  });

  it('an entry with arches holds only on those: elsewhere its difference is unexplained, and it is never stale there', () => {
    const expectations = {
      differences: {
        'a:two': { host: 'pass', guest: 'skip', reason: 'on i386 only', arches: ['i386'] },
        'a:one': { host: 'pass', guest: 'fail', reason: 'on x86_64 only, and it passes now', arches: ['x86_64'] },
        'a:three': { host: 'pass', guest: 'fail', reason: 'everywhere' },
      },
    } as const;
    const runs = (arch: SelftestRun['arch']): [SelftestRun, SelftestRun] => [
      fakeRun('vserver', 'host', doc(['a:one', 'ok'], ['a:two', 'ok'], ['a:three', 'ok']), arch),
      fakeRun('vserver', 'guest', doc(['a:one', 'ok'], ['a:two', 'ok # SKIP'], ['a:three', 'not # exit=1']), arch),
    ];
    const onI386 = guestDifferences(...runs('i386'), { differences: { ...expectations.differences } });
    expect([onI386.explained.map((d) => d.id), onI386.unexplained, onI386.stale]).toEqual([['a:two', 'a:three'], [], []]);
    const onX86 = guestDifferences(...runs('x86_64'), { differences: { ...expectations.differences } });
    expect([onX86.explained.map((d) => d.id), onX86.unexplained.map((d) => d.id), onX86.stale]).toEqual([['a:three'], ['a:two'], ['a:one']]);
  });
});

describe('oracle reruns', () => {
  it('a difference that does not repeat is flaky; a guest difference that repeats stays unexplained', async () => {
    const calls: string[] = [];
    // a:noisy times out once, in the first host-context run of the patch; a:real fails in the guest every time.
    const runner = async (o: SelftestRunOptions): Promise<SelftestRun> => {
      const key = `${o.variant}/${o.place}`;
      const first = !calls.includes(key);
      calls.push(key);
      const lines: [string, string][] = [
        ['a:noisy', key === 'vserver/host' && first ? 'not # TIMEOUT 45 seconds' : 'ok'],
        ['a:real', o.place === 'guest' ? 'not # exit=1' : 'ok'],
      ];
      return fakeRun(o.variant ?? 'vserver', o.place ?? 'host', doc(...lines.filter(([id]) => o.only === undefined || o.only.includes(id))));
    };
    const { verdict: v, flaky } = await runOracle({ runner });
    expect(v.regressions).toEqual([]);
    expect(v.unexplained.map((d) => [d.id, d.host, d.guest])).toEqual([['a:real', 'pass', 'fail']]);
    expect(flaky.map((f) => [f.id, f.run, f.first.other, f.rerun.other])).toEqual([
      ['a:noisy', 'vserver/host', 'timeout', 'pass'],
      ['a:noisy', 'vserver/guest', 'pass', 'pass'],
    ]);
    expect(v.ok).toBe(false);
  });
});
