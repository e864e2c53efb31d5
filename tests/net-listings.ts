/**
 * The interface names in the guest's network listings, for the suites that compare what a
 * network context sees of the interfaces with what the host sees (abi/network,
 * features/network-tools).
 */

/** The interface names of `ip -o link` lines ("2: dummy0: <…> mtu …"), in order. */
export const linkNames = (out: string): string[] =>
  out
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(':')[1]?.trim() ?? '');

/** The interface names of /proc/net/dev (its two header lines skipped), in order. */
export const devNames = (out: string): string[] =>
  out
    .split('\n')
    .filter(Boolean)
    .slice(2)
    .map((l) => l.split(':')[0]?.trim() ?? '');
