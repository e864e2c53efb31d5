// SPDX-License-Identifier: GPL-2.0
/*
 * ps: a small procps-style process list, installed as /usr/bin/ps.
 * util-vserver's vps runs /usr/bin/ps and finds the PID column by a
 * right-aligned "PID" header ending where the pids end (procps style);
 * busybox's ps prints PID left-aligned, so the guest gets this one.
 *
 *   ps [-e|-A|a|x]... [-f|u]   (options may be combined: -ef, aux, ax)
 *
 * Every process visible in /proc is listed, whatever the selection
 * options say: the guest has no login sessions to select by, so -e, -A,
 * a and x are accepted and change nothing (without them procps would
 * list only the caller's terminal; we list everything, as busybox does).
 * Formats:
 *   default  "  PID TTY          TIME CMD"
 *   -f       "UID        PID  PPID  C STIME TTY          TIME CMD"
 *   u        "USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START     TIME COMMAND"
 * PID is right-aligned in 5 columns (wider pids widen it), TIME is the
 * CPU time [DD-]HH:MM:SS, TTY "?" or the terminal (ttyS0, pts/N, ...),
 * CMD the command name (-f, u: the command line, or [name] for kernel
 * threads).  %CPU, %MEM and C are 0.0 / 0: this ps does not sample.
 * STIME/START is the start time as HH:MM (since boot, in the clock the
 * process sees).
 *
 * Exit status 0; 1 on an unknown option (with a usage line).
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] = "usage: ps [-e|-A|a|x]... [-f|u]\n";

enum { FMT_DEFAULT, FMT_FULL, FMT_USER };

struct proc {
	int pid, ppid, tty;
	char state, comm[64], cmd[256];
	unsigned long long ticks, start;
	unsigned long vsz_kb, rss_kb;
	unsigned int uid;
};

static int read_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (int)n;
}

static int read_proc(int pid, struct proc *p)
{
	char path[64], buf[1024], *lp, *rp;
	unsigned long long ut, st, start;
	unsigned long vsz;
	long rss;
	int n, k;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	lp = strchr(buf, '(');
	rp = strrchr(buf, ')');
	if (!lp || !rp)
		return -1;
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	snprintf(p->comm, sizeof(p->comm), "%.*s", (int)(rp - lp - 1), lp + 1);
	/* state ppid pgrp session tty_nr ... utime(14) stime(15) ... starttime(22) vsize rss */
	if (sscanf(rp + 2, "%c %d %*d %*d %d %*d %*u %*u %*u %*u %*u %llu %llu "
		   "%*d %*d %*d %*d %*d %*d %llu %lu %ld",
		   &p->state, &p->ppid, &p->tty, &ut, &st, &start, &vsz, &rss) != 8)
		return -1;
	p->ticks = ut + st;
	p->start = start;
	p->vsz_kb = vsz / 1024;
	p->rss_kb = (unsigned long)rss * (unsigned long)(sysconf(_SC_PAGESIZE) / 1024);

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (read_file(path, buf, sizeof(buf)) > 0 && (lp = strstr(buf, "\nUid:")))
		p->uid = (unsigned int)strtoul(lp + 5, NULL, 10);

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	n = read_file(path, p->cmd, sizeof(p->cmd));
	if (n <= 0) {
		snprintf(p->cmd, sizeof(p->cmd), "[%s]", p->comm);
	} else {
		for (k = 0; k < n - 1; k++)
			if (!p->cmd[k])
				p->cmd[k] = ' ';
	}
	return 0;
}

static void tty_name(int tty, char *buf, size_t size)
{
	unsigned int major = ((unsigned int)tty >> 8) & 0xfff;
	unsigned int minor = ((unsigned int)tty & 0xff) | (((unsigned int)tty >> 12) & 0xfff00);

	if (!tty)
		snprintf(buf, size, "?");
	else if (major == 4 && minor >= 64)
		snprintf(buf, size, "ttyS%u", minor - 64);
	else if (major == 4)
		snprintf(buf, size, "tty%u", minor);
	else if (major == 5 && minor == 1)
		snprintf(buf, size, "console");
	else if (major >= 136 && major <= 143)
		snprintf(buf, size, "pts/%u", (major - 136) * 256 + minor);
	else
		snprintf(buf, size, "%u,%u", major, minor);
}

