/**
 * Progress lines on stderr. On a terminal one line is rewritten in place — a kernel build's
 * share done and time left (build/build-estimate.ts) update on it — and a message saying a thing
 * is built, done or failed ("i386/vserver: built …") ends it, so each kernel keeps one finished line. Elsewhere (CI logs,
 * pipes) every message is a plain line of its own.
 */

/** Where progress goes: stderr, or a stand-in in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/**
 * "i386/vserver: built 6.1.192 in 695 s" ends a line; "i386/vserver: 43% …, AR kernel/built-in.a"
 * does not (make names built-in.a objects all through a kernel build).
 */
const ENDS_LINE = /^[^:]*: (built|done|failed)\b/;

export function makeProgress(quiet = false, out: ProgressStream = process.stderr): (message: string) => void {
  const tty = out.isTTY === true;
  let lastLen = 0;
  return (message: string) => {
    if (quiet) return;
    if (tty) {
      const line = message.slice(0, (out.columns || 100) - 1);
      out.write(`\r${line}${' '.repeat(Math.max(0, lastLen - line.length))}`);
      lastLen = line.length;
      if (ENDS_LINE.test(message)) {
        out.write('\n');
        lastLen = 0;
      }
    } else {
      out.write(`[vslab] ${message}\n`);
    }
  };
}
