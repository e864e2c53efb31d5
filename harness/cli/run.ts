/** vslab run: boot, run one command in the guest, print its output, exit with its status. */
import { parsePutSpec, putTree } from '../console/put.ts';
import type { RunResult } from '../console/shell.ts';
import { CommandTimeoutError, UsageError } from '../errors.ts';
import { bootGuest } from '../guest.ts';
import { bootOptionsFrom, jsonOption, machineOptions } from './args.ts';
import { defineCommand } from './command.ts';
import { EXIT_TIMEOUT } from './exit-status.ts';
import { guestCommandLine } from './guest-command.ts';
import { makeProgress } from './progress.ts';

export const runCommand = defineCommand({
  program: 'vslab run',
  summary: 'boot a guest, run one command, print its output, exit with its status',
  operands: "-- PROGRAM ARG... | -- 'SHELL COMMAND LINE'",
  about: `Boots a guest (kernel variant default: vserver), copies the --put trees in, runs the command,
prints its stdout and stderr and exits with its status. As with docker exec: several arguments
after -- are one program and its arguments, each passed exactly as given; exactly one argument
is a line for the guest's sh (pipes, &&, globs):
  vslab run -- sh -c 'mkdir -p /t && echo ok'
  vslab run -- 'ls /proc/virtual | wc -l'
--timeout ends the command after SECONDS and exits 124 (as timeout(1)); a kernel splat exits 1,
an infrastructure failure (build, emulator, boot) 2.
--json prints {exitCode, stdout, stderr, durationMs, bootMs, kernel, backend} instead.
--disk FILE: the guest's $VSLAB_DISK (/dev/sda on IDE boards, /dev/vda on virtio-blk ones), e.g.
  vslab run --disk d.img -- 'mount -t ext2 $VSLAB_DISK /mnt && ls /mnt'
--tools DIR also copies DIR/FEATURES.txt to /usr/lib/util-vserver and /usr/local/lib/util-vserver.`,
  options: {
    ...machineOptions,
    put: { kind: 'text', arg: 'HOSTPATH:/GUESTDIR', multiple: true, help: 'copy a host file or tree into the guest first' },
    timeout: { kind: 'int', arg: 'SECONDS', min: 1, help: 'end the command after SECONDS, exit 124' },
    json: jsonOption,
  },
  async run(values, operands) {
    const command = guestCommandLine(operands);
    if (command.trim() === '') throw new UsageError('run: no command given (vslab run -- COMMAND)');
    const puts = values.put.map(parsePutSpec);
    const timeoutS = values.timeout;
    const guest = await bootGuest({ ...bootOptionsFrom(values), progress: makeProgress(values.json) });
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
      if (values.json) {
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
  },
});
