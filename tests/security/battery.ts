/**
 * The escape battery: attacks a realistic guest would try, each run twice — once inside a guest
 * on the vserver kernel, where it must be REFUSED, and once as plain root in the same chroot on
 * a kernel without contexts (the control), where it must SUCCEED. The control proves that the
 * attack is real (it does reach the host's data or hardware when nothing stops it); the guest
 * run proves that the context stops it.
 *
 * The guest (issue #23's threat model): root in a context with the bound util-vserver's
 * `vattribute --secure` gives (every capability but its insecure set, so SETPCAP, SYSLOG, BPF,
 * PERFMON, MAC_ADMIN, CHECKPOINT_RESTORE and the other newer ones stay in) and the ccaps
 * SET_UTSNAME and RAW_ICMP, chrooted in a guest
 * root directory below a barrier on a tagged filesystem, bound by chbind to 10.42.0.2 (dummy0),
 * started from a host terminal (the console agent's shell). Concretely, per booted machine:
 *
 *   /dev/sda (ext2, built on the host)     mounted at TOP (/vs); `-o tag` in the guest mode
 *   TOP/etc/shadow                         the host's secret ("host-secret"), above the guests
 *   TOP/guests                             the barrier (setattr --barrier, guest mode only)
 *   TOP/guests/g1 = ROOT                   the guest root: busybox, the tools, a minimal /dev,
 *                                          proc and sysfs mounted by the host (as a careless
 *                                          host would), /tmp
 *   TOP/guests/g1/shared/victim43          a file of another context (tag 43, guest mode)
 *
 * and every attack runs as
 *
 *   guest:   vcontext --create --xid 42 -- vattribute --set --flag persistent      (host)
 *            vattribute --xid 42 --set --secure --ccap set_utsname,raw_icmp --flag ~state_setup  (host)
 *            cd ROOT && chbind --silent --ip 10.42.0.2 --
 *              vcontext --migrate --xid 42 --chroot -- /bin/sh -c 'COMMAND'
 *            vattribute --xid 42 --set --flag ~persistent                         (host)
 *   control: cd ROOT && chroot . /bin/sh -c 'COMMAND'         (vserver-off kernel, no context)
 *
 * An attack is data (`Attack`): an id, a title, the shell line (usually one of the probe programs
 * in guest-image/tools, e.g. `escape-fs`, which print "OK …" and exit 0 when every step worked,
 * "REFUSED <step> <ERRNO>" and exit 1 when the kernel refused one), and what each mode must show.
 * An attack may ask for a host-side `prepare` line (run before it in both modes, with $ROOT and
 * $TOP and $MODE set), a host-side `afterGuest` check, `hostFds`, redirections the host shell applies to the attacker (an fd the
 * host leaks into the guest, e.g. `3</vs`), and `wrap`, a host-side line around the attacker
 * (a process group or a terminal it shares with host tasks).
 *
 * One test file per area (tests/security/escape-fs.test.ts, escape-net.test.ts, …) calls
 * `defineBattery(area, attacks)`: it boots one guest per mode, builds the realm and registers one
 * test per attack and mode ("guest: ID title", "control: ID title"). The fixture fails any test
 * during which the kernel printed a splat. The realm's names are exported so attacks can use
 * them (`REALM`).
 *
 * `VSLAB_SECURITY_CONTROL=vserver` runs the control on the vserver kernel as the host instead of
 * on vserver-off (see `controlVariant`).
 *
 * `VSLAB_SECURITY_ARCH=x86_64` (or `VSLAB_ARCH=x86_64`) runs it on the x86_64 kernels; with `VSLAB_SECURITY_COMPAT=1` as
 * well, the probes in the guest root are the i386 build of the tools (the x86_64 image carries it,
 * harness/build/guest-image.ts), so every attack's system calls go through the IA-32 compat entry
 * of the 64-bit kernel (the shell and the host's own tools stay 64-bit).
 *
 * `VSLAB_SECURITY_VARIANT=distro` (npm run test:security:distro) runs the same battery on the
 * `vserver-distro` kernel (Debian-like: AppArmor and Yama stacked, kexec, user namespaces, bpf,
 * io_uring, …); its control is the same kernel with no context (root in the chroot), since that
 * variant has no vserver-off twin. Attacks with `distroOnly` run only there (their syscalls are
 * not built into the small variants).
 *
 * `VSLAB_SECURITY_VARIANT=debug` runs the guest on vserver-debug (lockdep and friends): the refusal
 * paths must print no splat. The control stays on `controlVariant`.
 *
 * An attack with `needsConfig` (e.g. CONFIG_CGROUPS) runs in each mode whose kernel builds that
 * option, read from the variant's config fragments: the vserver kernel builds cgroups for its
 * scheduler, so a guest on it meets cgroupfs and the attack is refused there in every run, while
 * vserver-off does not, so its control runs on the vserver host (VSLAB_SECURITY_CONTROL=vserver)
 * or on vserver-distro. A mode whose kernel lacks the option has nothing to attack.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fragmentNames, parseConfig, type Variant } from '../../harness/build/kernel-config.ts';
import { kernelPatchDir } from '../../harness/paths.ts';
import type { Arch } from '../../harness/machine/machine.ts';
import { useGuest, type GuestHandle } from '../fixtures.ts';

/** What one mode must show. With `errno`, the probe's "REFUSED <step> <ERRNO>" line and exit 1. */
export interface Expectation {
  /** Errno name(s) the refusal may carry; one of them must appear. */
  errno?: string | readonly string[];
  /** Exit status (default: 0 for `succeeded`; 1 with `errno`). */
  exitCode?: number;
  /** stdout must match. */
  stdout?: RegExp;
  /** stdout must not match (e.g. the secret). */
  notStdout?: RegExp;
}

