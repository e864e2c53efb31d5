// SPDX-License-Identifier: GPL-2.0
/*
 * vsched: change a context's CPU scheduler settings (its token bucket).
 *
 *   vsched [--xid X] [--fill-rate N] [--interval N] [--tokens N]
 *          [--tokens-min N] [--tokens-max N] [--prio-bias N]
 *          [--fill-rate2 N] [--interval2 N] [--cpu-id N] [--bucket-id N]
 *          [--idle-time] [--force] [--dir D [--missingok]] [--] [CMD...]
 *
 * Each option sets one field of the bucket and its bit in the mask of
 * set_sched (v5); fields not named are left as they are.  The spellings
 * util-vserver also accepts work too: --ctx, --tokens_min, --tokens_max,
 * --prio_bias, --priority-bias, --priority_bias; --cpu_mask is accepted
 * with a warning and has no effect.  X is a number or "self" (the
 * caller's own context); without --xid a CMD must be given and the
 * caller's own context is meant.
 *
 * --dir D reads the settings from files in D, one number each, named as
 * the options: fill-rate, interval, tokens, tokens-min, tokens-max,
 * prio-bias (or priority-bias), fill-rate2 and interval2 (both also set
 * idle-time), cpu-id, bucket-id, and idle-time (its presence sets the
 * flag).  The options given on the command line come first, the files
 * override them.  Every subdirectory of D is read the same way for one
 * more set_sched call (a per-CPU bucket, usually with a cpu-id file),
 * with only --idle-time and --force carried over.  A missing D is an
 * error unless --missingok.
 *
 * No output.  Exit status: CMD's own if given, else 0; 255 on usage
 * errors and refused calls ("vsched: set_sched: <error text>").
 */
#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vserver/sched.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] =
	"usage: vsched [--xid X|self] [--fill-rate N] [--interval N] [--tokens N] "
	"[--tokens-min N] [--tokens-max N] [--prio-bias N] [--fill-rate2 N] "
	"[--interval2 N] [--cpu-id N] [--bucket-id N] [--idle-time] [--force] "
	"[--dir D [--missingok]] [--] [CMD...]\n";

/* One settable field: its name (option and file), mask bits, place. */
struct field {
	const char *name;
	uint32_t mask;
	size_t offset;
};

#define FIELD(n, m, f) { n, m, offsetof(struct vcmd_sched_v5, f) }

static const struct field fields[] = {
	FIELD("fill-rate",	VXSM_FILL_RATE,		fill_rate[0]),
	FIELD("interval",	VXSM_INTERVAL,		interval[0]),
	FIELD("tokens",		VXSM_TOKENS,		tokens),
	FIELD("tokens-min",	VXSM_TOKENS_MIN,	tokens_min),
	FIELD("tokens-max",	VXSM_TOKENS_MAX,	tokens_max),
	FIELD("prio-bias",	VXSM_PRIO_BIAS,		prio_bias),
	FIELD("priority-bias",	VXSM_PRIO_BIAS,		prio_bias),
	FIELD("fill-rate2",	VXSM_FILL_RATE2 | VXSM_IDLE_TIME, fill_rate[1]),
	FIELD("interval2",	VXSM_INTERVAL2 | VXSM_IDLE_TIME, interval[1]),
	FIELD("cpu-id",		VXSM_CPU_ID,		cpu_id),
	FIELD("bucket-id",	VXSM_BUCKET_ID,		bucket_id),
};

#define NR_FIELDS (sizeof(fields) / sizeof(fields[0]))

/* The field and the bits of @mask among its own. */
static void set_field(struct vcmd_sched_v5 *s, const struct field *f,
		      int32_t v, uint32_t mask)
{
	memcpy((char *)s + f->offset, &v, sizeof(v));
	s->mask |= f->mask & mask;
}

