// SPDX-License-Identifier: GPL-2.0
/*
 * escape-fs: the filesystem, /proc, sysfs and hardware attacks of the
 * escape battery (tests/security/), one subcommand each.  Every
 * subcommand makes the system calls an attacker in a guest would make and
 * reports what the kernel answered, so the same line can run in a guest
 * (where it must be refused) and in the control (plain root in a chroot
 * on a kernel without contexts, where it must work).
 *
 *   escape-fs read PATH                 open and print PATH (up to 4 KiB)
 *   escape-fs read1 PATH                one read() of PATH (devices, kmsg)
 *   escape-fs procpeek root|cwd|fdN REL wait (10 s) for another task
 *                                       running "sleep" (the host's task
 *                                       outside the guest root), read REL
 *                                       below its /proc root, cwd or fd N
 *                                       link, kill it
 *   escape-fs lock PATH                 flock() it (exclusive, then shared),
 *                                       then a POSIX write lock, and unlock
 *   escape-fs write PATH TEXT           open PATH for writing, write TEXT
 *   escape-fs ls DIR                    list DIR's names
 *   escape-fs stat PATH                 lstat PATH ("mode uid gid ino")
 *   escape-fs fhandle DIR INO GEN REL   open_by_handle_at() on DIR's mount
 *                                       with an ext2 handle (FILEID_INO32_GEN,
 *                                       inode INO, generation GEN), then
 *                                       read REL below the inode reached
 *   escape-fs fhandle-link DIR INO GEN REL NEW
 *                                       the same handle opened O_PATH (no
 *                                       open check), then linkat() REL below
 *                                       it to NEW and read NEW
 *   escape-fs linkat FD REL NEW         linkat() REL relative to inherited
 *                                       FD to NEW, then read NEW
 *   escape-fs unlinkat FD REL           unlinkat() REL relative to FD
 *   escape-fs renameat FD REL NEW       renameat() REL relative to FD to
 *                                       NEW, then read NEW
 *   escape-fs name2handle PATH          name_to_handle_at() on PATH
 *   escape-fs handle-write PATH TEXT    name_to_handle_at() on PATH, then
 *                                       open_by_handle_at() for writing
 *                                       (mount fd: PATH itself), append TEXT
 *   escape-fs openat2-inroot DIR REL TEXT
 *                                       openat2(DIR, REL, O_WRONLY|O_APPEND,
 *                                       RESOLVE_IN_ROOT), append TEXT
 *   escape-fs openat FD REL             read REL relative to inherited FD
 *   escape-fs uring-openat FD REL       the same open through io_uring
 *                                       (IORING_OP_OPENAT with IOSQE_ASYNC:
 *                                       an io-wq worker opens it), then
 *                                       read REL
 *   escape-fs fchdir FD REL             fchdir(FD), walk ".." to the top,
 *                                       chroot there, read REL
 *   escape-fs dotdot REL                the classic chroot breakout: keep "/",
 *                                       chroot deeper, fchdir back, walk "..",
 *                                       chroot at the top, read REL
 *   escape-fs chroot DIR REL            chroot(DIR), chdir("/"), read REL
 *   escape-fs chmod PATH MODE           chmod (octal MODE)
 *   escape-fs chown PATH UID GID        lchown
 *   escape-fs utimes PATH               set PATH's times to the epoch
 *   escape-fs unlink PATH               unlink
 *   escape-fs rename FROM TO            rename FROM over TO
 *   escape-fs link FROM TO              hard link
 *   escape-fs mknod PATH b|c MAJ MIN    mknod, then open the node and
 *                                       read one byte
 *   escape-fs mount SRC DIR TYPE        mount(2)
 *   escape-fs mountf SRC DIR TYPE FLAGS mount(2) with FLAGS, a comma list of
 *                                       bind rec remount ro rw move nodev
 *                                       nosuid noexec (or "none")
 *   escape-fs mountd SRC DIR TYPE DATA  mount(2) with the option string DATA
 *                                       (e.g. a cgroup v1 "none,name=N")
 *   escape-fs setxattr PATH NAME VALUE  setxattr(2)
 *   escape-fs rmxattr PATH NAME         removexattr(2)
 *   escape-fs nice INC                  nice(2) (the system call, not the C
 *                                       library's setpriority), then print
 *                                       "OK nice N", N the niceness now
 *   escape-fs setns-self uts|ipc|mnt    setns(2) through a pidfd of the caller
 *                                       into its own namespace of that kind
 *   escape-fs asuser UID SUBCOMMAND ... drop to uid and gid UID (no
 *                                       groups), then SUBCOMMAND
 *   escape-fs umount DIR                umount2(2)
 *   escape-fs pivot NEW OLD             pivot_root(2)
 *   escape-fs fsopen TYPE               fsopen(2) (the new mount API)
 *   escape-fs open_tree PATH            open_tree(2) with OPEN_TREE_CLONE
 *   escape-fs syslog                    syslog(2) SYSLOG_ACTION_READ_ALL
 *   escape-fs swapon PATH               swapon(2)
 *   escape-fs acct PATH                 acct(2)
 *   escape-fs kexec_load                kexec_load(2) with no segments
 *   escape-fs kexec_file_load PATH      kexec_file_load(2) of PATH
 *   escape-fs finit_module PATH         finit_module(2) of PATH
 *   escape-fs reboot                    reboot(2) RESTART
 *   escape-fs vsyscall CMD ID           sys_vserver(CMD, ID, NULL)
 *
 * Output: "OK" plus what was read, and exit 0 when every step worked;
 * "REFUSED <step> <ERRNO>" and exit 1 when the kernel refused a step;
 * "ERROR <text>" and exit 2 for bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <time.h>
#include <linux/io_uring.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

#define BUF_SIZE 4096

static int refused(const char *step)
{
	const char *name = vc_errname(errno);

	if (name)
		printf("REFUSED %s %s\n", step, name);
	else
		printf("REFUSED %s errno %d\n", step, errno);
	return 1;
}

/* The mount(2) flags of a comma list; -1 for an unknown word. */
static long mount_flags(const char *list)
{
	static const struct { const char *name; unsigned long flag; } f[] = {
		{ "none", 0 }, { "rw", 0 }, { "bind", MS_BIND }, { "rec", MS_REC },
		{ "remount", MS_REMOUNT }, { "ro", MS_RDONLY },
		{ "move", MS_MOVE }, { "nodev", MS_NODEV },
		{ "nosuid", MS_NOSUID }, { "noexec", MS_NOEXEC },
	};
	char buf[128], *w, *save = NULL;
	unsigned long flags = 0;
	size_t i;

	if (strlen(list) >= sizeof(buf))
		return -1;
	strcpy(buf, list);
	for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			if (!strcmp(w, f[i].name))
				break;
		if (i == sizeof(f) / sizeof(f[0]))
			return -1;
		flags |= f[i].flag;
	}
	return (long)flags;
}

