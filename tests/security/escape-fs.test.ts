/**
 * The filesystem, /proc, sysfs and hardware part of the escape battery (issue #23; framework and
 * threat model in ./battery.ts): every attack runs in a guest on the vserver kernel, where it
 * must be refused, and as plain root in the same chroot on the vserver-off kernel, where it must
 * work. Probes: `escape-fs` (guest-image/tools/escape-fs.c).
 */
import { EACCES_OR_EPERM, KEXEC_LOAD, LEAKED_DISK_NODE, REBOOT } from './attacks.ts';
import { defineBattery, REALM, type Attack } from './battery.ts';

/** A file of another context (tag 43 in the guest run) in the guest's tree, made fresh. */
const victim = (name: string): string =>
  `echo victim >$ROOT/shared/${name} && chmod 644 $ROOT/shared/${name} && { [ $MODE = control ] || chxid -c ${REALM.otherXid} $ROOT/shared/${name}; }`;

/**
 * A task of the attacker's context (or, in the control, any host task) whose root, cwd and fd 3
 * are outside the guest root: the host starts it and, in the guest run, moves it into the
 * context as soon as the attacker has created it (vcontext --migrate, as `vserver enter`
 * without a chroot would).
 */
const outsideTask =
  '( if [ $MODE = control ]; then exec sleep 30 3</vs; fi; i=0; while [ $i -lt 100 ]; do ' +
  `vcontext --migrate --xid ${REALM.xid} -- sleep 30 3</vs 2>/dev/null; [ $? -ne 255 ] && exit 0; i=$((i+1)); sleep 0.1; done ) </dev/null >/dev/null 2>&1 &`;

