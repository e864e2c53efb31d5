/**
 * Polling a guest reading until it shows a wanted value: objects the kernel frees after an RCU
 * grace period (contexts, network contexts, their counters) reach their baseline a moment after
 * the last task is gone.
 */
import { shellQuote, type Shell } from '../harness/console/shell.ts';

/** Reads with `read` until it returns `want` or `tries` reads 0.1 s apart; returns the last reading. */
export async function pollUntil(shell: Shell, read: () => Promise<string>, want: string, tries = 100): Promise<string> {
  let now = await read();
  for (let i = 0; i < tries && now !== want; i++) {
    await shell.succeed('sleep 0.1');
    now = await read();
  }
  return now;
}

export interface PollOptions {
  /** Give up after this long (default 5000 ms). */
  timeoutMs?: number;
  /** Check this often (default 20 ms, vpoll's own). */
  intervalMs?: number;
  /** Wait until CONDITION fails instead. */
  not?: boolean;
}

/**
 * A guest command line that waits until CONDITION (a line for sh) holds, checking every 20 ms
 * (the guest's vpoll): status 0 once it holds, 1 with "vpoll: timed out …" on stderr after
 * `timeoutMs`. With `not`, until it fails.
 */
export function vpoll(condition: string, opts: PollOptions = {}): string {
  const interval = opts.intervalMs === undefined ? '' : ` --interval ${opts.intervalMs}`;
  return `vpoll --timeout ${opts.timeoutMs ?? 5000}${interval}${opts.not === true ? ' --not' : ''} ${shellQuote(condition)}`;
}

/**
 * Waits in the guest until CONDITION holds (see vpoll); true if it did, false on timeout. It never
 * throws on a timeout: the caller's next assertion says what the guest shows instead.
 */
export async function settleUntil(shell: Shell, condition: string, opts: PollOptions = {}): Promise<boolean> {
  return (await shell.run(vpoll(condition, opts), { timeoutMs: (opts.timeoutMs ?? 5000) + 30_000 })).exitCode === 0;
}