static int usage(void)
{
	printf("ERROR usage: escape-fs SUBCOMMAND ARG... (see the source)\n");
	return 2;
}

static int num(const char *s, long long min, long long max, long long *v)
{
	return vc_parse_num(s, min, max, v);
}

/* Read @fd to the end (at most BUF_SIZE bytes) and print it after "OK". */
static int dump(int fd, const char *step)
{
	char buf[BUF_SIZE];
	ssize_t n, got = 0;

	while (got < BUF_SIZE - 1) {
		n = read(fd, buf + got, BUF_SIZE - 1 - got);
		if (n < 0) {
			int e = errno;

			close(fd);
			errno = e;
			return refused(step);
		}
		if (!n)
			break;
		got += n;
	}
	close(fd);
	buf[got] = '\0';
	printf("OK %s\n", buf);
	return 0;
}

static int read_at(int dirfd, const char *path)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return refused("open");
	return dump(fd, "read");
}

#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif
#ifndef SYS_io_uring_enter
#define SYS_io_uring_enter 426
#endif

/*
 * openat(@dirfd, @path) as one io_uring request forced to the async
 * workers (IOSQE_ASYNC), so the open runs in an io-wq kernel thread of
 * the caller rather than in the caller itself; then read the file.
 */
static int uring_openat(int dirfd, const char *path)
{
	struct io_uring_params p;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqe;
	unsigned int *tail, *head;
	size_t sq_len, cq_len;
	char *sq, *cq;
	int ring, res;

	memset(&p, 0, sizeof(p));
	ring = syscall(SYS_io_uring_setup, 4, &p);
	if (ring < 0)
		return refused("io_uring_setup");
	sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED, ring,
		  IORING_OFF_SQ_RING);
	cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED, ring,
		  IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * sizeof(*sqes), PROT_READ | PROT_WRITE,
		    MAP_SHARED, ring, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED) {
		printf("ERROR setup mmap: %s\n", strerror(errno));
		return 2;
	}
	memset(&sqes[0], 0, sizeof(sqes[0]));
	sqes[0].opcode = IORING_OP_OPENAT;
	sqes[0].flags = IOSQE_ASYNC;
	sqes[0].fd = dirfd;
	sqes[0].addr = (unsigned long)path;
	sqes[0].open_flags = O_RDONLY | O_CLOEXEC;
	sqes[0].user_data = 1;
	tail = (unsigned int *)(sq + p.sq_off.tail);
	((unsigned int *)(sq + p.sq_off.array))[*tail & (p.sq_entries - 1)] = 0;
	__atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
	if (syscall(SYS_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS,
		    NULL, 0) < 0)
		return refused("io_uring_enter");
	head = (unsigned int *)(cq + p.cq_off.head);
	tail = (unsigned int *)(cq + p.cq_off.tail);
	if (*head == __atomic_load_n(tail, __ATOMIC_ACQUIRE)) {
		puts("ERROR no completion");
		return 2;
	}
	cqe = (struct io_uring_cqe *)(cq + p.cq_off.cqes) +
	      (*head & (p.cq_entries - 1));
	res = cqe->res;
	close(ring);
	if (res < 0) {
		errno = -res;
		return refused("io_uring-openat");
	}
	return dump(res, "read");
}

