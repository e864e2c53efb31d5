/**
 * `--shard I/N`: the I-th of N contiguous slices of a list, so that N independent CI jobs cover
 * it exactly once between them. Slice I (1-based) holds the items from ⌊(I−1)·L/N⌋ up to
 * ⌊I·L/N⌋ (L items): sizes differ by one at most, the order is kept, and with N = L every job
 * gets one item. With N > L some slices are empty (their job has nothing to do).
 */
import { UsageError } from '../errors.ts';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || !Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard takes I/N with 1 <= I <= N (the I-th of N slices), not "${text}"`);
  }
  return { index, count };
}

export function shardSlice<T>(items: readonly T[], shard: Shard): T[] {
  const from = Math.floor(((shard.index - 1) * items.length) / shard.count);
  const to = Math.floor((shard.index * items.length) / shard.count);
  return items.slice(from, to);
}
