/**
 * Runs the kernel's selftests (build/selftests.ts) in a booted guest with the kernel's own runner,
 * run_kselftest.sh, one call per collection, and reads its KTAP output (ktap.ts) into one result
 * per test program.
 *
 * Two places to run them:
 * - host: in the machine's initial context, as root, from /opt/kselftest;
 * - guest: inside a realistic vserver guest, made as util-vserver makes one: a root directory
 *   (/vservers/kselftest) with busybox, the selftest tree bind-mounted at /opt/kselftest and
 *   proc, sysfs, /dev and a /tmp mounted from outside, entered through chbind (a network context
 *   holding 10.42.0.9 on dummy0) and vcontext --migrate --chroot into a context the host made as
 *   util-vserver does: persistent, its bound lowered to util-vserver's default (`vattribute
 *   --secure`, ABI §9), its setup ended. The runner and the tests see only what a guest sees.
 *
 * busybox's timeout does not do what the runner needs (`timeout --foreground T timeout T cmd`: no
 * --foreground, only the child killed, 143 for a timeout): /usr/bin/timeout becomes a small
 * wrapper (TIMEOUT_WRAPPER) that kills the test's whole process group at the deadline and
 * reports 124, the status the runner turns into "# TIMEOUT". Without /usr/bin/perl the runner prefixes with sed. /dev/stdin,
 * stdout and stderr are made as udev makes them (the runner writes the tests' output to /dev/stdout).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildSelftests, GUEST_SELFTEST_DIR, type SelftestBuild } from '../build/selftests.ts';
import type { Variant } from '../build/kernel-config.ts';
import type { Progress } from '../build/step.ts';
import { shellQuote, type Shell } from '../console/shell.ts';
import { UsageError, VslabError } from '../errors.ts';
import type { Arch, BackendName } from '../machine/machine.ts';
import { bootGuest } from '../guest.ts';
import { parseKselftestOutput, type SelftestResult } from './ktap.ts';

export type RunPlace = 'host' | 'guest';

/** The guest's root, context and address (guest mode). */
export const GUEST_ROOT = '/vservers/kselftest';
export const GUEST_XID_BASE = 4200;
export const GUEST_ADDR = '10.42.0.9';

/** Tests left out of the default selection, with why (an explicit --only still runs them). */
export const NOT_RUN_BY_DEFAULT: Readonly<Record<string, string>> = {
  'net:*.sh, net:*.py': 'the net scripts need iproute2, ethtool, tc, python and friends, which the busybox guest lacks',
};

/**
 * Test programs that 6.1's Makefiles list as TEST_GEN_FILES, so its runner does not know them
 * (later kernels list them as TEST_GEN_PROGS): added to the guest's kselftest-list.txt at run time.
 */
export const UNLISTED_TESTS = ['mount_setattr:mount_setattr_test', 'move_mount_set_group:move_mount_set_group_test'];

/** The net scripts that only run the collection's own programs (need nothing but sh). */
const NET_SCRIPTS_WITHOUT_TOOLS = ['run_netsocktests', 'run_afpackettests'];

/** The runner's own per-test default (kselftest/runner.sh). */
const RUNNER_DEFAULT_TIMEOUT_S = 45;
/** Our deadline per test of a collection whose settings say "timeout=0" (none). */
const UNLIMITED_TEST_DEADLINE_S = 900;
/**
 * Wall-clock seconds per guest second our own deadline allows for: under TCG on a loaded host the
 * guest's clock runs slow (measured: the runner's 45 s futex timeout took 119 s of wall time at a
 * load average of 18 on 2 cores). The tests' own timeouts are the runner's, in guest time; this
 * is only the harness's safety net for a guest that stops answering.
 */
const WALL_PER_GUEST_SECOND = 4;

export interface SelftestRunOptions {
  arch?: Arch;
  variant?: Variant;
  place?: RunPlace;
  backend?: BackendName;
  /** Collections or "collection:test" ids; default: every built test but NOT_RUN_BY_DEFAULT. */
  only?: readonly string[];
  memoryMiB?: number;
  progress?: Progress;
  /** Called with each collection's results as they arrive. */
  onCollection?: (collection: string, results: SelftestResult[]) => void;
}

export interface SelftestRun {
  arch: Arch;
  variant: Variant;
  place: RunPlace;
  /** The kernel's `uname -r -v`. */
  kernel: string;
  results: SelftestResult[];
  /** The runner's whole output (KTAP), collection after collection. */
  ktap: string;
  bootMs: number;
  durationMs: number;
  /** Set when the kernel printed a splat or the machine died: the run stopped there. */
  aborted?: { collection: string; message: string };
}