static int do_read1(const char *path)
{
	char buf[256];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return refused("open");
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0 && errno != EAGAIN) {
		close(fd);
		return refused("read");
	}
	close(fd);
	printf("OK %zd bytes\n", n < 0 ? (ssize_t)0 : n);
	return 0;
}

/*
 * The victim: a task other than us running "sleep" (the battery's
 * outside task), found by its comm, not by its links, so a refused link
 * does not hide it.
 */
static long find_victim(void)
{
	char path[64], comm[32];
	struct dirent *de;
	long pid, found = 0;
	DIR *d = opendir("/proc");
	ssize_t n;
	int fd;

	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		pid = strtol(de->d_name, NULL, 10);
		if (pid <= 0 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, comm, sizeof(comm) - 1);
		close(fd);
		if (n > 0 && !strncmp(comm, "sleep\n", 6))
			found = pid;
	}
	closedir(d);
	return found;
}

static int do_procpeek(const char *kind, const char *rel)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	char path[600], link[64];
	long pid = 0;
	int i, ret;

	if (!strcmp(kind, "root") || !strcmp(kind, "cwd"))
		snprintf(link, sizeof(link), "%s", kind);
	else if (!strncmp(kind, "fd", 2) && kind[2])
		snprintf(link, sizeof(link), "fd/%s", kind + 2);
	else
		return usage();
	for (i = 0; i < 100 && !pid; i++) {
		pid = find_victim();
		if (!pid)
			nanosleep(&tick, NULL);
	}
	if (!pid) {
		printf("ERROR no task running sleep found\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/proc/%ld/%s/%s", pid, link, rel);
	ret = read_at(AT_FDCWD, path);
	kill((pid_t)pid, SIGKILL);
	return ret;
}

