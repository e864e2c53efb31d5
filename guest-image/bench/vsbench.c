// SPDX-License-Identifier: GPL-2.0
/*
 * vsbench: the guest side of vslab's overhead benchmarks (PAPER §8).
 *
 * Each benchmark repeats one small operation and reports the time per
 * operation.  The number of repetitions is found by doubling until one
 * batch lasts at least the target time (-t, default 200 ms), so fast and
 * slow operations are measured over similar spans; only the last batch is
 * reported.  The harness runs the same binary on the vanilla kernel, on
 * the patched kernel in the host context and inside a guest context, and
 * compares the figures side by side.
 *
 * Output, one line per benchmark (tab separated):
 *
 *	NAME	NS_PER_OP	ITERATIONS
 *
 * The program knows nothing of vserver: it runs unchanged on a vanilla
 * kernel.  `run` times a command (fork, exec, wait) for the macro loads.
 *
 * Exit status: 0 on success, 1 when an operation failed (named on
 * stderr), 2 on bad usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The file the stat/open benchmarks use, and the program exec runs ("BUSYBOX true"). */
#ifndef BUSYBOX
#define BUSYBOX		"/bin/busybox"
#endif

#define PAGES_PER_MAP	64
#define MAX_ITERATIONS	(1ULL << 30)

static const char usage_line[] =
	"usage: vsbench [-t MS] [-a IPV4] [-p PORT] [NAME...] | vsbench [-t MS] run -- CMD [ARG...]\n";

/* Settings shared by the benchmarks. */
static struct {
	unsigned int target_ms;
	struct in_addr addr;
	unsigned short port;
	char tmpdir[64];
	char **cmd;
} cfg;

/* A failed operation ends the program: a figure measured around errors is worthless. */
static void die(const char *what)
{
	fprintf(stderr, "vsbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errno = ECHILD;
		die("child failed");
	}
}

/* --- single-process operations: each runs n times --- */

static void bench_null(uint64_t n)
{
	while (n--)
		syscall(SYS_getppid);
}

static void bench_stat(uint64_t n)
{
	struct stat st;

	while (n--)
		if (stat(BUSYBOX, &st) < 0)
			die("stat " BUSYBOX);
}

static void bench_open(uint64_t n)
{
	while (n--) {
		int fd = open(BUSYBOX, O_RDONLY);

		if (fd < 0)
			die("open " BUSYBOX);
		close(fd);
	}
}

static void bench_create(uint64_t n)
{
	char path[96];

	snprintf(path, sizeof(path), "%s/f", cfg.tmpdir);
	while (n--) {
		int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);

		if (fd < 0)
			die("create");
		close(fd);
		if (unlink(path) < 0)
			die("unlink");
	}
}

static void bench_fork(uint64_t n)
{
	while (n--) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0)
			_exit(0);
		reap(pid);
	}
}

static void spawn_and_wait(char *const argv[])
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	reap(pid);
}

static void bench_exec(uint64_t n)
{
	char *const argv[] = { BUSYBOX, "true", NULL };

	while (n--)
		spawn_and_wait(argv);
}

static void bench_run(uint64_t n)
{
	while (n--)
		spawn_and_wait(cfg.cmd);
}

static void bench_pagefault(uint64_t n)
{
	long page = sysconf(_SC_PAGESIZE);

	/* n counts pages, touched in maps of at most PAGES_PER_MAP pages. */
	while (n) {
		uint64_t pages = n < PAGES_PER_MAP ? n : PAGES_PER_MAP;
		char *p = mmap(NULL, pages * page, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			die("mmap");
		for (uint64_t i = 0; i < pages; i++)
			p[i * page] = 1;
		munmap(p, pages * page);
		n -= pages;
	}
}

/* --- two-process operations: a child answers, the parent counts --- */

/*
 * The child echoes every byte from in to out until EOF.  It closes the
 * parent's end (theirs) first, or the parent's close would never reach it.
 */
static pid_t start_echo_child(int in, int out, int theirs)
{
	pid_t pid = fork();
	char c;

	if (pid < 0)
		die("fork");
	if (pid)
		return pid;
	close(theirs);
	while (read(in, &c, 1) == 1)
		if (write(out, &c, 1) != 1)
			_exit(1);
	_exit(0);
}

static void ping_pong(int wr, int rd, uint64_t n)
{
	char c = 'x';

	while (n--) {
		if (write(wr, &c, 1) != 1)
			die("write");
		if (read(rd, &c, 1) != 1)
			die("read");
	}
}

static void bench_pipe(uint64_t n)
{
	int to_child[2], to_parent[2];
	pid_t pid;

	if (pipe(to_child) < 0 || pipe(to_parent) < 0)
		die("pipe");
	pid = start_echo_child(to_child[0], to_parent[1], to_child[1]);
	close(to_child[0]);
	close(to_parent[1]);
	ping_pong(to_child[1], to_parent[0], n);
	close(to_child[1]);
	close(to_parent[0]);
	reap(pid);
}

/*
 * Context switch: two processes on one CPU take turns through
 * sched_yield(); n counts switches.  On a guest with several CPUs the
 * figure would be a yield, not a switch; vslab's guests have one.
 */
static void bench_ctxsw(uint64_t n)
{
	uint64_t half = (n + 1) / 2;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		for (uint64_t i = 0; i < half; i++)
			sched_yield();
		_exit(0);
	}
	for (uint64_t i = 0; i < half; i++)
		sched_yield();
	reap(pid);
}

