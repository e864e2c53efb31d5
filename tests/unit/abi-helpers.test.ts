/**
 * The ABI suites' encoders (tests/abi/helpers.ts): the bytes vsyscall --in takes and --out gives
 * are the struct as it lies in the guest's memory, so every integer is in the guest's byte order —
 * little-endian on i386, x86_64, arm, arm64 and ppc64el, big-endian on s390x.
 */
import { describe, expect, it } from 'vitest';
import { archWords, guestWords, wordsFor } from '../abi/helpers.ts';

describe("struct words in the guest's byte order", () => {
  it('encodes little-endian as the suites always did on i386 (the strings they had typed by hand)', () => {
    const le = wordsFor('little');
    expect(le.u32(2)).toBe('02000000');
    expect(le.s32(0) + le.s32(9)).toBe('0000000009000000');
    expect(le.u64((7n << 32n) | (1n << 38n))).toBe('0000000047000000');
    expect(le.u16(0x0102)).toBe('0201');
    expect(le.s32(-2)).toBe('feffffff');
    expect(le.u32(0xfffffffe)).toBe('feffffff');
  });

  it('encodes big-endian for s390x, and each order reads back what it wrote', () => {
    const be = archWords('s390x');
    expect(be.endian).toBe('big');
    expect(be.u32(2)).toBe('00000002');
    expect(be.s32(0) + be.s32(9)).toBe('0000000000000009');
    expect(be.u64((7n << 32n) | (1n << 38n))).toBe('0000004700000000');
    expect(be.u16(0x0102)).toBe('0102');
    for (const w of [be, wordsFor('little')]) {
      const b = Buffer.from(w.u32(134) + w.s32(-5) + w.u64(0xfedcba9876543210n), 'hex');
      expect([w.readU32(b, 0), w.readS32(b, 4), w.readU64(b, 8)]).toEqual([134, -5, 0xfedcba9876543210n]);
    }
  });

  it("gives every row its order, and the neutral suites VSLAB_ARCH's (i386 when unset)", () => {
    expect((['i386', 'x86_64', 'arm', 'arm64', 's390x', 'ppc64el'] as const).map((a) => archWords(a).endian)).toEqual([
      'little',
      'little',
      'little',
      'little',
      'big',
      'little',
    ]);
    expect(guestWords.endian).toBe(process.env['VSLAB_ARCH'] === 's390x' ? 'big' : 'little');
  });
});