static int do_lock(const char *path)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return refused("open");
	if (flock(fd, LOCK_EX) < 0 || flock(fd, LOCK_SH) < 0 ||
	    flock(fd, LOCK_UN) < 0)
		return refused("flock");
	if (fcntl(fd, F_SETLK, &fl) < 0)
		return refused("F_SETLK");
	fl.l_type = F_UNLCK;
	if (fcntl(fd, F_SETLK, &fl) < 0)
		return refused("F_UNLCK");
	close(fd);
	printf("OK\n");
	return 0;
}

static int do_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(text);

	if (fd < 0)
		return refused("open");
	if (write(fd, text, len) != (ssize_t)len) {
		int e = errno;

		close(fd);
		errno = e;
		return refused("write");
	}
	if (close(fd) < 0)
		return refused("close");
	printf("OK\n");
	return 0;
}

static int do_ls(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (!d)
		return refused("opendir");
	printf("OK");
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			printf(" %s", de->d_name);
	printf("\n");
	closedir(d);
	return 0;
}

/* ext2's handle: FILEID_INO32_GEN, a 32-bit inode and generation. */
struct ino32_handle {
	struct file_handle fh;
	uint32_t ino;
	uint32_t gen;
};

/* linkat(@dirfd, @rel) to @newpath, then read @newpath. */
static int link_and_read(int dirfd, const char *rel, const char *newpath)
{
	if (linkat(dirfd, rel, AT_FDCWD, newpath, 0) < 0)
		return refused("linkat");
	return read_at(AT_FDCWD, newpath);
}

static int do_fhandle(const char *dir, const char *ino_s, const char *gen_s,
		      const char *rel, const char *newpath)
{
	struct ino32_handle h;
	long long ino, gen;
	int mfd, fd;

	if (num(ino_s, 1, 0xFFFFFFFFLL, &ino) || num(gen_s, 0, 0xFFFFFFFFLL, &gen))
		return usage();
	mfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mfd < 0)
		return refused("open-mount");
	memset(&h, 0, sizeof(h));
	h.fh.handle_bytes = 8;
	h.fh.handle_type = 1;		/* FILEID_INO32_GEN */
	h.ino = (uint32_t)ino;
	h.gen = (uint32_t)gen;
	fd = open_by_handle_at(mfd, &h.fh,
			       (newpath ? O_PATH : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return refused("open_by_handle_at");
	if (newpath)
		return link_and_read(fd, rel, newpath);
	return read_at(fd, rel);
}

static int do_name2handle(const char *path)
{
	union {
		struct file_handle fh;
		unsigned char raw[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} h;
	const unsigned char *bytes = h.raw + sizeof(struct file_handle);
	int mount_id;
	unsigned int i;

	h.fh.handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0) < 0)
		return refused("name_to_handle_at");
	printf("OK type %d bytes", h.fh.handle_type);
	for (i = 0; i < h.fh.handle_bytes && i < MAX_HANDLE_SZ; i++)
		printf(" %02x", bytes[i]);
	printf("\n");
	return 0;
}

/* Append @text to @fd, close it, say OK. */
static int append_close(int fd, const char *text)
{
	size_t len = strlen(text);

	if (write(fd, text, len) != (ssize_t)len) {
		int e = errno;

		close(fd);
		errno = e;
		return refused("write");
	}
	if (close(fd) < 0)
		return refused("close");
	printf("OK\n");
	return 0;
}

static int do_handle_write(const char *path, const char *text)
{
	union {
		struct file_handle fh;
		unsigned char raw[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} h;
	int mount_id, mfd, fd;

	h.fh.handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0) < 0)
		return refused("name_to_handle_at");
	mfd = open(path, O_RDONLY | O_CLOEXEC);
	if (mfd < 0)
		return refused("open-mount");
	fd = open_by_handle_at(mfd, &h.fh, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return refused("open_by_handle_at");
	return append_close(fd, text);
}

/* struct open_how of <linux/openat2.h>, and RESOLVE_IN_ROOT. */
struct vs_open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

