/** Commands declared as data (harness/cli/command.ts): one declaration gives parser, checks and help. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineCommand, helpText, parseCommand } from '../../harness/cli/command.ts';

const demo = defineCommand({
  program: 'vslab demo',
  summary: 'a command for this test',
  operands: 'FILE...',
  about: 'Does nothing.',
  options: {
    arch: { kind: 'enum', values: ['i386', 'x86_64', 'arm'], default: 'i386', help: 'architecture' },
    backend: { kind: 'enum', values: ['qemu', 'v86'], help: 'emulator' },
    count: { kind: 'int', arg: 'N', min: 1, max: 9, default: 3, help: 'how many' },
    size: { kind: 'int', arg: 'MIB', help: 'size' },
    only: { kind: 'list', arg: 'A,B', help: 'a list' },
    put: { kind: 'text', arg: 'SPEC', multiple: true, help: 'repeated' },
    out: { kind: 'path', arg: 'FILE', help: 'a path' },
    json: { kind: 'flag', help: 'JSON' },
  },
  run: async () => 0,
});

function parsed(argv: string[]) {
  const p = parseCommand(demo, argv);
  if (p.help) throw new Error('help was not asked');
  return p;
}

describe('declared commands', () => {
  it('gives defaults, typed values and operands', () => {
    const p = parsed(['--only', 'a, b,,c', '--put', 'x', '--put', 'y', '--out', 'r/f', 'one', '--', '--two']);
    expect(p.values).toEqual({
      arch: 'i386',
      backend: undefined,
      count: 3,
      size: undefined,
      only: ['a', 'b', 'c'],
      put: ['x', 'y'],
      out: join(process.cwd(), 'r/f'),
      json: false,
    });
    expect(p.operands).toEqual(['one', '--two']);
    expect(parsed(['--count', '9', '--size', '0', '--json', '--arch', 'arm']).values).toMatchObject({ count: 9, size: 0, json: true, arch: 'arm' });
  });

  it.each([
    [['--arch', 'sparc'], /^--arch must be one of i386, x86_64, arm, not "sparc"$/],
    [['--backend', 'bochs'], /^--backend must be qemu or v86, not "bochs"$/],
    [['--count', '10'], /^--count takes a whole number 1..9, not "10"$/],
    [['--count', '1.5'], /^--count takes a whole number 1..9/],
    [['--size=-1'], /^--size takes a non-negative whole number, not "-1"$/],
    [['--size', ''], /^--size takes a non-negative whole number/],
    [['--bogus'], /Unknown option '--bogus'.*\(vslab demo --help\)/],
    [['--json=yes'], /--json/],
  ])('%j is a usage error naming the option', (argv, message) => {
    expect(() => parseCommand(demo, argv)).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringMatching(message) as unknown }));
  });

  it('refuses operands when the command declares none', () => {
    const bare = defineCommand({ program: 'vslab bare', summary: 's', about: 'a', options: {}, run: async () => 0 });
    expect(() => parseCommand(bare, ['word'])).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(parseCommand(bare, []).help).toBe(false);
  });

  it('writes the help from the declaration: usage line, prose, every option with its values, range and default', () => {
    expect(parseCommand(demo, ['--arch', 'sparc', '--help']).help).toBe(true);
    const help = helpText(demo);
    expect(help.split('\n')[0]).toBe('usage: vslab demo [options] FILE...');
    expect(help).toContain('Does nothing.');
    expect(help).toMatch(/--arch i386\|x86_64\|arm +architecture \(default i386\)/);
    expect(help).toMatch(/--count N +how many \(1\.\.9; default 3\)/);
    expect(help).toMatch(/--put SPEC +repeated \(repeatable\)/);
    expect(help).toMatch(/--json +JSON/);
  });
});
