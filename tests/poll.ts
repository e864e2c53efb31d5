/**
 * Polling a guest reading until it shows a wanted value: objects the kernel frees after an RCU
 * grace period (contexts, network contexts, their counters) reach their baseline a moment after
 * the last task is gone.
 */
import type { Shell } from '../harness/console/shell.ts';

/** Reads with `read` until it returns `want` or `tries` reads 0.1 s apart; returns the last reading. */
export async function pollUntil(shell: Shell, read: () => Promise<string>, want: string, tries = 100): Promise<string> {
  let now = await read();
  for (let i = 0; i < tries && now !== want; i++) {
    await shell.succeed('sleep 0.1');
    now = await read();
  }
  return now;
}
