/**
 * `vslab run` argument semantics: several arguments after `--` reach the guest program one by one;
 * one argument is a shell line. Checked against the host's own POSIX sh (dash on Debian), which
 * parses quoting the way the guest's busybox sh does.
 */
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { guestCommandLine, shellQuote } from '../../harness/cli/guest-command.ts';

/** Runs `set -- LINE` in sh and returns the arguments it parsed (printed NUL-terminated). */
async function argvSeenBySh(line: string): Promise<string[]> {
  const r = await execa('sh', ['-c', `set -- ${line}; printf '%s\\0' "$@"`], { cwd: '/', stripFinalNewline: false });
  return r.stdout.split('\0').slice(0, -1);
}

describe('guest command line', () => {
  it.each([
    ['spaces', ['sh', '-c', 'mkdir -p /t && echo ok']],
    ['single quotes', ['echo', "it's", "'", "''"]],
    ['double quotes and backslashes', ['echo', '"a"', 'b\\c', '\\']],
    ['dollar and backticks', ['echo', '$HOME', '$(id)', '`id`', '${x:-y}']],
    ['globs', ['echo', '*', '/e*', '?', '[a-z]']],
    ['newlines and tabs', ['echo', 'a\nb', '\t', 'x\n']],
    ['empty strings', ['printf', '', '']],
    ['operators', ['echo', ';', '&&', '|', '>', '<', '#', '~', '!']],
  ])('%s: every argument arrives exactly as given', async (_name, args) => {
    expect(await argvSeenBySh(guestCommandLine(args))).toEqual(args);
  });

  it('one argument is a shell line, run as typed', () => {
    expect(guestCommandLine(['mkdir -p /t && echo ok'])).toBe('mkdir -p /t && echo ok');
  });

  it('plain words stay unquoted, so the line reads as typed', () => {
    expect(guestCommandLine(['cat', '/proc/virtual/info'])).toBe('cat /proc/virtual/info');
    expect(shellQuote('')).toBe("''");
  });
});
