/**
 * vslab shell: an interactive session on the guest console. The terminal goes raw, every key
 * goes to the guest, and Ctrl-] (0x1d) leaves and stops the emulator.
 */
import { QUIT_LINE } from '../console/protocol.ts';
import { bootGuest } from '../guest.ts';
import { bootOptionsFrom, machineOptions } from './args.ts';
import { defineCommand } from './command.ts';
import { makeProgress } from './progress.ts';

const ESCAPE = 0x1d;

export const shellCommand = defineCommand({
  program: 'vslab shell',
  summary: 'boot a guest and attach this terminal to its console (Ctrl-] leaves)',
  about: 'Boots a guest and attaches this terminal to its serial console. Press Ctrl-] to leave.',
  options: machineOptions,
  async run(values) {
    const guest = await bootGuest({ ...bootOptionsFrom(values), progress: makeProgress() });
    guest.shell.detach();
    process.stderr.write(`[vslab] ${guest.machine.description}, kernel ${guest.kernel.manifest.kernelVersion} (${guest.kernel.variant}); Ctrl-] leaves\n`);
    const stdin = process.stdin;
    const wasRaw = stdin.isTTY ? stdin.isRaw : false;
    if (stdin.isTTY) stdin.setRawMode(true);
    const off = guest.machine.onData((chunk) => process.stdout.write(chunk));
    guest.machine.write(QUIT_LINE); // the agent leaves the console; init starts a shell there
    await new Promise<void>((resolve) => {
      const onKey = (data: Buffer): void => {
        const at = data.indexOf(ESCAPE);
        if (at < 0) {
          guest.machine.write(data);
          return;
        }
        if (at > 0) guest.machine.write(data.subarray(0, at));
        stdin.off('data', onKey);
        // Give the guest a moment to answer what was typed just before the escape key.
        setTimeout(resolve, at > 0 ? 500 : 0);
      };
      stdin.on('data', onKey);
      stdin.on('end', resolve);
      void guest.machine.exited.then(() => resolve());
    });
    off();
    if (stdin.isTTY) stdin.setRawMode(wasRaw);
    stdin.pause();
    await guest.close();
    process.stderr.write('\n[vslab] left the guest console\n');
    return 0;
  },
});