export interface Attack {
  /** Short stable id, e.g. "fs-fhandle-root". */
  id: string;
  title: string;
  /** One shell line run by /bin/sh inside the chroot (single quotes allowed). */
  command: string;
  /** In the guest (vserver kernel, inside the context). */
  refused: Expectation;
  /**
   * In the control (no context). Default: exit 0. `null`: no control, because what is attacked
   * exists only with contexts (the guest's own attributes, /proc/virtual); say why in `title`.
   */
  succeeded?: Expectation | null;
  /** Host-side shell line before the attack (both modes); $ROOT, $TOP and $MODE are set. */
  prepare?: string;
  /** Host-side check after the guest run (e.g. that a reboot reached vshelper). */
  afterGuest?: { command: string; stdout: RegExp };
  /** Redirections on the host command that starts the attacker (fds leaked into the guest). */
  hostFds?: string;
  /**
   * Host-side shell line around the command that starts the attacker (its argument), for
   * attacks on what the attacker shares with host tasks: a process group, a terminal. Its own
   * output and exit status are the attack's.
   */
  wrap?: (attacker: string) => string;
  /** Only on the vserver-distro kernel (the syscall is not built into the small variants). */
  distroOnly?: boolean;
  /**
   * Run the attacker without a chroot in both modes: in the guest a task the host moved into
   * the context without one (`vcontext --migrate` without `--chroot`), in the control host root;
   * both start in ROOT. For what mainline already refuses to every chrooted task (a user
   * namespace), so that the guest's refusal is the context's own and the control can succeed.
   */
  unchrooted?: boolean;
  /**
   * A kernel option the attacked interface needs (`CONFIG_CGROUPS`): the attack runs in a mode
   * only if that mode's kernel builds it (see the top of this file).
   */
  needsConfig?: string;
  /**
   * Extra `--bcap` words for the host's `vattribute --secure` (guest mode), e.g. the bound
   * util-vserver's own `--secure` leaves (UTIL_VSERVER_BOUND).
   */
  bcaps?: string;
}

/**
 * util-vserver's `vattribute --set --secure` (and `chcontext --secure`) sets bcaps to ~INSECURE, a
 * list older than most capabilities: beyond ABI §9's guest defaults the guest keeps SETPCAP,
 * AUDIT_CONTROL, SETFCAP, MAC_OVERRIDE, MAC_ADMIN, SYSLOG, WAKE_ALARM, BLOCK_SUSPEND, AUDIT_READ,
 * PERFMON, BPF and CHECKPOINT_RESTORE, and loses AUDIT_WRITE (bit 29, util-vserver's "QUOTACTL").
 * Our `--secure` sets exactly that bound too (contexts-tools.test.ts); the capability attacks still
 * name these words, so that each of them holds the capability it uses whatever `--secure` becomes,
 * and a refusal can only come from the kernel's rule for it.
 */
export const UTIL_VSERVER_BOUND =
  'setpcap,audit_control,setfcap,mac_override,mac_admin,syslog,wake_alarm,block_suspend,audit_read,perfmon,bpf,checkpoint_restore,~audit_write';

export type Mode = 'guest' | 'control';

export const REALM = {
  top: '/vs',
  root: '/vs/guests/g1',
  xid: 42,
  otherXid: 43,
  ip: '10.42.0.2',
  secret: 'host-secret',
} as const;

