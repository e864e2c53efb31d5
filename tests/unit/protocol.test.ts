import { describe, expect, it } from 'vitest';
import { decodeSection, encodeFrame, escapeCommand, fileRequestLine, MAX_INLINE_TEXT, requestLine, scanFrame } from '../../harness/console/protocol.ts';
import { classifyLine } from '../../harness/console/splat-detector.ts';

const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

describe('console protocol framing', () => {
  it('round-trips output containing every byte value', () => {
    const text = encodeFrame('abc123', { exitCode: 7, stdout: allBytes, stderr: Buffer.from('oops\n') });
    const r = scanFrame(text, 'abc123');
    expect(r.state).toBe('complete');
    if (r.state !== 'complete') return;
    expect(r.frame.exitCode).toBe(7);
    expect(r.frame.stdout.equals(allBytes)).toBe(true);
    expect(r.frame.stderr.toString()).toBe('oops\n');
    expect(r.consumed).toBe(text.trimEnd().length);
  });

  it('is incomplete until the end marker arrives, whatever the split', () => {
    const text = encodeFrame('n1', { exitCode: 0, stdout: Buffer.from('hello\n'), stderr: Buffer.alloc(0) });
    for (let cut = 0; cut < text.length - 2; cut++) {
      expect(scanFrame(text.slice(0, cut), 'n1').state).toBe('incomplete');
    }
    expect(scanFrame(text, 'n1').state).toBe('complete');
  });

  it('ignores the echo of the request, prompts, terminal escapes and kernel lines between base64 lines', () => {
    const out = Buffer.alloc(300, 0x41);
    const frame = encodeFrame('n2', { exitCode: 0, stdout: out, stderr: Buffer.alloc(0) });
    const lines = frame.split('\n');
    // Put a kernel message on its own line in the middle of the stdout section.
    lines.splice(4, 0, '[   12.345678] random: crng init done');
    const noisy = `vslab:/# ${requestLine('n2', 'yes A | head -c 300')}\x1b[6n` + lines.join('\n') + 'vslab:/# \x1b[6n';
    const r = scanFrame(noisy, 'n2');
    expect(r.state).toBe('complete');
    if (r.state === 'complete') expect(r.frame.stdout.equals(out)).toBe(true);
  });

  it('reports a frame damaged by a message written into the middle of a base64 line', () => {
    const frame = encodeFrame('n3', { exitCode: 0, stdout: Buffer.alloc(200, 0x42), stderr: Buffer.alloc(0) });
    const i = frame.indexOf('QkJC') + 10;
    const damaged = `${frame.slice(0, i)}[ 1.0] hello\n${frame.slice(i)}`;
    expect(scanFrame(damaged, 'n3').state).toBe('corrupt');
  });

  it('does not take another nonce for its own', () => {
    const text = encodeFrame('old1', { exitCode: 1, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) });
    expect(scanFrame(text, 'new1').state).toBe('incomplete');
  });

  it('types short commands inline as one word and leaves long ones to upload', () => {
    expect(requestLine('n', "echo 'hi'\there")).toBe("vsx n echo\\0040'hi'\\0011here\n");
    expect(requestLine('n', 'x'.repeat(MAX_INLINE_TEXT + 1))).toBeUndefined();
  });

  it('escapes every byte that is not safe to type, and UTF-8 byte by byte', () => {
    expect(escapeCommand(Buffer.from('a\\b:é\n\x03'))).toBe('a\\0134b\\0072\\0303\\0251\\0012\\0003');
  });

  it('never lets an inline command look like a file request', () => {
    expect(requestLine('n', '@x')).toBe('vsx n \\0100x\n');
    expect(fileRequestLine('n', '/run/f')).toBe('vsx n @/run/f\n');
  });

  it('never lets the echo of a command look like a kernel splat to the splat detector', () => {
    for (const cmd of ['echo WARNING: x', 'echo BUG: y', 'echo Kernel panic - not syncing', 'echo Oops: 1', 'echo general protection fault']) {
      expect(classifyLine(requestLine('n', cmd) ?? '')).toBeUndefined();
    }
  });

  it('rejects sections whose length does not match the marker', () => {
    expect(decodeSection('\nQUJD\n', 3)?.toString()).toBe('ABC');
    expect(decodeSection('\nQUJD\n', 4)).toBeUndefined();
  });
});
