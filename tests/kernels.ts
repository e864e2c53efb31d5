/**
 * Which kernels the VM suites boot beyond the default (i386, vserver), by the run's environment;
 * tests/global-setup.ts builds from the same answers.
 */
import type { Variant } from '../harness/build/kernel-config.ts';

/**
 * The kernel of the race and fuzz suites (tests/reliability: fuzz, churn, sched-race): our patch
 * with lockdep, atomic-sleep, list and RCU checking (vserver-debug) under VSLAB_LOCK_DEBUG=1
 * (`npm run test:debug`); vserver otherwise, where any BUG, WARNING, Oops or hang still fails them.
 * `npm test` leaves the debug kernel out: on a fresh machine its build alone costs a quarter of
 * the 40-minute budget (README, "What npm test covers").
 */
export function lockDebugVariant(): Variant {
  return process.env['VSLAB_LOCK_DEBUG'] === '1' ? 'vserver-debug' : 'vserver';
}