/** Whether a built test is in the default selection. */
export async function runByDefault(build: SelftestBuild, id: string): Promise<boolean> {
  const [collection, test] = id.split(':') as [string, string];
  if (collection === 'net') {
    // The C programs, and the scripts that only run them: the others drive tools the guest lacks.
    if (NET_SCRIPTS_WITHOUT_TOOLS.includes(test)) return true;
    const head = await readFile(join(build.tree, collection, test)).catch(() => Buffer.alloc(0));
    return head.subarray(0, 4).toString('latin1') === '\x7fELF';
  }
  return true;
}

/** The tests to run: `only` resolved against what was built (unknown names are usage errors). */
export async function selectTests(build: SelftestBuild, only?: readonly string[]): Promise<string[]> {
  const all = [...build.tests];
  for (const id of UNLISTED_TESTS) {
    const [c, t] = id.split(':') as [string, string];
    if (
      !all.includes(id) &&
      (await readFile(join(build.tree, c, t)).then(
        () => true,
        () => false,
      ))
    )
      all.push(id);
  }
  all.sort((a, b) => (a.split(':')[0] ?? '').localeCompare(b.split(':')[0] ?? ''));
  if (only === undefined || only.length === 0) {
    const out: string[] = [];
    for (const id of all) if (await runByDefault(build, id)) out.push(id);
    return out;
  }
  const picked = new Set<string>();
  for (const want of only) {
    const hits = want.includes(':') ? all.filter((t) => t === want) : all.filter((t) => t.startsWith(`${want}:`));
    if (hits.length === 0) {
      const dropped = build.notBuilt.find((n) => n.item === want);
      throw new UsageError(`selftests: no built test or collection "${want}"${dropped !== undefined ? ` (not built: ${dropped.reason})` : ''}`);
    }
    for (const h of hits) picked.add(h);
  }
  return all.filter((t) => picked.has(t));
}

/** Per-test timeout of a collection, from its settings file as the runner reads it. */
async function collectionTimeoutS(build: SelftestBuild, collection: string): Promise<number> {
  const text = await readFile(join(build.tree, collection, 'settings'), 'utf8').catch(() => '');
  const m = /^timeout=(\d+)\s*$/m.exec(text);
  const t = m?.[1] !== undefined ? Number(m[1]) : RUNNER_DEFAULT_TIMEOUT_S;
  return t === 0 ? UNLIMITED_TEST_DEADLINE_S : t;
}

const TIMEOUT_WRAPPER = `#!/bin/sh
# vslab: timeout(1) for kselftest's runner, which calls "timeout --foreground T timeout T CMD".
# busybox's timeout has no --foreground, kills only its child (a test's own children would keep
# the runner's pipe open) and reports a timeout as death by SIGTERM. Here the outer, --foreground
# call only runs its command (GNU's --foreground does not kill children either), and the inner
# one runs CMD in a session of its own, kills that whole group at the deadline and exits 124, as
# GNU timeout does and the runner expects. T=0 means no deadline (a collection's "timeout=0").
if [ "$1" = --foreground ]; then shift 2; exec "$@"; fi
t=$1; shift
[ "$t" = 0 ] && exec "$@"
mark=/tmp/.kselftest-timeout.$$
rm -f $mark
setsid "$@" <&0 &
pid=$!
( sleep "$t"; touch $mark; kill -TERM -$pid; sleep 5; kill -KILL -$pid ) </dev/null >/dev/null 2>&1 &
watch=$!
wait $pid
rc=$?
kill $watch 2>/dev/null
if [ -e $mark ]; then rm -f $mark; exit 124; fi
exit $rc
`;

/**
 * The runner appends the tests' output to /dev/stdout; devtmpfs has no such link (udev makes it),
 * and without it that output would go to a regular file of that name.
 */
const STDIO_LINKS = ['stdin', 'stdout', 'stderr']
  .map((n, fd) => `{ [ -L /dev/${n} ] || { rm -f /dev/${n}; ln -s /proc/self/fd/${fd} /dev/${n}; }; }`)
  .join(' && ');

export function installWrapper(root: string): string {
  return `${STDIO_LINKS} && rm -f ${root}/usr/bin/timeout && printf '%s' ${shellQuote(TIMEOUT_WRAPPER)} > ${root}/usr/bin/timeout && chmod 755 ${root}/usr/bin/timeout`;
}

