/**
 * The command line `vslab run` hands to the guest's sh, from the arguments after `--`, with the
 * semantics of `docker exec` and `kubectl exec`: several arguments are an argv (each one reaches
 * the program as exactly that argument, whatever it holds), exactly one argument is a shell
 * command line as typed.
 *
 *   vslab run -- sh -c 'mkdir -p /t && echo ok'   → sh gets "-c" and "mkdir -p /t && echo ok"
 *   vslab run -- 'mkdir -p /t && echo ok'         → the guest's sh runs that line
 */

/** Quotes one argument for a POSIX sh: single quotes, each ' written as '\'' (no other escape). */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** One shell line from the arguments: one argument as it is, several quoted one by one. */
export function guestCommandLine(args: readonly string[]): string {
  if (args.length === 1) return args[0] ?? '';
  return args.map(shellQuote).join(' ');
}