static int parse_value(const char *s, int32_t *v)
{
	long long n;

	if (vc_parse_num(s, INT32_MIN, INT32_MAX, &n))
		return -1;
	*v = (int32_t)n;
	return 0;
}

static long set_sched(uint32_t xid, struct vcmd_sched_v5 *s)
{
	if (vc_syscall(VCMD_set_sched, xid, s) < 0)
		return vs_fail("vsched", "set_sched");
	return 0;
}

/* One file of a settings directory; unknown names are skipped. */
static int read_file(const char *dir, const char *name,
		     struct vcmd_sched_v5 *s)
{
	char path[4096], line[64];
	size_t i;
	int32_t v;
	FILE *f;

	if (!strcmp(name, "idle-time")) {
		s->mask |= VXSM_IDLE_TIME;
		return 0;
	}
	for (i = 0; i < NR_FIELDS; i++)
		if (!strcmp(name, fields[i].name))
			break;
	if (i == NR_FIELDS)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "vsched: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, " \t\n")] = '\0';
	if (parse_value(line, &v)) {
		fprintf(stderr, "vsched: %s: is not a number\n", path);
		return -1;
	}
	set_field(s, &fields[i], v, ~0U);
	return 0;
}

/*
 * Apply directory @dir on top of @s; with @top, each subdirectory is
 * another bucket (one level only).
 */
static int read_dir(uint32_t xid, const char *dir, int missingok, int top,
		    struct vcmd_sched_v5 *s)
{
	struct dirent *de;
	char path[4096];
	struct stat st;
	DIR *dp;
	int ret = 0;

	dp = opendir(dir);
	if (!dp) {
		if (missingok && errno == ENOENT)
			return 0;
		fprintf(stderr, "vsched: %s: %s\n", dir, strerror(errno));
		return 255;
	}
	while ((de = readdir(dp))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) || S_ISDIR(st.st_mode))
			continue;
		if (read_file(dir, de->d_name, s)) {
			ret = 255;
			goto out;
		}
	}
	if (set_sched(xid, s)) {
		ret = 255;
		goto out;
	}
	if (!top)
		goto out;

	rewinddir(dp);
	while ((de = readdir(dp))) {
		struct vcmd_sched_v5 sub = {
			.mask = s->mask & (VXSM_IDLE_TIME | VXSM_FORCE),
		};

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) || !S_ISDIR(st.st_mode))
			continue;
		ret = read_dir(xid, path, 0, 0, &sub);
		if (ret)
			break;
	}
out:
	closedir(dp);
	return ret;
}

enum {
	O_XID = 256, O_DIR, O_MISSINGOK, O_FORCE, O_IDLE, O_CPUMASK, O_HELP,
	O_VERSION, O_FIELD = 1024,
};

struct args {
	struct vcmd_sched_v5 s;
	const char *dir;
	int missingok, have_xid;
	uint32_t xid;
};

