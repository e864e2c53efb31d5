/**
 * The examples on a board whose disk is virtio-blk: the catalogue's /dev/sda (the paper's PC) becomes
 * the guest's /dev/vda in the requirement probes, the steps and the cleanup, and the report shows
 * the commands as they ran; on the PC nothing changes.
 */
import { describe, expect, it } from 'vitest';
import { Shell } from '../../harness/console/shell.ts';
import { findExamples } from '../../harness/examples/catalog.ts';
import { runExample } from '../../harness/examples/runner.ts';
import { guestDiskDevice } from '../../harness/machine/arch.ts';
import { FakeGuest } from './fake-guest.ts';

const ok = (stdout = '') => ({ exitCode: 0, stdout: Buffer.from(stdout), stderr: Buffer.alloc(0) });

describe('the disk examples on virtio-blk boards', () => {
  const [e48] = findExamples(['E48']);
  if (e48 === undefined) throw new Error('no E48');

  for (const arch of ['i386', 's390x'] as const) {
    it(`E48 on ${arch} names ${guestDiskDevice(arch) ?? '?'} in every command it sends`, async () => {
      const guest = new FakeGuest(() => ok());
      const shell = new Shell(guest);
      const dev = guestDiskDevice(arch) ?? '';
      const r = await runExample(shell, e48, { diskDevice: dev });
      const sent = guest.commands.join('\n');
      expect(sent).toContain(`test -b ${dev}`);
      expect(sent).toContain(`vquota on ${dev} user`);
      expect(r.steps.some((s) => s.command.includes(`vrsetup /dev/vroot0 ${dev}`))).toBe(true);
      if (dev !== '/dev/sda') expect(sent).not.toContain('/dev/sda');
    });
  }
});