/** The ext2 image both modes mount at REALM.top: the host's files above the guest root. */
export const REALM_DISK = {
  sizeMiB: 24,
  files: {
    'etc/shadow': `${REALM.secret}\n`,
    'guests/g1/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\n',
    'guests/g1/shared/victim43': 'victim\n',
  },
} as const;

export const distroRun = process.env['VSLAB_SECURITY_VARIANT'] === 'distro';
/**
 * VSLAB_SECURITY_VARIANT=debug: the guest runs on vserver-debug (lockdep, DEBUG_ATOMIC_SLEEP,
 * list and object debugging), so every attack also checks that the refusal paths print no splat
 * (the fixture fails a test during which the kernel printed one); the control is unchanged.
 */
const debugRun = process.env['VSLAB_SECURITY_VARIANT'] === 'debug';
/**
 * VSLAB_SECURITY_ARCH=x86_64 runs the battery on the 64-bit kernels (default i386); without it
 * VSLAB_ARCH decides, as it does for the area's other files (lsm-off, cow-open-paths), so that
 * `VSLAB_ARCH=x86_64 npm run test:security` runs every file on x86_64.
 */
const securityArch: Arch = ((): Arch => {
  const a = process.env['VSLAB_SECURITY_ARCH'] || process.env['VSLAB_ARCH'] || 'i386';
  if (a !== 'i386' && a !== 'x86_64') throw new Error(`the escape battery runs on i386 or x86_64, not ${a}`);
  return a;
})();
/** VSLAB_SECURITY_COMPAT=1 on x86_64: the attackers are i386 programs (the compat entry). */
const compatProbes = securityArch === 'x86_64' && process.env['VSLAB_SECURITY_COMPAT'] === '1';
/** The tool binary copied into the guest root (every probe is a link to it). */
const probeBinary = compatProbes ? '/usr/lib/vslab/i386/vstool' : '/usr/lib/vslab/vstool';

/** POSIX shell single-quoting. */
export const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The host command that runs @cmd as the attacker in @mode. */
export function attackerCommand(mode: Mode, cmd: string, hostFds = '', guestless = false, bcaps = '', unchrooted = false): string {
  const fds = hostFds === '' ? '' : ` ${hostFds}`;
  const chroot = unchrooted ? '' : 'chroot . ';
  if (mode === 'control' || guestless) return `cd ${REALM.root} && ${chroot}/bin/sh -c ${quote(cmd)}${fds}`;
  // The previous attacker's context is gone once its last task was reaped; wait for it anyway.
  // ccaps can only be raised from the host: the context is created persistent, the host sets its
  // attributes and ends its setup, the attacker enters it through chbind (vcontext --migrate
  // --chroot), and the host drops the persistence afterwards.
  const x = REALM.xid;
  return (
    `i=0; while [ -e /proc/virtual/${x} ] && [ $i -lt 100 ]; do i=$((i+1)); sleep 0.1; done; ` +
    `vcontext --create --silent --xid ${x} -- vattribute --set --flag persistent && ` +
    `vattribute --xid ${x} --set --secure${bcaps === '' ? '' : ` --bcap ${bcaps}`} --ccap set_utsname,raw_icmp --flag ~state_setup && cd ${REALM.root} && ` +
    `{ chbind --silent --ip ${REALM.ip} -- vcontext --migrate --xid ${x}${unchrooted ? '' : ' --chroot'} -- /bin/sh -c ${quote(cmd)}${fds}; ` +
    `r=$?; vattribute --xid ${x} --set --flag ~persistent >/dev/null 2>&1; (exit $r); }`
  );
}

/** Host-side set-up of the realm (both modes): mount, populate, and for the guest the barrier and tags. */
export function realmSetup(mode: Mode): string {
  const { top, root } = REALM;
  const tag = mode === 'guest' ? ' -o tag' : '';
  const lines = [
    `mkdir -p ${top} && mount -t ext2${tag} /dev/sda ${top}`,
    `cp -a /bin /sbin ${root}/ && mkdir -p ${root}/usr/lib/vslab ${root}/usr/sbin ${root}/dev ${root}/proc ${root}/sys ${root}/tmp ${root}/run`,
    `cp ${probeBinary} ${root}/usr/lib/vslab/vstool && cp -a /usr/sbin/. ${root}/usr/sbin/`,
    `mknod -m 666 ${root}/dev/null c 1 3 && mknod -m 666 ${root}/dev/zero c 1 5 && mknod -m 666 ${root}/dev/tty c 5 0`,
    `chmod 1777 ${root}/tmp && chmod 600 ${top}/etc/shadow`,
    `mount -t proc proc ${root}/proc && mount -t sysfs sysfs ${root}/sys`,
    `echo host-marker >/.host-marker`,
  ];
  if (mode === 'guest') {
    lines.push(`setattr --barrier ${top}/guests`, `chxid -c ${REALM.otherXid} ${root}/shared/victim43`);
  }
  return lines.join(' && ');
}

