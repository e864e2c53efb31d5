/** Calls sys_vserver in the guest through the vsyscall tool and parses its answer. */
import type { Shell } from '../../harness/console/shell.ts';

export interface VcResult {
  ret: number;
  errno: number;
  name: string;
  out?: Buffer;
}

export async function vc(shell: Shell, args: string, bin = 'vsyscall'): Promise<VcResult> {
  const r = await shell.succeed(`${bin} ${args}`);
  const m = /^ret=(-?\d+) errno=(\d+) (\w+)$/m.exec(r.stdout);
  if (m === null) throw new Error(`unexpected vsyscall output: ${r.stdout}${r.stderr}`);
  const out = /^out=([0-9a-f]*)$/m.exec(r.stdout)?.[1];
  return { ret: Number(m[1]), errno: Number(m[2]), name: m[3] ?? '', ...(out !== undefined ? { out: Buffer.from(out, 'hex') } : {}) };
}

/** A u64 as vsyscall --in takes it: 16 hex digits, little-endian. */
export const u64 = (v: bigint): string => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return b.toString('hex');
};
