import { afterEach, describe, expect, it } from 'vitest';
import { sanitizedChoice } from '../../harness/sanitize.ts';

describe('the sanitizer run (VSLAB_SANITIZE=1)', () => {
  const saved = process.env['VSLAB_SANITIZE'];
  afterEach(() => {
    if (saved === undefined) delete process.env['VSLAB_SANITIZE'];
    else process.env['VSLAB_SANITIZE'] = saved;
  });

  it('leaves every guest as asked on a normal run', () => {
    delete process.env['VSLAB_SANITIZE'];
    expect(sanitizedChoice({ variant: 'vserver-debug' })).toEqual({ variant: 'vserver-debug' });
  });

  it('moves the patched guests to the x86_64 sanitizer kernel, keeping their userland', () => {
    process.env['VSLAB_SANITIZE'] = '1';
    expect(sanitizedChoice({})).toEqual({ arch: 'x86_64', imageArch: 'i386', variant: 'vserver-kasan', memoryMiB: 512 });
    expect(sanitizedChoice({ variant: 'vserver-debug', memoryMiB: 1024 })).toMatchObject({
      arch: 'x86_64',
      imageArch: 'i386',
      variant: 'vserver-kasan',
      memoryMiB: 1024,
    });
    expect(sanitizedChoice({ arch: 'x86_64', variant: 'vserver' })).toMatchObject({ arch: 'x86_64', imageArch: 'x86_64', variant: 'vserver-kasan' });
  });

  it('keeps the control kernels and other architectures as they are', () => {
    process.env['VSLAB_SANITIZE'] = '1';
    expect(sanitizedChoice({ variant: 'vanilla' })).toEqual({ variant: 'vanilla' });
    expect(sanitizedChoice({ variant: 'vserver-off' })).toEqual({ variant: 'vserver-off' });
    expect(sanitizedChoice({ arch: 'arm', variant: 'vserver' })).toEqual({ arch: 'arm', variant: 'vserver' });
  });
});
