// SPDX-License-Identifier: GPL-2.0
/*
 * limprobe: take COUNT objects of one kind, one at a time, until done or
 * until the kernel refuses one; for testing a context's limits.
 *
 *   limprobe [--hold] WHAT COUNT [ARG...]
 *
 *   fds COUNT              dup(0)
 *   socks COUNT            socket(AF_UNIX, SOCK_DGRAM)
 *   posix COUNT FILE       fcntl(F_SETLK) write locks on bytes 0, 2, 4, ...
 *   flock COUNT FILE       open FILE and flock(LOCK_SH) it, COUNT times
 *   flockup COUNT FILE     the same, each lock then converted to LOCK_EX
 *   shm COUNT PAGES        SysV segments of PAGES pages (attached, then
 *                          marked for removal, so they go when we do)
 *   sem COUNT NSEMS        SysV semaphore arrays of NSEMS semaphores (at
 *                          most 256 arrays; removed when we exit)
 *   mq COUNT MSGS SIZE     POSIX message queues of MSGS messages of SIZE
 *                          bytes (unlinked at once: they go with the fd)
 *   mlock COUNT PAGES      map and mlock() chunks of PAGES pages
 *   anon COUNT PAGES       map private writable chunks of PAGES pages and
 *                          touch every page
 *   forks COUNT PAGES      touch PAGES private pages (so each fork copies
 *                          page tables for a while), then make COUNT fork
 *                          attempts; each child lives about a millisecond;
 *                          a refused fork (EAGAIN) waits for one child and
 *                          goes on.  Prints "forks ok=N refused=M done".
 *                          Run several at once to race forks at a limit.
 *
 * Prints "WHAT ok=N done" when all COUNT worked, or "WHAT ok=N ERRNAME"
 * (exit 1) at the first refusal.  With --hold it then prints "held" and
 * waits for SIGTERM or SIGINT before exiting, keeping what it took.
 * Exit 255 on usage errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] =
	"usage: limprobe [--hold] fds|socks|posix|flock|flockup|shm|sem|mq|mlock|anon\n"
	"                COUNT [ARG...]\n"
	"       limprobe forks COUNT PAGES\n";

static volatile sig_atomic_t stop;

/* The semaphore arrays taken, removed before exit (they outlive processes). */
#define MAX_SEMS 256
static int semids[MAX_SEMS];
static long nsemids;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

/* Parse a positive count; -1 if bad. */
static long count_arg(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *end || end == s || v < 0)
		return -1;
	return v;
}

/* Take object @i of kind @what; 0 or an errno. */
static int take(const char *what, long i, char **arg, int nargs)
{
	long pages = nargs > 0 ? count_arg(arg[0]) : 0;
	size_t len = (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
	char name[64];
	void *p;
	int fd;

	if (!strcmp(what, "fds"))
		return dup(0) < 0 ? errno : 0;
	if (!strcmp(what, "socks"))
		return socket(AF_UNIX, SOCK_DGRAM, 0) < 0 ? errno : 0;
	if (!strcmp(what, "posix")) {
		static int lfd = -1;
		struct flock fl = {
			.l_type = F_WRLCK, .l_whence = SEEK_SET,
			.l_start = 2 * i, .l_len = 1,
		};

		if (lfd < 0)
			lfd = open(arg[0], O_RDWR | O_CREAT, 0600);
		if (lfd < 0)
			return errno;
		return fcntl(lfd, F_SETLK, &fl) < 0 ? errno : 0;
	}
	if (!strcmp(what, "flock") || !strcmp(what, "flockup")) {
		fd = open(arg[0], O_RDONLY | O_CREAT, 0600);
		if (fd < 0)
			return errno;
		if (flock(fd, LOCK_SH | LOCK_NB) < 0)
			return errno;
		if (what[5] && flock(fd, LOCK_EX | LOCK_NB) < 0)
			return errno;
		return 0;
	}
	if (!strcmp(what, "shm")) {
		int id = shmget(IPC_PRIVATE, len, IPC_CREAT | 0600);

		if (id < 0)
			return errno;
		p = shmat(id, NULL, 0);
		shmctl(id, IPC_RMID, NULL);
		return p == (void *)-1 ? errno : 0;
	}
	if (!strcmp(what, "sem")) {
		int id;

		if (nsemids == MAX_SEMS)
			return ENOSPC;
		id = semget(IPC_PRIVATE, (int)pages, IPC_CREAT | 0600);
		if (id < 0)
			return errno;
		semids[nsemids++] = id;
		return 0;
	}
	if (!strcmp(what, "mq")) {
		struct mq_attr attr = {
			.mq_maxmsg = count_arg(arg[0]),
			.mq_msgsize = nargs > 1 ? count_arg(arg[1]) : 0,
		};

		snprintf(name, sizeof(name), "/limprobe-%d-%ld", (int)getpid(), i);
		fd = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
		if (fd < 0)
			return errno;
		mq_unlink(name);
		return 0;
	}
	if (!strcmp(what, "mlock") || !strcmp(what, "anon")) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return errno;
		if (what[0] == 'a') {
			memset(p, 0x5a, len);
			return 0;
		}
		return mlock(p, len) < 0 ? errno : 0;
	}
	return EINVAL;
}

