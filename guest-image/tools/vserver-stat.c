// SPDX-License-Identifier: GPL-2.0
/*
 * vserver-stat: one line per running context.
 *
 *   vserver-stat
 *
 * Prints the header
 *   CTX   PROC    VSZ    RSS  userTIME   sysTIME    UPTIME NAME
 * and one row per context that has processes, in xid order: the number
 * of processes, their summed virtual and resident size, their summed user
 * and system CPU time, the context's uptime and its name ("root server"
 * for 0, "monitoring server" for 1, else its vuname "context" name, else
 * its number).
 *
 * As util-vserver does on interface versions >= 0x00020306, it moves
 * itself into the spectator context (xid 1) and walks /proc/<pid>/stat,
 * asking task_xid for each pid; vserver-stat itself therefore shows up in
 * xid 1.  Uptime: the host's for xid 0; for a context, the host's uptime
 * minus the "BiasUptime:" of /proc/virtual/<xid>/cvirt when the kernel
 * provides that file (the same clock virt_stat reports), else counted from
 * the start of its oldest process.  No column prints 0 for want of
 * kernel data today; if the spectator context cannot be entered, the rows
 * cover only the processes visible from here (a warning says so).
 *
 * Sizes print as K, M or G (1024-based), times as M:SS.hh below an hour,
 * HhMM below a day, else DdHH.  Exit status 0; 255 on usage errors or if
 * /proc cannot be read.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

#define MAX_CTX 256

static const char usage_line[] = "usage: vserver-stat\n";

struct row {
	long xid;
	unsigned long procs;
	unsigned long long vsz, rss_pages, utime, stime, oldest_start;
};

static struct row rows[MAX_CTX];
static int nrows;

static struct row *row_for(long xid)
{
	int k;

	for (k = 0; k < nrows; k++)
		if (rows[k].xid == xid)
			return &rows[k];
	if (nrows == MAX_CTX)
		return NULL;
	memset(&rows[nrows], 0, sizeof(rows[nrows]));
	rows[nrows].xid = xid;
	rows[nrows].oldest_start = ~0ULL;
	return &rows[nrows++];
}

/* Fields of /proc/PID/stat after the command: utime 14, stime 15,
 * starttime 22, vsize 23, rss 24 (1-based, as in proc(5)). */
static int read_stat(const char *pid, unsigned long long v[5])
{
	char path[300], buf[1024], *p;
	unsigned long long f[25];
	FILE *fp;
	size_t n;
	int i;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	fp = fopen(path, "r");
	if (!fp)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p)
		return -1;
	p += 2;		/* ") " */
	while (*p && *p != ' ')	/* state, field 3 */
		p++;
	for (i = 4; i <= 24; i++) {
		char *end;

		f[i] = strtoull(p, &end, 10);
		if (end == p)
			return -1;
		p = end;
	}
	v[0] = f[14];
	v[1] = f[15];
	v[2] = f[22];
	v[3] = f[23];
	v[4] = f[24];
	return 0;
}

static double host_uptime(void)
{
	FILE *f = fopen("/proc/uptime", "r");
	double up = 0;

	if (!f) {
		fprintf(stderr, "vserver-stat: warning: /proc/uptime is not readable\n");
		return 0;
	}
	if (fscanf(f, "%lf", &up) != 1)
		up = 0;
	fclose(f);
	return up;
}