static int do_openat2_inroot(const char *dir, const char *rel, const char *text)
{
	struct vs_open_how how = {
		.flags = O_WRONLY | O_APPEND | O_CLOEXEC,
		.resolve = 0x10,	/* RESOLVE_IN_ROOT */
	};
	int dfd, fd;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return refused("open-dir");
	fd = syscall(SYS_openat2, dfd, rel, &how, sizeof(how));
	if (fd < 0)
		return refused("openat2");
	return append_close(fd, text);
}

/* From the current directory up to a directory that is its own parent. */
static int walk_up(void)
{
	struct stat here, up;
	int i;

	for (i = 0; i < 1024; i++) {
		if (stat(".", &here) < 0)
			return refused("stat .");
		if (stat("..", &up) < 0)
			return refused("stat ..");
		if (here.st_dev == up.st_dev && here.st_ino == up.st_ino)
			break;
		if (chdir("..") < 0)
			return refused("chdir ..");
	}
	if (chroot(".") < 0)
		return refused("chroot .");
	return 0;
}

static int do_fchdir(const char *fd_s, const char *rel)
{
	long long fd;

	if (num(fd_s, 0, 1023, &fd))
		return usage();
	if (fchdir((int)fd) < 0)
		return refused("fchdir");
	if (walk_up())
		return 1;
	return read_at(AT_FDCWD, rel);
}

