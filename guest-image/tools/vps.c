// SPDX-License-Identifier: GPL-2.0
/*
 * vps: ps for every context, with a CONTEXT column.
 *
 *   vps [ps option]...
 *
 * vps moves itself into the spectator context (xid 1), which sees the
 * tasks of every context, runs /usr/bin/ps (our procps-style ps applet in
 * the guest, as util-vserver's vps does) with the given options and
 * copies its output, inserting a 20-character CONTEXT column after the
 * PID column and the blank that follows it (where util-vserver's vps puts
 * it): the task's xid
 * right-aligned in 5 characters, a space, and the context's name: MAIN for
 * 0, ALL_PROC for 1, else the context's name (vuname's "context" field)
 * or, if it has none, its number.  A task gone before vps asked for its
 * context shows "?".  Output without a PID column is copied unchanged.
 *
 * If the spectator context cannot be entered (a kernel without contexts),
 * vps says so on stderr and shows what it can see from where it is.  It
 * warns when /proc/uptime is unreadable (ps needs it for times).
 *
 * Exit status: ps's own; 255 on usage or internal errors (ps failing
 * without output counts as a usage error: it refused its options).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "applets.h"
#include "lib.h"

#define NAME_WIDTH 14
#define MAX_CACHE 64

static const char usage_line[] = "usage: vps [ps option]...\n";

static struct {
	long xid;
	char name[NAME_WIDTH + 1];
} cache[MAX_CACHE];
static int ncache;

static const char *context_name(long xid, char *tmp, size_t size)
{
	char buf[VHI_NAME_LEN];
	int k;

	if (xid == VX_ID_HOST)
		return "MAIN";
	if (xid == VX_ID_SPECTATOR)
		return "ALL_PROC";
	for (k = 0; k < ncache; k++)
		if (cache[k].xid == xid)
			return cache[k].name;
	if (vc_get_vhi_name((uint32_t)xid, VHIN_CONTEXT, buf, sizeof(buf)) < 0 ||
	    !buf[0])
		snprintf(buf, sizeof(buf), "%ld", xid);
	snprintf(tmp, size, "%.*s", NAME_WIDTH, buf);
	if (ncache < MAX_CACHE) {
		cache[ncache].xid = xid;
		snprintf(cache[ncache].name, sizeof(cache[ncache].name), "%s", tmp);
		ncache++;
	}
	return tmp;
}

/* Where token k of line ends (index just past it), or -1. */
static long token_end(const char *line, int k, long *start)
{
	long i = 0;
	int t = -1;

	for (;;) {
		while (line[i] == ' ' || line[i] == '\t')
			i++;
		if (!line[i] || line[i] == '\n')
			return -1;
		t++;
		*start = i;
		while (line[i] && line[i] != ' ' && line[i] != '\t' && line[i] != '\n')
			i++;
		if (t == k)
			return i;
	}
}

/* Read all of fd into a NUL-terminated buffer. */
static char *slurp(int fd)
{
	size_t len = 0, size = 65536;
	char *buf = malloc(size);
	ssize_t n;

	if (!buf)
		return NULL;
	while ((n = read(fd, buf + len, size - len - 1)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		len += (size_t)n;
		if (size - len < 2) {
			char *more = realloc(buf, size * 2);

			if (!more)
				break;
			buf = more;
			size *= 2;
		}
	}
	buf[len] = '\0';
	return buf;
}

static void print_with_context(char *out, pid_t ps_pid)
{
	char *lines[8192], *p = out, tmp[NAME_WIDTH + 1];
	long start, end, width = 0;
	int n = 0, pidtok = -1, k, t;

	while (*p && n < (int)(sizeof(lines) / sizeof(lines[0]))) {
		lines[n++] = p;
		p = strchr(p, '\n');
		if (!p)
			break;
		*p++ = '\0';
	}
	if (n) {
		/* The header's PID token. */
		for (t = 0; token_end(lines[0], t, &start) >= 0; t++) {
			end = token_end(lines[0], t, &start);
			if (end - start == 3 && !strncmp(lines[0] + start, "PID", 3)) {
				pidtok = t;
				break;
			}
		}
	}
	if (pidtok < 0) {
		for (k = 0; k < n; k++)
			printf("%s\n", lines[k]);
		return;
	}
	/* One insertion column for all lines: past the rightmost PID end and its blank. */
	for (k = 0; k < n; k++) {
		end = token_end(lines[k], pidtok, &start);
		if (end + 1 > width)
			width = end + 1;
	}
	for (k = 0; k < n; k++) {
		char *line = lines[k];
		long len = (long)strlen(line), at = width < len ? width : len;
		char col[64];

		if (k == 0) {
			snprintf(col, sizeof(col), "%-20s", "CONTEXT");
		} else {
			long long pid;
			char pidtext[32];

			end = token_end(line, pidtok, &start);
			snprintf(pidtext, sizeof(pidtext), "%.*s",
				 (int)(end > start ? end - start : 0), line + start);
			if (end < 0 || vc_parse_num(pidtext, 1, 0x7FFFFFFF, &pid)) {
				printf("%s\n", line);
				continue;
			}
			/* ps itself is gone by now; it ran where we are. */
			long xid = vc_task_xid(pid == ps_pid ? 0 : (pid_t)pid);

			if (xid < 0)
				snprintf(col, sizeof(col), "%5s %s", "?", "?");
			else
				snprintf(col, sizeof(col), "%5ld %s", xid,
					 context_name(xid, tmp, sizeof(tmp)));
			/* Padded to 20; a longer field gets one blank after it. */
			if (strlen(col) < 20)
				snprintf(col + strlen(col), sizeof(col) - strlen(col),
					 "%*s", (int)(20 - strlen(col)), "");
			else
				strcat(col, " ");
		}
		printf("%.*s%s%s\n", (int)at, line, col, line + at);
	}
}

int vps_main(int argc, char **argv)
{
	int fds[2], status;
	char *out;
	pid_t pid;

	if (argc == 2 && !strcmp(argv[1], "--help")) {
		fputs(usage_line, stdout);
		printf("Runs ps in the spectator context and adds a CONTEXT column after PID.\n");
		return 0;
	}
	if (access("/proc/uptime", R_OK) < 0)
		fprintf(stderr, "vps: warning: /proc/uptime is not readable: %s\n",
			strerror(errno));
	if (vc_ctx_migrate(VX_ID_SPECTATOR, 0) < 0)
		fprintf(stderr, "vps: warning: cannot enter the spectator context: %s; "
			"showing the processes visible here\n", strerror(errno));
	if (pipe(fds) < 0) {
		fprintf(stderr, "vps: pipe: %s\n", strerror(errno));
		return 255;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "vps: fork: %s\n", strerror(errno));
		return 255;
	}
	if (pid == 0) {
		close(fds[0]);
		if (dup2(fds[1], STDOUT_FILENO) < 0)
			_exit(255);
		close(fds[1]);
		argv[0] = "ps";
		execv("/usr/bin/ps", argv);
		fprintf(stderr, "vps: ps: %s\n", strerror(errno));
		_exit(255);
	}
	close(fds[1]);
	out = slurp(fds[0]);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = 255 << 8;
			break;
		}
	if (!out) {
		fprintf(stderr, "vps: out of memory\n");
		return 255;
	}
	/* ps refused its options: that is our usage error. */
	if (!*out && WIFEXITED(status) && WEXITSTATUS(status)) {
		free(out);
		fputs(usage_line, stderr);
		return 255;
	}
	print_with_context(out, pid);
	free(out);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}