/* Seconds since the context's creation from /proc/virtual/XID/cvirt. */
static int cvirt_uptime(long xid, double host, double *up)
{
	char path[64], line[128];
	FILE *f;
	int ret = -1;

	snprintf(path, sizeof(path), "/proc/virtual/%ld/cvirt", xid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		double bias;

		if (sscanf(line, "BiasUptime: %lf", &bias) == 1) {
			*up = host - bias;
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

static void fmt_size(char *buf, size_t size, unsigned long long bytes)
{
	double k = (double)bytes / 1024;

	if (k < 1000)
		snprintf(buf, size, "%.0fK", k);
	else if (k < 1000 * 1024)
		snprintf(buf, size, "%.1fM", k / 1024);
	else
		snprintf(buf, size, "%.1fG", k / (1024 * 1024));
}

static void fmt_time(char *buf, size_t size, double secs)
{
	unsigned long long s = (unsigned long long)secs;

	if (secs < 0)
		secs = s = 0;
	if (s < 3600)
		snprintf(buf, size, "%llu:%02llu.%02u", s / 60, s % 60,
			 (unsigned)((secs - (double)s) * 100));
	else if (s < 86400)
		snprintf(buf, size, "%lluh%02llu", s / 3600, s / 60 % 60);
	else
		snprintf(buf, size, "%llud%02llu", s / 86400, s / 3600 % 24);
}

static int by_xid(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return (x->xid > y->xid) - (x->xid < y->xid);
}

int vserver_stat_main(int argc, char **argv)
{
	long hz = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	struct dirent *de;
	double host;
	DIR *d;
	int k;

	if (argc == 2 && !strcmp(argv[1], "--help")) {
		fputs(usage_line, stdout);
		printf("Shows processes, memory, CPU time and uptime per context.\n");
		return 0;
	}
	if (argc != 1) {
		fputs(usage_line, stderr);
		return 255;
	}
	if (hz <= 0)
		hz = 100;
	if (vc_ctx_migrate(VX_ID_SPECTATOR, 0) < 0)
		fprintf(stderr, "vserver-stat: warning: cannot enter the spectator context: %s; "
			"counting the processes visible here\n", strerror(errno));
	host = host_uptime();
	d = opendir("/proc");
	if (!d) {
		fprintf(stderr, "vserver-stat: /proc: %s\n", strerror(errno));
		return 255;
	}
	while ((de = readdir(d))) {
		unsigned long long v[5];
		struct row *r;
		long xid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		xid = vc_task_xid((pid_t)atol(de->d_name));
		if (xid < 0 || read_stat(de->d_name, v) < 0)
			continue;
		r = row_for(xid);
		if (!r)
			continue;
		r->procs++;
		r->utime += v[0];
		r->stime += v[1];
		if (v[2] < r->oldest_start)
			r->oldest_start = v[2];
		r->vsz += v[3];
		r->rss_pages += v[4];
	}
	closedir(d);
	qsort(rows, (size_t)nrows, sizeof(rows[0]), by_xid);

	printf("CTX   PROC    VSZ    RSS  userTIME   sysTIME    UPTIME NAME\n");
	for (k = 0; k < nrows; k++) {
		const struct row *r = &rows[k];
		char vsz[32], rss[32], ut[32], st[32], up[32], name[VHI_NAME_LEN];
		double uptime = host;

		if (r->xid != VX_ID_HOST && cvirt_uptime(r->xid, host, &uptime) < 0)
			uptime = host - (double)r->oldest_start / (double)hz;
		fmt_size(vsz, sizeof(vsz), r->vsz);
		fmt_size(rss, sizeof(rss), r->rss_pages * (unsigned long long)page);
		fmt_time(ut, sizeof(ut), (double)r->utime / (double)hz);
		fmt_time(st, sizeof(st), (double)r->stime / (double)hz);
		fmt_time(up, sizeof(up), uptime);
		if (r->xid == VX_ID_HOST)
			strcpy(name, "root server");
		else if (r->xid == VX_ID_SPECTATOR)
			strcpy(name, "monitoring server");
		else if (vc_get_vhi_name((uint32_t)r->xid, VHIN_CONTEXT, name,
					 sizeof(name)) < 0 || !name[0])
			snprintf(name, sizeof(name), "%ld", r->xid);
		printf("%-5ld%5lu%7s%7s%10s%10s%10s %s\n", r->xid, r->procs, vsz,
		       rss, ut, st, up, name);
	}
	return 0;
}
