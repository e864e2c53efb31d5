import { describe, expect, it } from 'vitest';
import { Shell } from '../../harness/console/shell.ts';
import { EXAMPLES, stepNameProblems } from '../../harness/examples/catalog.ts';
import { failsWith, printsExactly } from '../../harness/examples/catalog/common.ts';
import { runExample } from '../../harness/examples/runner.ts';
import { defineExample, stepLookup, type Example } from '../../harness/examples/types.ts';
import { FakeGuest } from './fake-guest.ts';

const about = { id: 'E99', title: 'a made-up example', section: '00.0', demonstrates: 'nothing' };

describe('step names', () => {
  it('every example of the catalogue names its steps once each, in kebab-case, and its checks read only those names', () => {
    expect(EXAMPLES.flatMap(stepNameProblems)).toEqual([]);
    for (const ex of EXAMPLES) expect(new Set(ex.steps.map((s) => s.name)).size, ex.id).toBe(ex.steps.length);
  });

  it('a check that reads a step the example does not have is refused: by the types, and when the catalogue loads', () => {
    const typo = defineExample({
      ...about,
      steps: [{ name: 'append', command: 'echo two >>f' }],
      invariants: [
        { says: 'the right name', check: failsWith('append', /denied/) },
        // @ts-expect-error -- 'apend' is no step of this example
        { says: 'through the vocabulary', check: failsWith('apend', /denied/) },
        // @ts-expect-error -- nor here
        { says: 'by hand', check: (step) => step('apend').exitCode !== 0 || 'appended' },
      ],
    });
    expect(stepNameProblems(typo)).toEqual([
      "E99: the invariant 'through the vocabulary' reads step 'apend', which E99 does not have",
      "E99: the invariant 'by hand' reads step 'apend', which E99 does not have",
    ]);
  });

  it('two steps of one name, or a name not in kebab-case, are refused when the catalogue loads', () => {
    const ex: Example = {
      ...about,
      steps: [
        { name: 'ps', command: 'ps' },
        { name: 'ps', command: 'ps -A' },
        { name: 'Kill_A', command: 'kill 1' },
      ],
      invariants: [{ says: 'ps printed nothing', check: printsExactly('ps', '') }],
    };
    expect(stepNameProblems(ex)).toEqual(["E99: two steps are named 'ps'", "E99: step name 'Kill_A' is not kebab-case"]);
  });

  it('the runner keeps each result under its step name; a check asking for a step that did not run says which', async () => {
    const shell = new Shell(
      new FakeGuest((cmd) => ({ exitCode: cmd === 'false' ? 1 : 0, stdout: Buffer.from(cmd === 'false' ? '' : `ran ${cmd}\n`), stderr: Buffer.alloc(0) })),
    );
    const ex = defineExample({
      ...about,
      steps: [
        { name: 'first', command: 'echo 1' },
        { name: 'second', command: 'false' },
      ],
      invariants: [
        { says: 'the first printed', check: printsExactly('first', 'ran echo 1\n') },
        { says: 'the second failed', check: (step) => step('second').exitCode === 1 || 'it did not' },
      ],
    });
    const r = await runExample(shell, ex);
    expect(r.steps.map((s) => [s.name, s.command])).toEqual([
      ['first', 'echo 1'],
      ['second', 'false'],
    ]);
    expect(r.verdict).toBe('pass');
    expect(() => stepLookup(r.steps)('third')).toThrow("step 'third' did not run");
  });
});
