/**
 * Test fixtures: one booted guest per test file. `useGuest()` boots in beforeAll and closes in
 * afterAll; after every test it fails the test if the kernel printed a splat (BUG, WARNING,
 * Oops, lockdep, panic) during it.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Variant } from '../harness/build/kernel-config.ts';
import { backendFromEnv, bootGuest, timeScaleFor, type BootOptions, type Guest } from '../harness/session.ts';

export const backend = backendFromEnv();
/** Timeouts for v86 scale by this one factor (see harness/session.ts). */
export const timeScale = timeScaleFor(backend);

export interface GuestHandle {
  readonly guest: Guest;
}

export function useGuest(opts: BootOptions & { variant?: Variant } = {}): GuestHandle {
  let guest: Guest | undefined;
  beforeAll(async () => {
    guest = await bootGuest({ backend, ...opts });
  }, 300_000 * timeScale);
  afterEach(() => {
    const splat = guest?.watchdog.splat;
    if (splat !== undefined) throw splat;
  });
  afterAll(async () => {
    await guest?.close();
  });
  return {
    get guest(): Guest {
      if (guest === undefined) throw new Error('guest not booted');
      return guest;
    },
  };
}
