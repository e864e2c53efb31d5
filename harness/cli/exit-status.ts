/**
 * Exit statuses of vslab, as kernel CI tools use them:
 *   0    everything passed (for `vslab run`: the command's own status, whatever it is)
 *   1    a test failed: an example or check did not hold, or the kernel printed a splat
 *   2    usage error or infrastructure: bad options, a build that failed, an emulator that could
 *        not start or died, a guest that never got ready, a harness timeout, a harness bug
 *   124  `vslab run --timeout S` ended the command (as timeout(1) does)
 */
import { VslabError } from '../errors.ts';

export const EXIT_TEST_FAILED = 1;
export const EXIT_INFRASTRUCTURE = 2;
export const EXIT_TIMEOUT = 124;

/** The exit status for an error that ended a command. */
export function exitStatusFor(err: unknown): number {
  if (err instanceof VslabError && err.code === 'KERNEL_SPLAT') return EXIT_TEST_FAILED;
  return EXIT_INFRASTRUCTURE;
}
