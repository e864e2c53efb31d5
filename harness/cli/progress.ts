/** Progress lines on stderr: rewritten in place on a terminal, one per line otherwise. */
export function makeProgress(quiet = false): (message: string) => void {
  const tty = process.stderr.isTTY;
  let lastLen = 0;
  return (message: string) => {
    if (quiet) return;
    if (tty) {
      const line = message.slice(0, (process.stderr.columns || 100) - 1);
      process.stderr.write(`\r${line}${' '.repeat(Math.max(0, lastLen - line.length))}`);
      lastLen = line.length;
      if (/built|done|failed/.test(message)) {
        process.stderr.write('\n');
        lastLen = 0;
      }
    } else {
      process.stderr.write(`[vslab] ${message}\n`);
    }
  };
}