const attacks: Attack[] = [
  // --- chroot breakouts ---
  {
    id: 'chroot-dotdot',
    title: 'chroot deeper, fchdir back to the old root, walk ".." to the real root',
    command: 'escape-fs dotdot .host-marker',
    refused: { errno: 'EACCES' },
    succeeded: { stdout: /^OK host-marker/ },
  },
  {
    id: 'chroot-leaked-dirfd-openat',
    title: 'openat() relative to a directory fd the host leaked into the guest',
    command: 'escape-fs openat 3 etc/shadow',
    hostFds: `3<${REALM.top}`,
    refused: { errno: EACCES_OR_EPERM, notStdout: /host-secret/ },
    succeeded: { stdout: /^OK host-secret/ },
  },
  {
    id: 'uring-leaked-dirfd-openat',
    title: 'the same openat() as one io_uring request forced to an io-wq worker (IOSQE_ASYNC)',
    command: 'escape-fs uring-openat 3 etc/shadow',
    hostFds: `3<${REALM.top}`,
    refused: { errno: EACCES_OR_EPERM, notStdout: /host-secret/ },
    succeeded: { stdout: /^OK host-secret/ },
  },
  {
    id: 'chroot-leaked-dirfd-fchdir',
    title: 'fchdir() to a leaked directory fd, walk ".." and chroot at the top',
    command: 'escape-fs fchdir 3 .host-marker',
    hostFds: `3<${REALM.top}`,
    refused: { errno: EACCES_OR_EPERM, notStdout: /host-marker/ },
    succeeded: { stdout: /^OK host-marker/ },
  },
  {
    id: 'chroot-leaked-dirfd-proc',
    title: 'reopen a leaked directory fd through /proc/self/fd',
    command: 'escape-fs read /proc/self/fd/3/etc/shadow',
    hostFds: `3<${REALM.top}`,
    refused: { errno: EACCES_OR_EPERM, notStdout: /host-secret/ },
    succeeded: { stdout: /^OK host-secret/ },
  },
  {
    id: 'fhandle-root',
    title: "open_by_handle_at() with a guessed ext2 handle (inode 2, generation 0): the host's root, then etc/shadow",
    command: 'escape-fs fhandle / 2 0 etc/shadow',
    refused: { errno: EACCES_OR_EPERM, notStdout: /host-secret/ },
    succeeded: { stdout: /^OK host-secret/ },
  },
  {
    id: 'fhandle-opath-link',
    title: "the same handle opened O_PATH (no open check), then a hard link of the host's etc/shadow into the guest's /tmp, read there",
    prepare: 'rm -f $ROOT/tmp/fh-shadow',
    command: 'escape-fs fhandle-link / 2 0 etc/shadow /tmp/fh-shadow',
    refused: { errno: EACCES_OR_EPERM, notStdout: /host-secret/ },
    succeeded: { stdout: /^OK host-secret/ },
  },
  {
    id: 'chroot-leaked-dirfd-link',
    title: "a hard link of the host's etc/shadow, named through a leaked directory fd, into the guest's /tmp, read there",
    prepare: 'rm -f $ROOT/tmp/fd-shadow',
    command: 'escape-fs linkat 3 etc/shadow /tmp/fd-shadow',
    hostFds: `3<${REALM.top}`,
    refused: { errno: EACCES_OR_EPERM, notStdout: /host-secret/ },
    succeeded: { stdout: /^OK host-secret/ },
  },
  {
    id: 'chroot-leaked-dirfd-unlink',
    title: 'unlinkat() of a host file through a leaked directory fd',
    prepare: 'echo host-file >$TOP/host-unlink',
    command: 'escape-fs unlinkat 3 host-unlink',
    hostFds: `3<${REALM.top}`,
    refused: { errno: EACCES_OR_EPERM },
    succeeded: { stdout: /^OK unlinked host-unlink/ },
  },
  {
    id: 'chroot-leaked-dirfd-rename',
    title: "renameat() of a host file, named through a leaked directory fd, into the guest's /tmp, read there",
    prepare: 'echo host-file >$TOP/host-rename; rm -f $ROOT/tmp/stolen',
    command: 'escape-fs renameat 3 host-rename /tmp/stolen',
    hostFds: `3<${REALM.top}`,
    refused: { errno: EACCES_OR_EPERM, notStdout: /host-file/ },
    succeeded: { stdout: /^OK host-file/ },
  },
  {
    id: 'proc-root-link',
    title: "/proc/PID/root of a task of the same context whose root is the host's",
    command: 'escape-fs procpeek root .host-marker',
    prepare: outsideTask,
    refused: { errno: EACCES_OR_EPERM, notStdout: /host-marker/ },
    succeeded: { stdout: /^OK host-marker/ },
  },
  {
    id: 'proc-cwd-link',
    title: '/proc/PID/cwd of a task of the same context whose cwd is outside the guest',
    command: 'escape-fs procpeek cwd .host-marker',
    prepare: `cd / && ${outsideTask}`,
    refused: { errno: EACCES_OR_EPERM, notStdout: /host-marker/ },
    succeeded: { stdout: /^OK host-marker/ },
  },
  {
    id: 'proc-fd-link',
    title: '/proc/PID/fd/3 of a task of the same context holding a directory above the barrier',
    command: 'escape-fs procpeek fd3 etc/shadow',
    prepare: outsideTask,
    refused: { errno: EACCES_OR_EPERM, notStdout: /host-secret/ },
    succeeded: { stdout: /^OK host-secret/ },
  },
  // --- devices ---
  {
    id: 'mknod-disk',
    title: 'mknod the host disk (b 8 0) and read it',
    command: 'escape-fs mknod /tmp/sda b 8 0',
    refused: { errno: 'EPERM' },
  },
  {
    id: 'open-leaked-disk-node',
    title: 'open a disk node the host left in the guest /dev',
    prepare: LEAKED_DISK_NODE,
    command: 'escape-fs read1 /dev/sda',
    refused: { errno: 'EPERM' },
  },
  {
    id: 'open-leaked-kmsg-node',
    title: 'read the kernel log through a /dev/kmsg node left in the guest',
    prepare: 'rm -f $ROOT/dev/kmsg && mknod $ROOT/dev/kmsg c 1 11',
    command: 'escape-fs read1 /dev/kmsg',
    refused: { errno: 'EPERM' },
  },
  {
    id: 'mknod-mem',
    title: 'mknod /dev/mem (c 1 1) and read physical memory',
    command: 'escape-fs mknod /tmp/mem c 1 1',
    refused: { errno: 'EPERM' },
    distroOnly: true,
  },
  // --- mounts ---
  {
    id: 'mount-proc',
    title: 'mount a fresh procfs',
    command: 'mkdir -p /tmp/m && escape-fs mount proc /tmp/m proc',
    refused: { errno: 'EPERM' },
  },
  {
    id: 'umount',
    title: 'unmount a filesystem the host mounted into the guest',
    prepare: 'mkdir -p $ROOT/mnt/u && mount -t tmpfs tmpfs $ROOT/mnt/u',
    command: 'escape-fs umount /mnt/u',
    refused: { errno: 'EPERM' },
  },
  {
    id: 'fsopen',
    title: 'the new mount API: fsopen("tmpfs")',
    command: 'escape-fs fsopen tmpfs',
    refused: { errno: 'EPERM' },
  },
  {
    id: 'open-tree',
    title: 'open_tree(OPEN_TREE_CLONE) of a directory (a detached bind mount)',
    command: 'escape-fs open_tree /tmp',
    refused: { errno: 'EPERM' },
  },
  {
    id: 'pivot-root',
    title: 'pivot_root(2) (the control passes the capability check and fails on the chroot shape: EINVAL)',
    command: 'mkdir -p /tmp/old && escape-fs pivot / /tmp/old',
    refused: { errno: 'EPERM' },
    succeeded: { errno: ['EINVAL', 'EBUSY'] },
  },
  // --- /proc and /sys ---
  {
    id: 'sysctl-write',
    title: 'write a sysctl (vm.drop_caches)',
    command: 'escape-fs write /proc/sys/vm/drop_caches 1',
    refused: { errno: EACCES_OR_EPERM },
  },
  {
    id: 'sysfs-pci-rescan',
    title: 'write /sys/bus/pci/rescan (root passes DAC on sysfs)',
    command: 'escape-fs write /sys/bus/pci/rescan 1',
    refused: { errno: EACCES_OR_EPERM },
  },
  {
    id: 'sysfs-module-param',
    title: 'write a module parameter (/sys/module/printk/parameters/time)',
    command: 'escape-fs write /sys/module/printk/parameters/time Y',
    refused: { errno: EACCES_OR_EPERM },
  },
  {
    id: 'sysfs-block-queue',
    title: "write the host disk's queue settings (/sys/block/sda/queue/read_ahead_kb)",
    command: 'escape-fs write /sys/block/sda/queue/read_ahead_kb 128',
    refused: { errno: EACCES_OR_EPERM },
  },
  {
    id: 'proc-bus-pci',
    title: 'list /proc/bus/pci (hidden from guests)',
    command: 'escape-fs ls /proc/bus/pci',
    refused: { errno: ['ENOENT', 'EACCES', 'EPERM'] },
  },
  {
    id: 'proc-irq',
    title: 'list /proc/irq (hidden from guests)',
    command: 'escape-fs ls /proc/irq',
    refused: { errno: ['ENOENT', 'EACCES', 'EPERM'] },
  },
  {
    id: 'proc-kallsyms',
    title: 'read /proc/kallsyms (hidden from guests)',
    command: 'escape-fs read1 /proc/kallsyms',
    refused: { errno: ['ENOENT', 'EACCES', 'EPERM'] },
    distroOnly: true,
  },
  {
    id: 'proc-kcore',
    title: 'read /proc/kcore',
    command: 'escape-fs read1 /proc/kcore',
    refused: { errno: ['ENOENT', 'EACCES', 'EPERM'] },
    distroOnly: true,
  },
  {
    id: 'syslog',
    title: 'read the kernel log with syslog(2)',
    command: 'escape-fs syslog',
    refused: { errno: 'EPERM' },
  },
  // --- other contexts' files on the shared tagged mount ---
  {
    id: 'tag-read',
    title: "read another context's file",
    prepare: victim('v-read'),
    command: 'escape-fs read /shared/v-read',
    refused: { errno: 'EACCES' },
    succeeded: { stdout: /^OK victim/ },
  },
  {
    id: 'tag-chmod',
    title: "chmod another context's file",
    prepare: victim('v-chmod'),
    command: 'escape-fs chmod /shared/v-chmod 777',
    refused: { errno: EACCES_OR_EPERM },
  },
  {
    id: 'tag-chown',
    title: "chown another context's file",
    prepare: victim('v-chown'),
    command: 'escape-fs chown /shared/v-chown 1 1',
    refused: { errno: EACCES_OR_EPERM },
  },
  {
    id: 'tag-utimes',
    title: "set the times of another context's file",
    prepare: victim('v-utimes'),
    command: 'escape-fs utimes /shared/v-utimes',
    refused: { errno: EACCES_OR_EPERM },
  },
  {
    id: 'tag-unlink',
    title: "unlink another context's file",
    prepare: victim('v-unlink'),
    command: 'escape-fs unlink /shared/v-unlink',
    refused: { errno: EACCES_OR_EPERM },
  },
  {
    id: 'tag-rename-over',
    title: "rename a file over another context's file",
    prepare: victim('v-over'),
    command: 'echo mine >/tmp/mine && escape-fs rename /tmp/mine /shared/v-over',
    refused: { errno: EACCES_OR_EPERM },
  },
  {
    id: 'tag-rename-away',
    title: "rename another context's file away",
    prepare: victim('v-away'),
    command: 'escape-fs rename /shared/v-away /tmp/stolen',
    refused: { errno: EACCES_OR_EPERM },
  },
  {
    id: 'tag-link',
    title: "hard-link another context's file",
    prepare: victim('v-link'),
    command: 'rm -f /tmp/l && escape-fs link /shared/v-link /tmp/l',
    refused: { errno: EACCES_OR_EPERM },
  },
  // --- the guest's own protections ---
  {
    id: 'retag-foreign',
    title: "retag another context's file to oneself (set_iattr TAG; exists only with contexts)",
    prepare: victim('v-retag'),
    command: `chxid -c ${REALM.xid} /shared/v-retag`,
    refused: { exitCode: 1 },
    succeeded: null,
  },
  {
    id: 'barrier-set-root',
    title: 'change the barrier attribute (set_iattr BARRIER on its root; exists only with contexts)',
    command: 'setattr --~barrier /',
    refused: { exitCode: 1 },
    succeeded: null,
  },
  {
    id: 'proc-virtual-other',
    title: 'see another context in /proc/virtual (exists only with contexts)',
    prepare: `[ $MODE = control ] || vcontext --create --silent --xid ${REALM.otherXid} -- sleep 20 </dev/null >/dev/null 2>&1 &`,
    command: `i=0; while [ $i -lt 30 ] && ! [ -e /proc/virtual/${REALM.otherXid} ]; do i=$((i+1)); sleep 0.1; done; escape-fs ls /proc/virtual/${REALM.otherXid}`,
    refused: { errno: ['ENOENT', 'EACCES'] },
    succeeded: null,
  },
  REBOOT,
  // --- kernel loading (the syscalls exist on vserver-distro only) ---
  KEXEC_LOAD,
  {
    id: 'kexec-file-load',
    title: 'kexec_file_load(2) of a file (x86_64; the control passes the checks and fails on the image: ENOEXEC)',
    command: 'escape-fs kexec_file_load /bin/busybox',
    refused: { errno: 'EPERM' },
    succeeded: { errno: 'ENOEXEC' },
    distroOnly: true,
    needsConfig: 'CONFIG_KEXEC_FILE',
  },
  {
    id: 'finit-module',
    title: 'finit_module(2) (the control passes the capability check and fails on the file: ENOEXEC)',
    command: 'escape-fs finit_module /bin/busybox',
    refused: { errno: 'EPERM' },
    succeeded: { errno: 'ENOEXEC' },
    distroOnly: true,
  },
  {
    id: 'acct',
    title: 'acct(2) process accounting to a file',
    command: 'touch /tmp/acct && escape-fs acct /tmp/acct',
    refused: { errno: 'EPERM' },
    distroOnly: true,
  },
  {
    id: 'swapon',
    title: 'swapon(2) (the control passes the capability check and fails on the file: EINVAL)',
    command: 'dd if=/dev/zero of=/tmp/swap bs=1k count=64 2>/dev/null && escape-fs swapon /tmp/swap',
    refused: { errno: 'EPERM' },
    succeeded: { errno: 'EINVAL' },
    distroOnly: true,
  },
];

defineBattery('filesystem', attacks);
