/**
 * vslab shell: an interactive session on the guest console. The terminal goes raw, every key
 * goes to the guest, and Ctrl-] (0x1d) leaves and stops the emulator.
 */
import { QUIT_LINE } from '../console/protocol.ts';
import { bootGuest } from '../session.ts';
import { bootOptionsFrom, machineOptions, parse } from './args.ts';
import { makeProgress } from './progress.ts';

const HELP = `usage: vslab shell [--arch i386|x86_64|arm|arm64] [--variant NAME] [--backend qemu|v86] [--accel auto|kvm|tcg] [--memory MIB]
                   [--disk FILE] [--tools DIR]

Boots a guest and attaches this terminal to its serial console. Press Ctrl-] to leave.
--disk attaches FILE, a raw disk image, as the guest's /dev/sda (its writes stay in FILE).
--tools DIR puts DIR (your own static util-vserver binaries) first in the guest's PATH (vslab run --help).`;

const ESCAPE = 0x1d;

export async function shellCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, machineOptions);
  if (values['help'] === true) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
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
}
