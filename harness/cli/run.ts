/** vslab run: boot, run one command in the guest, print its output, exit with its status. */
import { parsePutSpec, putTree } from '../console/put.ts';
import type { RunResult } from '../console/shell.ts';
import { CommandTimeoutError, UsageError } from '../errors.ts';
import { bootGuest } from '../session.ts';
import { bootOptionsFrom, intOf, machineOptions, parse } from './args.ts';
import { EXIT_TIMEOUT } from './exit-status.ts';
import { guestCommandLine } from './guest-command.ts';
import { makeProgress } from './progress.ts';

const HELP = `usage: vslab run [--arch i386|x86_64|arm|arm64] [--variant NAME] [--backend qemu|v86] [--accel auto|kvm|tcg]
                 [--icount SHIFT] [--memory MIB] [--disk FILE] [--tools DIR] [--put HOSTPATH:/GUESTDIR]...
                 [--timeout SECONDS] [--json] -- PROGRAM ARG...
       vslab run [options] -- 'SHELL COMMAND LINE'

Boots a guest (kernel variant default: vserver), copies the --put trees in, runs the command,
prints its stdout and stderr and exits with its status. As with docker exec: several arguments
after -- are one program and its arguments, each passed exactly as given; exactly one argument
is a line for the guest's sh (pipes, &&, globs):
  vslab run -- sh -c 'mkdir -p /t && echo ok'
  vslab run -- 'ls /proc/virtual | wc -l'
--timeout ends the command after SECONDS and exits 124 (as timeout(1)); a kernel splat exits 1,
an infrastructure failure (build, emulator, boot) 2.
--json prints {exitCode, stdout, stderr, durationMs, bootMs, kernel, backend} instead.
--disk attaches FILE, a raw disk image (e.g. from vslab disk), as the guest's /dev/sda; the
guest's writes stay in FILE (mount -t ext2 /dev/sda /mnt; umount before the command ends).
--tools DIR copies DIR (your own static util-vserver binaries) to /opt/util-vserver/bin, first in
the guest's PATH, and DIR/FEATURES.txt to /usr/lib/util-vserver and /usr/local/lib/util-vserver.`;

export async function runCommand(argv: string[]): Promise<number> {
  const dash = argv.indexOf('--');
  const own = dash < 0 ? argv : argv.slice(0, dash);
  const { values, positionals } = parse(
    own,
    { ...machineOptions, put: { type: 'string', multiple: true }, timeout: { type: 'string' }, json: { type: 'boolean' } },
    true,
  );
  if (values['help'] === true) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const command = guestCommandLine([...positionals, ...(dash < 0 ? [] : argv.slice(dash + 1))]);
  if (command.trim() === '') throw new UsageError('run: no command given (vslab run -- COMMAND)');
  const puts = ((values['put'] as string[] | undefined) ?? []).map(parsePutSpec);
  const timeoutS = intOf('timeout', values['timeout']);
  const guest = await bootGuest({ ...bootOptionsFrom(values), progress: makeProgress(values['json'] === true) });
  try {
    for (const p of puts) await putTree(guest.shell, p.host, p.guest);
    let r: RunResult;
    try {
      r = await guest.shell.run(command, timeoutS !== undefined ? { timeoutMs: timeoutS * 1000 } : {});
    } catch (err) {
      if (!(err instanceof CommandTimeoutError) || timeoutS === undefined) throw err;
      process.stderr.write(`vslab: run: the command did not end within --timeout ${timeoutS} s\n`);
      return EXIT_TIMEOUT;
    }
    if (values['json'] === true) {
      process.stdout.write(
        `${JSON.stringify({
          exitCode: r.exitCode,
          stdout: r.stdout,
          stderr: r.stderr,
          durationMs: Math.round(r.durationMs * 100) / 100,
          bootMs: Math.round(guest.bootMs),
          kernel: guest.kernel.manifest,
          backend: guest.machine.description,
        })}\n`,
      );
    } else {
      process.stdout.write(r.stdoutBytes);
      process.stderr.write(r.stderr);
    }
    return r.exitCode;
  } finally {
    await guest.close();
  }
}
