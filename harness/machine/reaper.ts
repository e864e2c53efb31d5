/**
 * Makes sure no emulator outlives the harness: every child is tracked and killed when the
 * Node process exits or is interrupted. (QEMU additionally runs under --pdeathsig KILL.)
 */
interface Killable {
  kill(signal?: NodeJS.Signals): boolean;
}

const children = new Set<Killable>();
let installed = false;

function killAll(): void {
  for (const c of children) c.kill('SIGKILL');
  children.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAll();
      process.kill(process.pid, sig);
    });
  }
}

export function trackChild(c: Killable): void {
  install();
  children.add(c);
}

export function untrackChild(c: Killable): void {
  children.delete(c);
}