/** Builds the guest's root directory (guest mode); run from the host context. */
export function guestSetupScript(): string {
  const r = GUEST_ROOT;
  return [
    `mkdir -p ${r}/bin ${r}/sbin ${r}/usr/bin ${r}/usr/sbin ${r}/proc ${r}/sys ${r}/dev ${r}/tmp ${r}/run ${r}/etc ${r}/root ${r}${GUEST_SELFTEST_DIR}`,
    `cp /bin/busybox ${r}/bin/busybox`,
    `cp /etc/passwd /etc/group ${r}/etc/`,
    `mount -t proc proc ${r}/proc`,
    `mount -t sysfs sysfs ${r}/sys`,
    `mount --bind /dev ${r}/dev`,
    `mount -t tmpfs -o mode=1777 tmpfs ${r}/tmp`,
    `mount --bind ${GUEST_SELFTEST_DIR} ${r}${GUEST_SELFTEST_DIR}`,
    `chroot ${r} /bin/busybox --install -s`,
    installWrapper(r),
  ].join(' && ');
}

/** The shell line that runs `tests` (one collection) with the kernel's runner. */
export function runnerCommand(tests: readonly string[], place: RunPlace, xid: number): string {
  const inner = `cd ${GUEST_SELFTEST_DIR} && ./run_kselftest.sh ${tests.map((t) => `-t ${t}`).join(' ')} 2>&1`;
  if (place === 'host') return inner;
  // util-vserver's order (as the escape battery's realistic guest, tests/security/battery.ts):
  // the context is made persistent while in setup, the host lowers its bound to `--secure`
  // (util-vserver's default bcaps, ABI §9) and ends the setup, the runner enters it through
  // chbind and vcontext --migrate --chroot, and the host drops the persistence afterwards.
  return (
    `vcontext --create --silent --xid ${xid} -- vattribute --set --flag persistent && ` +
    `vattribute --xid ${xid} --set --secure --flag ~state_setup && cd ${GUEST_ROOT} && ` +
    `{ chbind --silent --ip ${GUEST_ADDR} -- vcontext --migrate --silent --xid ${xid} --chroot -- /bin/sh -c ${shellQuote(inner)}; ` +
    `r=$?; vattribute --xid ${xid} --set --flag ~persistent >/dev/null 2>&1; (exit $r); }`
  );
}

async function kernelOf(shell: Shell): Promise<string> {
  return (await shell.succeed('uname -r -v')).stdout.trim();
}

/** Boots one guest and runs the selected selftests in it, collection by collection. */
export async function runSelftests(opts: SelftestRunOptions = {}): Promise<SelftestRun> {
  const arch = opts.arch ?? 'i386';
  const variant = opts.variant ?? 'vserver';
  const place = opts.place ?? 'host';
  const progress = opts.progress ?? (() => undefined);
  if (place === 'guest' && (variant === 'vanilla' || variant === 'vserver-off')) {
    throw new UsageError(`selftests: --in guest needs a kernel with contexts (vserver or vserver-debug), not ${variant}`);
  }
  const build = await buildSelftests(arch, progress);
  const tests = await selectTests(build, opts.only);
  const guest = await bootGuest({ arch, variant, backend: opts.backend, memoryMiB: opts.memoryMiB ?? 512, extraInitrds: [build.cpio], progress });
  const started = performance.now();
  const run: SelftestRun = { arch, variant, place, kernel: '', results: [], ktap: '', bootMs: guest.bootMs, durationMs: 0 };
  try {
    const shell = guest.shell;
    run.kernel = await kernelOf(shell);
    await shell.succeed(place === 'guest' ? guestSetupScript() : installWrapper(''));
    const unlisted = UNLISTED_TESTS.filter((t) => tests.includes(t));
    if (unlisted.length > 0) await shell.succeed(`printf '%s\\n' ${unlisted.join(' ')} >> ${GUEST_SELFTEST_DIR}/kselftest-list.txt`);
    const collections = [...new Set(tests.map((t) => t.split(':')[0] ?? ''))];
    for (const [i, collection] of collections.entries()) {
      const mine = tests.filter((t) => t.startsWith(`${collection}:`));
      const perTest = await collectionTimeoutS(build, collection);
      progress(`selftests ${variant}/${place}: ${collection} (${mine.length} test${mine.length === 1 ? '' : 's'})`);
      try {
        const r = await shell.run(runnerCommand(mine, place, GUEST_XID_BASE + i), {
          timeoutMs: (mine.length * (perTest + 10) * WALL_PER_GUEST_SECOND + 120) * 1000,
        });
        run.ktap += r.stdout;
        const results = parseKselftestOutput(r.stdout);
        run.results.push(...results);
        opts.onCollection?.(collection, results);
      } catch (err) {
        if (!(err instanceof VslabError)) throw err;
        run.aborted = { collection, message: err.message.split('\n')[0] ?? err.message };
        break;
      }
    }
  } finally {
    run.durationMs = performance.now() - started;
    await guest.close();
  }
  return run;
}
