/**
 * What more than one area of the escape battery uses (the framework is ./battery.ts): the attacks
 * two areas run, the shapes of a refusal, and the host-side lines that start what an attack is
 * aimed at. An area that lists a shared attack under an id and title of its own (escape-caps
 * names the capability the attack proves) spreads it: `{ ...REBOOT, id, title }`.
 */
import { vpoll } from '../poll.ts';
import { REALM, type Attack, type Expectation } from './battery.ts';

/** Either errno a refused permission check gives (DAC or a capability). */
export const EACCES_OR_EPERM = ['EACCES', 'EPERM'] as const;

/** A refusal the probe reports in a line of its own ("REFUSED <what> <detail>"), exit 1. */
export const refusedBecause = (what: RegExp): Expectation => ({ exitCode: 1, stdout: what });

/** A listener of the host: busybox httpd on ADDR:PORT ([v6] allowed), polled until listening. */
export const httpd = (addr: string, port: number): string =>
  `httpd -f -p ${addr}:${port} -h /tmp >/dev/null 2>&1 & ${vpoll(`netstat -ltn | grep -q ":${port} "`)}`;

/** Abstract unix sockets @NAME (stream) and @NAME.d (datagram) of the host (escape-net unix-serve), polled until there. */
export const unixServer = (name: string): string => `escape-net unix-serve ${name} >/dev/null 2>&1 & ${vpoll(`grep -q @${name}.d /proc/net/unix`)}`;

/** A node of the host's disk (b 8 0) the host left in the guest's /dev, made fresh. */
export const LEAKED_DISK_NODE = 'rm -f $ROOT/dev/sda && mknod $ROOT/dev/sda b 8 0';

/** reboot(2) from the guest: the host's vshelper is told, the machine stays up. */
export const REBOOT: Attack = {
  id: 'reboot',
  title: 'reboot(2) goes to the vshelper, not the machine (the control would reboot it)',
  command: 'escape-fs reboot',
  refused: { exitCode: 0 },
  succeeded: null,
  afterGuest: { command: 'cat /run/vshelper.log', stdout: new RegExp(`restart ${REALM.xid}`) },
};

/** kexec_load(2): a new kernel for the whole machine (the syscall exists on vserver-distro only). */
export const KEXEC_LOAD: Attack = {
  id: 'kexec-load',
  title: 'kexec_load(2) (CAP_SYS_BOOT is in the default bcaps)',
  command: 'escape-fs kexec_load',
  refused: { errno: 'EPERM' },
  distroOnly: true,
};