/* forks COUNT PAGES: fork attempts that keep children briefly alive. */
static const char *errname(int err)
{
	const char *name = vc_errname(err);

	return name ? name : strerror(err);
}

static int fork_churn(long count, long pages)
{
	size_t len = (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
	long i, ok = 0, refused = 0;
	char *p = NULL;
	pid_t pid;

	if (len) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			printf("forks ok=0 %s\n", errname(errno));
			return 1;
		}
		memset(p, 0x5a, len);
	}
	for (i = 0; i < count; i++) {
		pid = fork();
		if (pid == 0) {
			usleep(1000);
			_exit(0);
		}
		if (pid > 0) {
			ok++;
			continue;
		}
		if (errno != EAGAIN) {
			printf("forks ok=%ld %s\n", ok, errname(errno));
			return 1;
		}
		refused++;
		wait(NULL);
	}
	while (wait(NULL) > 0 || errno == EINTR)
		;
	printf("forks ok=%ld refused=%ld done\n", ok, refused);
	return 0;
}

int limprobe_main(int argc, char **argv)
{
	static const char *const kinds[] = {
		"fds", "socks", "posix", "flock", "flockup", "shm", "sem", "mq",
		"mlock", "anon",
	};
	static const int nargs[] = { 0, 0, 1, 1, 1, 1, 1, 2, 1, 1 };
	int hold = 0, err = 0, known = -1;
	const char *what;
	long count, i;
	size_t k;

	/* A static buffer: stdio allocates nothing once the probe ran. */
	static char outbuf[BUFSIZ];

	setvbuf(stdout, outbuf, _IOLBF, sizeof(outbuf));
	if (argc > 1 && !strcmp(argv[1], "--hold")) {
		hold = 1;
		argv++;
		argc--;
	}
	if (argc < 3)
		return vs_usage(usage_line);
	what = argv[1];
	if (!strcmp(what, "forks")) {
		if (hold || argc != 4 || count_arg(argv[2]) < 0 ||
		    count_arg(argv[3]) < 0)
			return vs_usage(usage_line);
		return fork_churn(count_arg(argv[2]), count_arg(argv[3]));
	}
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (!strcmp(what, kinds[k]))
			known = (int)k;
	count = count_arg(argv[2]);
	if (known < 0 || count < 0 || argc != 3 + nargs[known])
		return vs_usage(usage_line);
	for (k = 3; k < (size_t)argc; k++)
		if (count_arg(argv[k]) < 0 && strcmp(what, "posix") &&
		    strncmp(what, "flock", 5))
			return vs_usage(usage_line);

	for (i = 0; i < count; i++) {
		err = take(what, i, argv + 3, argc - 3);
		if (err)
			break;
	}
	if (err) {
		const char *name = vc_errname(err);

		printf("%s ok=%ld %s\n", what, i, name ? name : strerror(err));
	} else {
		printf("%s ok=%ld done\n", what, i);
	}
	if (hold) {
		signal(SIGTERM, on_stop);
		signal(SIGINT, on_stop);
		printf("held\n");
		fflush(stdout);
		while (!stop)
			pause();
	}
	while (nsemids > 0)
		semctl(semids[--nsemids], 0, IPC_RMID);
	return err ? 1 : 0;
}