static int do_dotdot(const char *rel)
{
	int fd = open("/", O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return refused("open /");
	if (mkdir("/.escape-fs", 0700) < 0 && errno != EEXIST)
		return refused("mkdir");
	if (chroot("/.escape-fs") < 0)
		return refused("chroot");
	if (fchdir(fd) < 0)
		return refused("fchdir");
	close(fd);
	if (walk_up())
		return 1;
	return read_at(AT_FDCWD, rel);
}

static int do_mknod(const char *path, const char *type, const char *maj_s,
		    const char *min_s)
{
	long long maj, min;
	mode_t mode;
	char c;
	int fd;

	if (num(maj_s, 0, 4095, &maj) || num(min_s, 0, 1048575, &min))
		return usage();
	if (!strcmp(type, "c"))
		mode = S_IFCHR;
	else if (!strcmp(type, "b"))
		mode = S_IFBLK;
	else
		return usage();
	unlink(path);
	if (mknod(path, mode | 0600, makedev(maj, min)) < 0)
		return refused("mknod");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return refused("open");
	if (read(fd, &c, 1) < 0) {
		close(fd);
		return refused("read");
	}
	close(fd);
	printf("OK\n");
	return 0;
}

static int ok_or(long ret, const char *step)
{
	if (ret < 0)
		return refused(step);
	printf("OK\n");
	return 0;
}

static int do_kexec_file(const char *path)
{
#ifdef SYS_kexec_file_load
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return refused("open");
	/* KEXEC_FILE_NO_INITRAMFS (4), empty command line. */
	return ok_or(syscall(SYS_kexec_file_load, fd, -1, 1UL, "", 4UL),
		     "kexec_file_load");
#else
	(void)path;
	errno = ENOSYS;		/* not in this architecture's table */
	return refused("kexec_file_load");
#endif
}

static int do_finit_module(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return refused("open");
	return ok_or(syscall(SYS_finit_module, fd, "", 0), "finit_module");
}

int escape_fs_main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	char **a = argv + 2;
	int n = argc - 2;
	long long v, w;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "asuser") && n >= 2) {
		if (num(a[0], 0, 65534, &v))
			return usage();
		if (setgroups(0, NULL) < 0 || setresgid((gid_t)v, (gid_t)v, (gid_t)v) < 0 ||
		    setresuid((uid_t)v, (uid_t)v, (uid_t)v) < 0) {
			printf("ERROR setup asuser: %s\n", strerror(errno));
			return 2;
		}
		return escape_fs_main(argc - 2, argv + 2);
	}
	if (!strcmp(cmd, "read") && n == 1)
		return read_at(AT_FDCWD, a[0]);
	if (!strcmp(cmd, "read1") && n == 1)
		return do_read1(a[0]);
	if (!strcmp(cmd, "procpeek") && n == 2)
		return do_procpeek(a[0], a[1]);
	if (!strcmp(cmd, "lock") && n == 1)
		return do_lock(a[0]);
	if (!strcmp(cmd, "write") && n == 2)
		return do_write(a[0], a[1]);
	if (!strcmp(cmd, "ls") && n == 1)
		return do_ls(a[0]);
	if (!strcmp(cmd, "stat") && n == 1) {
		struct stat st;

		if (lstat(a[0], &st) < 0)
			return refused("lstat");
		printf("OK %o %u %u %lu\n", (unsigned int)st.st_mode,
		       (unsigned int)st.st_uid, (unsigned int)st.st_gid,
		       (unsigned long)st.st_ino);
		return 0;
	}
	if (!strcmp(cmd, "fhandle") && n == 4)
		return do_fhandle(a[0], a[1], a[2], a[3], NULL);
	if (!strcmp(cmd, "fhandle-link") && n == 5)
		return do_fhandle(a[0], a[1], a[2], a[3], a[4]);
	if (!strcmp(cmd, "unlinkat") && n == 2) {
		if (num(a[0], 0, 1023, &v))
			return usage();
		if (unlinkat((int)v, a[1], 0) < 0)
			return refused("unlinkat");
		printf("OK unlinked %s\n", a[1]);
		return 0;
	}
	if (!strcmp(cmd, "renameat") && n == 3) {
		if (num(a[0], 0, 1023, &v))
			return usage();
		if (renameat((int)v, a[1], AT_FDCWD, a[2]) < 0)
			return refused("renameat");
		return read_at(AT_FDCWD, a[2]);
	}
	if (!strcmp(cmd, "linkat") && n == 3) {
		if (num(a[0], 0, 1023, &v))
			return usage();
		return link_and_read((int)v, a[1], a[2]);
	}
	if (!strcmp(cmd, "name2handle") && n == 1)
		return do_name2handle(a[0]);
	if (!strcmp(cmd, "handle-write") && n == 2)
		return do_handle_write(a[0], a[1]);
	if (!strcmp(cmd, "openat2-inroot") && n == 3)
		return do_openat2_inroot(a[0], a[1], a[2]);
	if (!strcmp(cmd, "openat") && n == 2) {
		if (num(a[0], 0, 1023, &v))
			return usage();
		return read_at((int)v, a[1]);
	}
	if (!strcmp(cmd, "uring-openat") && n == 2) {
		if (num(a[0], 0, 1023, &v))
			return usage();
		return uring_openat((int)v, a[1]);
	}
	if (!strcmp(cmd, "fchdir") && n == 2)
		return do_fchdir(a[0], a[1]);
	if (!strcmp(cmd, "dotdot") && n == 1)
		return do_dotdot(a[0]);
	if (!strcmp(cmd, "chroot") && n == 2) {
		if (chroot(a[0]) < 0)
			return refused("chroot");
		if (chdir("/") < 0)
			return refused("chdir");
		return read_at(AT_FDCWD, a[1]);
	}
	if (!strcmp(cmd, "chmod") && n == 2) {
		if (num(a[1], 0, 07777, &v))
			return usage();
		return ok_or(chmod(a[0], (mode_t)v), "chmod");
	}
	if (!strcmp(cmd, "chown") && n == 3) {
		if (num(a[1], 0, 65535, &v) || num(a[2], 0, 65535, &w))
			return usage();
		return ok_or(lchown(a[0], (uid_t)v, (gid_t)w), "chown");
	}
	if (!strcmp(cmd, "utimes") && n == 1) {
		struct timeval tv[2] = { { 0, 0 }, { 0, 0 } };

		return ok_or(utimes(a[0], tv), "utimes");
	}
	if (!strcmp(cmd, "unlink") && n == 1)
		return ok_or(unlink(a[0]), "unlink");
	if (!strcmp(cmd, "rename") && n == 2)
		return ok_or(rename(a[0], a[1]), "rename");
	if (!strcmp(cmd, "link") && n == 2)
		return ok_or(link(a[0], a[1]), "link");
	if (!strcmp(cmd, "mknod") && n == 4)
		return do_mknod(a[0], a[1], a[2], a[3]);
	if (!strcmp(cmd, "mount") && n == 3)
		return ok_or(mount(a[0], a[1], a[2], 0, NULL), "mount");
	if (!strcmp(cmd, "mountd") && n == 4)
		return ok_or(mount(a[0], a[1], a[2], 0, a[3]), "mount");
	if (!strcmp(cmd, "mountf") && n == 4) {
		long flags = mount_flags(a[3]);

		if (flags < 0)
			return usage();
		return ok_or(mount(a[0], a[1], a[2], (unsigned long)flags, NULL),
			     "mount");
	}