static int tcp_socket(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;

	if (fd < 0)
		die("socket");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* TCP round trip of one byte to an echo child over the given local address. */
static void bench_tcp(uint64_t n)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr = cfg.addr };
	socklen_t len = sizeof(sa);
	int one = 1, lfd, fd, cfd;
	pid_t pid;

	lfd = tcp_socket();
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_port = htons(cfg.port);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("bind");
	if (listen(lfd, 1) < 0 || getsockname(lfd, (struct sockaddr *)&sa, &len) < 0)
		die("listen");
	fd = tcp_socket();
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("connect");
	cfd = accept(lfd, NULL, NULL);
	if (cfd < 0)
		die("accept");
	close(lfd);
	pid = start_echo_child(cfd, cfd, fd);
	close(cfd);
	ping_pong(fd, fd, n);
	close(fd);
	reap(pid);
}

static const struct bench {
	const char *name;
	void (*fn)(uint64_t n);
	const char *what;
} benches[] = {
	{ "null",	bench_null,	"getppid(2)" },
	{ "stat",	bench_stat,	"stat(2) of /bin/busybox" },
	{ "open",	bench_open,	"open(2)+close(2) of /bin/busybox" },
	{ "create",	bench_create,	"create+close+unlink on /tmp" },
	{ "fork",	bench_fork,	"fork+exit+wait" },
	{ "exec",	bench_exec,	"fork+exec busybox true+wait" },
	{ "pipe",	bench_pipe,	"pipe round trip between two processes" },
	{ "ctxsw",	bench_ctxsw,	"context switch (sched_yield ping-pong)" },
	{ "pagefault",	bench_pagefault, "anonymous page fault (per page)" },
	{ "tcp",	bench_tcp,	"TCP round trip of one byte over -a ADDR" },
};

#define NBENCH (sizeof(benches) / sizeof(benches[0]))

/* Double the batch until it lasts target_ms; report the last batch. */
static void measure(const char *name, void (*fn)(uint64_t n))
{
	uint64_t n = 1, t0, dt;

	fn(1);				/* warm caches and lazy set-up */
	for (;;) {
		t0 = now_ns();
		fn(n);
		dt = now_ns() - t0;
		if (dt >= cfg.target_ms * 1000000ULL || n >= MAX_ITERATIONS)
			break;
		n *= 2;
	}
	printf("%s\t%.1f\t%llu\n", name, (double)dt / (double)n, (unsigned long long)n);
	fflush(stdout);
}

static const struct bench *find(const char *name)
{
	for (size_t i = 0; i < NBENCH; i++)
		if (!strcmp(benches[i].name, name))
			return &benches[i];
	return NULL;
}

static int usage(void)
{
	fputs(usage_line, stderr);
	return 2;
}

static void list(void)
{
	fputs(usage_line, stdout);
	for (size_t i = 0; i < NBENCH; i++)
		printf("  %-10s %s\n", benches[i].name, benches[i].what);
	printf("  %-10s %s\n", "run", "fork+exec+wait of CMD (macro loads)");
}

static void cleanup(void)
{
	rmdir(cfg.tmpdir);
}

int main(int argc, char **argv)
{
	long long v;
	char *end;
	int opt, i;

	cfg.target_ms = 200;
	cfg.addr.s_addr = htonl(INADDR_LOOPBACK);
	while ((opt = getopt(argc, argv, "+t:a:p:h")) != -1) {
		switch (opt) {
		case 't':
			v = strtoll(optarg, &end, 10);
			if (*optarg == '\0' || *end || v < 1 || v > 60000)
				return usage();
			cfg.target_ms = (unsigned int)v;
			break;
		case 'a':
			if (inet_pton(AF_INET, optarg, &cfg.addr) != 1)
				return usage();
			break;
		case 'p':
			v = strtoll(optarg, &end, 10);
			if (*optarg == '\0' || *end || v < 0 || v > 65535)
				return usage();
			cfg.port = (unsigned short)v;
			break;
		case 'h':
			list();
			return 0;
		default:
			return usage();
		}
	}
	if (optind < argc && !strcmp(argv[optind], "run")) {
		if (optind + 2 >= argc || strcmp(argv[optind + 1], "--"))
			return usage();
		cfg.cmd = &argv[optind + 2];
		measure("run", bench_run);
		return 0;
	}
	for (i = optind; i < argc; i++)
		if (!find(argv[i])) {
			fprintf(stderr, "vsbench: unknown benchmark '%s'\n", argv[i]);
			return usage();
		}
	snprintf(cfg.tmpdir, sizeof(cfg.tmpdir), "/tmp/vsbench.%d", (int)getpid());
	if (mkdir(cfg.tmpdir, 0700) < 0)
		die("mkdir /tmp/vsbench.PID");
	atexit(cleanup);
	signal(SIGPIPE, SIG_IGN);
	if (optind == argc)
		for (size_t k = 0; k < NBENCH; k++)
			measure(benches[k].name, benches[k].fn);
	for (i = optind; i < argc; i++)
		measure(argv[i], find(argv[i])->fn);
	return 0;
}