static int on_opt(void *ctx, int opt, char *arg)
{
	struct args *a = ctx;
	long own;
	int32_t v;

	if (opt >= O_FIELD && opt < O_FIELD + (int)NR_FIELDS) {
		const struct field *f = &fields[opt - O_FIELD];

		if (parse_value(arg, &v)) {
			fprintf(stderr, "vsched: non-numeric value specified for '--%s'\n",
				f->name);
			return 255;
		}
		/* On the command line the idle pair does not imply the flag. */
		set_field(&a->s, f, v, ~(uint32_t)VXSM_IDLE_TIME);
		return 0;
	}
	switch (opt) {
	case O_XID:
		if (!strcmp(arg, "self")) {
			own = vc_task_xid(0);
			if (own < 0)
				return vs_fail("vsched", "task_xid");
			a->xid = (uint32_t)own;
		} else if (vc_parse_xid(arg, &a->xid)) {
			return vs_usage(usage_line);
		}
		a->have_xid = 1;
		return 0;
	case O_DIR:		a->dir = arg; return 0;
	case O_MISSINGOK:	a->missingok = 1; return 0;
	case O_FORCE:		a->s.mask |= VXSM_FORCE; return 0;
	case O_IDLE:		a->s.mask |= VXSM_IDLE_TIME; return 0;
	case O_CPUMASK:
		fputs("vsched: WARNING: the '--cpu_mask' parameter is deprecated and will not have any effect\n",
		      stderr);
		return 0;
	case O_VERSION:
		puts("vsched (vslab) -- modifies scheduling parameters");
		return VC_OPT_DONE;
	}
	fputs(usage_line, stdout);
	printf("  --xid X         the context, a number or self (default: the caller's own,\n"
	       "                  only with a CMD)\n"
	       "  --fill-rate N   tokens added every interval; --interval N ticks between fills\n"
	       "  --tokens N      the bucket's level now; --tokens-min N level an empty bucket\n"
	       "                  must reach again; --tokens-max N the bucket's size\n"
	       "  --prio-bias N   nice levels added to the context (-20..20)\n"
	       "  --fill-rate2 N, --interval2 N   the idle-time pair (kept, no effect)\n"
	       "  --cpu-id N, --bucket-id N       which bucket (all CPUs share bucket 0)\n"
	       "  --idle-time     set the idle-time flag; --force apply now\n"
	       "  --dir D         read the settings from files in D (subdirectories: more\n"
	       "                  buckets); --missingok: a missing D is not an error\n");
	return VC_OPT_DONE;
}

int vsched_main(int argc, char **argv)
{
	static const struct option fixed[] = {
		{ "xid",	required_argument,	NULL, O_XID },
		{ "ctx",	required_argument,	NULL, O_XID },
		{ "dir",	required_argument,	NULL, O_DIR },
		{ "missingok",	no_argument,		NULL, O_MISSINGOK },
		{ "force",	no_argument,		NULL, O_FORCE },
		{ "idle-time",	no_argument,		NULL, O_IDLE },
		{ "cpu_mask",	required_argument,	NULL, O_CPUMASK },
		{ "help",	no_argument,		NULL, O_HELP },
		{ "version",	no_argument,		NULL, O_VERSION },
		{ "tokens_min",	required_argument,	NULL, O_FIELD + 3 },
		{ "tokens_max",	required_argument,	NULL, O_FIELD + 4 },
		{ "prio_bias",	required_argument,	NULL, O_FIELD + 5 },
		{ "priority_bias", required_argument,	NULL, O_FIELD + 6 },
	};
	static struct option longopts[sizeof(fixed) / sizeof(fixed[0]) +
				      NR_FIELDS + 1];
	static struct args a;
	size_t i, n = 0;
	int ret, rest;

	memset(&a, 0, sizeof(a));
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		longopts[n++] = fixed[i];
	for (i = 0; i < NR_FIELDS; i++)
		longopts[n++] = (struct option){ fields[i].name, required_argument,
						 NULL, O_FIELD + (int)i };
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };

	ret = vc_walk_opts(argc, argv, "+", longopts, usage_line, on_opt, &a, &rest);
	if (ret)
		return ret == VC_OPT_DONE ? 0 : ret;
	if (!a.have_xid && rest >= argc) {
		fputs("vsched: without a program, '--xid' must be used\n", stderr);
		return 255;
	}
	if (!a.s.mask && !a.dir && rest >= argc) {
		fputs("vsched: neither an option nor a program was specified\n", stderr);
		return 255;
	}
	if (!a.have_xid) {
		long own = vc_task_xid(0);

		if (own < 0)
			return vs_fail("vsched", "task_xid");
		a.xid = (uint32_t)own;
	}

	if (a.dir)
		ret = read_dir(a.xid, a.dir, a.missingok, 1, &a.s);
	else if (a.s.mask)
		ret = set_sched(a.xid, &a.s) ? 255 : 0;
	if (ret)
		return ret;
	return vc_exec_rest("vsched", argv + rest);
}