static void cpu_time(unsigned long long ticks, char *buf, size_t size)
{
	unsigned long long s = ticks / (unsigned long long)sysconf(_SC_CLK_TCK);

	if (s >= 86400)
		snprintf(buf, size, "%llu-%02llu:%02llu:%02llu", s / 86400,
			 s / 3600 % 24, s / 60 % 60, s % 60);
	else
		snprintf(buf, size, "%02llu:%02llu:%02llu", s / 3600, s / 60 % 60, s % 60);
}

static void start_time(unsigned long long ticks, char *buf, size_t size)
{
	unsigned long long s = ticks / (unsigned long long)sysconf(_SC_CLK_TCK);

	snprintf(buf, size, "%02llu:%02llu", s / 3600 % 24, s / 60 % 60);
}

/* The name of uid from /etc/passwd (no NSS in a static binary), or the number. */
static const char *user_name(unsigned int uid, char *buf, size_t size)
{
	char line[512], *colon, *end;
	FILE *f = fopen("/etc/passwd", "r");

	snprintf(buf, size, "%u", uid);
	while (f && fgets(line, sizeof(line), f)) {
		colon = strchr(line, ':');
		end = colon ? strchr(colon + 1, ':') : NULL;
		if (end && strtoul(end + 1, NULL, 10) == uid && end[1] != ':') {
			snprintf(buf, size, "%.*s", (int)(colon - line), line);
			break;
		}
	}
	if (f)
		fclose(f);
	return buf;
}

static void print(const struct proc *p, int fmt)
{
	char tty[32], time[32], start[16], user[32];

	tty_name(p->tty, tty, sizeof(tty));
	cpu_time(p->ticks, time, sizeof(time));
	start_time(p->start, start, sizeof(start));
	switch (fmt) {
	case FMT_FULL:
		printf("%-8s %5d %5d  0 %5s %-8s %8s %s\n",
		       user_name(p->uid, user, sizeof(user)), p->pid, p->ppid,
		       start, tty, time, p->cmd);
		break;
	case FMT_USER:
		printf("%-8s %5d  0.0  0.0 %6lu %5lu %-8s %-4c %5s %8s %s\n",
		       user_name(p->uid, user, sizeof(user)), p->pid, p->vsz_kb,
		       p->rss_kb, tty, p->state, start, time, p->cmd);
		break;
	default:
		printf("%5d %-8s %8s %s\n", p->pid, tty, time, p->comm);
	}
}

static int by_pid(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int ps_main(int argc, char **argv)
{
	static const char *const headers[] = {
		[FMT_DEFAULT]	= "  PID TTY          TIME CMD",
		[FMT_FULL]	= "UID        PID  PPID  C STIME TTY          TIME CMD",
		[FMT_USER]	= "USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START     TIME COMMAND",
	};
	int fmt = FMT_DEFAULT, npid = 0, size = 256, *pids, i;
	struct dirent *de;
	struct proc p;
	const char *c;
	DIR *d;

	for (i = 1; i < argc; i++) {
		for (c = argv[i] + (argv[i][0] == '-'); *c; c++) {
			if (*c == 'f' && argv[i][0] == '-')
				fmt = FMT_FULL;
			else if (*c == 'u' && argv[i][0] != '-')
				fmt = FMT_USER;
			else if (!strchr(argv[i][0] == '-' ? "eA" : "ax", *c))
				return fputs(usage_line, stderr), 1;
		}
	}
	d = opendir("/proc");
	pids = malloc(sizeof(*pids) * (size_t)size);
	if (!d || !pids)
		return vs_fail("ps", "/proc");
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (npid == size) {
			int *more = realloc(pids, sizeof(*pids) * (size_t)(size *= 2));

			if (!more)
				break;
			pids = more;
		}
		pids[npid++] = atoi(de->d_name);
	}
	closedir(d);
	qsort(pids, (size_t)npid, sizeof(*pids), by_pid);
	puts(headers[fmt]);
	for (i = 0; i < npid; i++)
		if (!read_proc(pids[i], &p))
			print(&p, fmt);
	free(pids);
	return 0;
}