interface Outcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

function check(label: string, o: Outcome, want: Expectation, defaultExit: number): void {
  const where = `${label}\nstdout: ${o.stdout}\nstderr: ${o.stderr}`;
  if (want.errno !== undefined) {
    const names = typeof want.errno === 'string' ? [want.errno] : want.errno;
    const m = /^REFUSED (.+) (\S+)$/m.exec(o.stdout);
    expect(m?.[2], where).toBeOneOf([...names]);
    expect(o.exitCode, where).toBe(want.exitCode ?? 1);
  } else {
    expect(o.exitCode, where).toBe(want.exitCode ?? defaultExit);
  }
  if (want.stdout !== undefined) expect(o.stdout, where).toMatch(want.stdout);
  if (want.notStdout !== undefined) expect(o.stdout, where).not.toMatch(want.notStdout);
}

/**
 * The control's kernel: vserver-off (the patch built without CONFIG_VSERVER) unless
 * VSLAB_SECURITY_CONTROL=vserver, which runs the control on the vserver kernel as the host
 * (no context, no barrier, no tag mount) — the same protection switched off by not entering a
 * context, and one kernel build less while working on the battery.
 */
const controlVariant: Variant = process.env['VSLAB_SECURITY_CONTROL'] === 'vserver' ? 'vserver' : 'vserver-off';

function modeVariant(mode: Mode): Variant {
  if (distroRun) return 'vserver-distro';
  if (mode === 'guest') return debugRun ? 'vserver-debug' : 'vserver';
  return controlVariant;
}

/** Whether @variant's kernel on the battery's architecture builds @option (=y), from its fragments. */
export function variantBuilds(variant: Variant, option: string): boolean {
  const text = fragmentNames(securityArch, variant)
    .map((name) => readFileSync(join(kernelPatchDir, 'config', name), 'utf8'))
    .join('\n');
  return parseConfig(text).get(option) === 'y';
}

/** Runs one attack in a booted realm and returns what it printed. */
export async function runAttack(h: GuestHandle, mode: Mode, a: Attack): Promise<Outcome> {
  const env = `ROOT=${REALM.root} TOP=${REALM.top} MODE=${mode}`;
  if (a.prepare !== undefined) await h.guest.shell.succeed(`${env} sh -c ${quote(a.prepare)}`);
  // The control on the distro kernel is the same kernel without a context.
  const attacker = attackerCommand(mode, a.command, a.hostFds, false, a.bcaps, a.unchrooted);
  const r = await h.guest.shell.run(a.wrap ? a.wrap(attacker) : attacker, { timeoutMs: 60_000 });
  if (mode === 'guest' && a.afterGuest !== undefined) {
    const after = await h.guest.shell.run(a.afterGuest.command);
    expect(after.stdout, `${a.id}: host-side check ${a.afterGuest.command}`).toMatch(a.afterGuest.stdout);
  }
  return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Registers the battery of one area: a describe block per mode, one booted machine each, one
 * test per attack.
 */
export function defineBattery(area: string, attacks: readonly Attack[]): void {
  const chosen = attacks.filter((a) => distroRun || a.distroOnly !== true);
  for (const mode of ['guest', 'control'] as const) {
    describe(`${area} escape battery, ${mode} (${modeVariant(mode)}${compatProbes ? ', i386 probes' : ''})`, () => {
      const h = useGuest({ arch: securityArch, variant: modeVariant(mode), disk: REALM_DISK });
      beforeAll(async () => {
        await h.guest.shell.succeed(realmSetup(mode));
      });
      for (const a of chosen) {
        if (mode === 'control' && a.succeeded === null) continue;
        if (a.needsConfig !== undefined && !variantBuilds(modeVariant(mode), a.needsConfig)) continue;
        it(`${mode}: ${a.id} ${a.title}`, async () => {
          const o = await runAttack(h, mode, a);
          if (mode === 'guest') check(`${a.id} in the guest`, o, a.refused, 1);
          else check(`${a.id} in the control`, o, a.succeeded ?? {}, 0);
        });
      }
    });
  }
}