#ifdef SYS_pidfd_open
	if (!strcmp(cmd, "setns-self") && n == 1) {
		int kind = !strcmp(a[0], "uts") ? CLONE_NEWUTS :
			   !strcmp(a[0], "ipc") ? CLONE_NEWIPC :
			   !strcmp(a[0], "mnt") ? CLONE_NEWNS : 0;
		long fd;

		if (!kind)
			return usage();
		fd = syscall(SYS_pidfd_open, getpid(), 0);
		if (fd < 0)
			return refused("pidfd_open");
		return ok_or(setns((int)fd, kind), "setns");
	}
#endif
#ifdef SYS_nice
	if (!strcmp(cmd, "nice") && n == 1) {
		if (num(a[0], -40, 40, &v))
			return usage();
		if (syscall(SYS_nice, (int)v) < 0)
			return refused("nice");
		errno = 0;
		w = getpriority(PRIO_PROCESS, 0);
		if (errno)
			return refused("getpriority");
		printf("OK nice %lld\n", w);
		return 0;
	}
#endif
	if (!strcmp(cmd, "setxattr") && n == 3)
		return ok_or(setxattr(a[0], a[1], a[2], strlen(a[2]), 0),
			     "setxattr");
	if (!strcmp(cmd, "rmxattr") && n == 2)
		return ok_or(removexattr(a[0], a[1]), "removexattr");
	if (!strcmp(cmd, "umount") && n == 1)
		return ok_or(umount2(a[0], MNT_DETACH), "umount");
	if (!strcmp(cmd, "pivot") && n == 2)
		return ok_or(syscall(SYS_pivot_root, a[0], a[1]), "pivot_root");
	if (!strcmp(cmd, "fsopen") && n == 1)
		return ok_or(syscall(SYS_fsopen, a[0], 0), "fsopen");
	if (!strcmp(cmd, "open_tree") && n == 1)
		/* OPEN_TREE_CLONE | AT_RECURSIVE */
		return ok_or(syscall(SYS_open_tree, AT_FDCWD, a[0], 1 | 0x8000),
			     "open_tree");
	if (!strcmp(cmd, "syslog") && n == 0) {
		char buf[256];

		/* SYSLOG_ACTION_READ_ALL */
		return ok_or(syscall(SYS_syslog, 3, buf, sizeof(buf)), "syslog");
	}
	if (!strcmp(cmd, "swapon") && n == 1)
		return ok_or(swapon(a[0], 0), "swapon");
	if (!strcmp(cmd, "acct") && n == 1)
		return ok_or(acct(a[0]), "acct");
	if (!strcmp(cmd, "kexec_load") && n == 0)
		/* no segments, KEXEC_ARCH_DEFAULT: only the checks run */
		return ok_or(syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0UL),
			     "kexec_load");
	if (!strcmp(cmd, "kexec_file_load") && n == 1)
		return do_kexec_file(a[0]);
	if (!strcmp(cmd, "finit_module") && n == 1)
		return do_finit_module(a[0]);
	if (!strcmp(cmd, "reboot") && n == 0)
		return ok_or(reboot(RB_AUTOBOOT), "reboot");
	if (!strcmp(cmd, "vsyscall") && n == 2) {
		if (num(a[0], 0, 0xFFFFFFFFLL, &v) || num(a[1], 0, 0xFFFFFFFFLL, &w))
			return usage();
		return ok_or(vc_syscall((uint32_t)v, (uint32_t)w, NULL), "vserver");
	}
	return usage();
}
