// SPDX-License-Identifier: GPL-2.0
/*
 * vlimit: show or set a context's resource limits.
 *
 *   vlimit [-c|--xid X] [-n] [-d] [-a|--all]
 *          [[-M|-S|-H] --RES VALUE]... [--dir D [--missingok]] [-- CMD...]
 *
 * RES is one of cpu fsize data stack core rss nproc nofile memlock as
 * locks msgqueue nsock openfd anon shmem semary nsems dentry, or a limit
 * id 0..31.  VALUE is a number (decimal or 0x hex) or "inf".  -M, -S and
 * -H say which value of the next --RES is meant (minimum, soft, hard);
 * the default is the hard limit.  The kernel ignores minimums and clamps
 * the soft limit to the hard one.
 *
 * --dir D reads the same settings from files in D: "<res>" and
 * "<res>.hard" hold a hard limit, "<res>.soft" a soft and "<res>.min" a
 * minimum, one value each.  A missing D is an error unless --missingok.
 *
 * Without --xid the caller's own context is meant.  -a prints, after any
 * changes, one line per limit: the name, then minimum, soft and hard
 * limit starting at columns 10, 30 and 50 (-n leaves the names out, so
 * the columns start at 0, 20 and 40).  Values print as 0x hex (decimal
 * with -d), "inf" for no limit and "N/A" when unset or not supported by
 * the kernel.
 *
 * Exit status: CMD's own if given, else 0; 255 on usage errors and
 * kernel errors ("vlimit: set_rlimit(nproc): <error text>").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

#define MAX_ID		32

static const char usage_line[] =
	"usage: vlimit [-c|--xid X] [-n] [-d] [-a|--all] [[-M|-S|-H] --RES VALUE]... "
	"[--dir D [--missingok]] [-- CMD...]\n";

/* Names in the order -a lists them, with their limit ids. */
static const struct {
	const char *name;
	unsigned int id;
} vlimit_names[] = {
	{ "cpu", 0 }, { "fsize", 1 }, { "data", 2 }, { "stack", 3 },
	{ "core", 4 }, { "rss", 5 }, { "nproc", 6 }, { "nofile", 7 },
	{ "memlock", 8 }, { "as", 9 }, { "locks", 10 }, { "msgqueue", 12 },
	{ "nsock", VLIMIT_NSOCK }, { "openfd", VLIMIT_OPENFD },
	{ "anon", VLIMIT_ANON }, { "shmem", VLIMIT_SHMEM },
	{ "semary", VLIMIT_SEMARY }, { "nsems", VLIMIT_NSEMS },
	{ "dentry", VLIMIT_DENTRY },
};

#define NR_NAMES (sizeof(vlimit_names) / sizeof(vlimit_names[0]))

/* The values asked for, per id: CRLIM_KEEP where nothing was asked. */
struct request {
	uint64_t val[MAX_ID][3];	/* minimum, soft, hard */
	uint32_t touched;		/* bit n: id n has a value */
};

enum { MIN, SOFT, HARD };

static int limit_id(const char *name)
{
	long long v;
	size_t i;

	for (i = 0; i < NR_NAMES; i++)
		if (!strcmp(vlimit_names[i].name, name))
			return (int)vlimit_names[i].id;
	if (!vc_parse_num(name, 0, MAX_ID - 1, &v))
		return (int)v;
	return -1;
}

static const char *limit_name(unsigned int id)
{
	size_t i;

	for (i = 0; i < NR_NAMES; i++)
		if (vlimit_names[i].id == id)
			return vlimit_names[i].name;
	return NULL;
}

static int parse_value(const char *s, uint64_t *v)
{
	long long n;

	if (!strcmp(s, "inf")) {
		*v = CRLIM_INFINITY;
		return 0;
	}
	if (vc_parse_num(s, 0, INT64_MAX, &n))
		return -1;
	*v = (uint64_t)n;
	return 0;
}

static void request_set(struct request *rq, int id, int which, uint64_t v)
{
	rq->val[id][which] = v;
	rq->touched |= 1U << id;
}

/* Read "<res>", "<res>.min", "<res>.soft", "<res>.hard" files in @dir. */
static int read_dir(const char *dir, int missingok, struct request *rq)
{
	static const char *const suffix[] = { ".min", ".soft", ".hard", "" };
	static const int which[] = { MIN, SOFT, HARD, HARD };
	char path[4096], line[64];
	size_t i, s;
	FILE *f;

	if (access(dir, F_OK)) {
		if (missingok && errno == ENOENT)
			return 0;
		fprintf(stderr, "vlimit: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < NR_NAMES; i++) {
		for (s = 0; s < 4; s++) {
			uint64_t v;

			snprintf(path, sizeof(path), "%s/%s%s", dir,
				 vlimit_names[i].name, suffix[s]);
			f = fopen(path, "r");
			if (!f)
				continue;
			if (!fgets(line, sizeof(line), f))
				line[0] = '\0';
			fclose(f);
			line[strcspn(line, " \t\n")] = '\0';
			if (parse_value(line, &v)) {
				fprintf(stderr, "vlimit: %s: bad value '%s'\n", path, line);
				return -1;
			}
			request_set(rq, (int)vlimit_names[i].id, which[s], v);
		}
	}
	return 0;
}

static void print_value(int ok, uint64_t v, int decimal, int width)
{
	char buf[32];

	if (!ok || v == CRLIM_UNSET)
		snprintf(buf, sizeof(buf), "N/A");
	else if (v == CRLIM_INFINITY)
		snprintf(buf, sizeof(buf), "inf");
	else
		snprintf(buf, sizeof(buf), decimal ? "%llu" : "0x%llx",
			 (unsigned long long)v);
	if (width)
		printf("%-*s", width, buf);
	else
		printf("%s\n", buf);
}

static void show_all(uint32_t xid, int names, int decimal)
{
	size_t i;

	for (i = 0; i < NR_NAMES; i++) {
		struct vcmd_ctx_rlimit_v0 lim = { .id = vlimit_names[i].id };
		int ok = vc_get_rlimit(xid, &lim) == 0;

		if (names)
			printf("%-10s", vlimit_names[i].name);
		print_value(ok, lim.minimum, decimal, 20);
		print_value(ok, lim.softlimit, decimal, 20);
		print_value(ok, lim.maximum, decimal, 0);
	}
}

static int apply(uint32_t xid, const struct request *rq)
{
	unsigned int id;

	for (id = 0; id < MAX_ID; id++) {
		struct vcmd_ctx_rlimit_v0 lim = {
			.id		= id,
			.minimum	= rq->val[id][MIN],
			.softlimit	= rq->val[id][SOFT],
			.maximum	= rq->val[id][HARD],
		};
		char what[40];

		if (!(rq->touched & (1U << id)))
			continue;
		if (vc_set_rlimit(xid, &lim) < 0) {
			const char *name = limit_name(id);

			if (name)
				snprintf(what, sizeof(what), "set_rlimit(%s)", name);
			else
				snprintf(what, sizeof(what), "set_rlimit(%u)", id);
			return vs_fail("vlimit", what);
		}
	}
	return 0;
}

int vlimit_main(int argc, char **argv)
{
	int names = 1, decimal = 0, all = 0, missingok = 0, which = HARD;
	const char *dir = NULL;
	uint32_t xid = VX_ID_SELF;
	struct request rq;
	int i, id, j, k;

	for (j = 0; j < MAX_ID; j++)
		for (k = 0; k < 3; k++)
			rq.val[j][k] = CRLIM_KEEP;
	rq.touched = 0;

	for (i = 1; i < argc; i++) {
		const char *opt = argv[i];

		if (!strcmp(opt, "--")) {
			i++;
			break;
		}
		if (!strcmp(opt, "--help")) {
			fputs(usage_line, stdout);
			printf("  -c, --xid X     the context (default: the caller's own)\n"
			       "  -a, --all       list every limit: name, minimum, soft, hard\n"
			       "  -n              leave the names out; -d print decimal\n"
			       "  -M|-S|-H        the next --RES sets the minimum, soft or hard (default) limit\n"
			       "  --RES VALUE     RES: cpu fsize data stack core rss nproc nofile memlock as\n"
			       "                  locks msgqueue nsock openfd anon shmem semary nsems dentry\n"
			       "                  or an id 0..31; VALUE: a number or inf\n"
			       "  --dir D         read <res>, <res>.min, <res>.soft, <res>.hard files from D\n"
			       "  --missingok     a missing --dir is not an error\n");
			return 0;
		}
		if (!strcmp(opt, "-n")) {
			names = 0;
		} else if (!strcmp(opt, "-d")) {
			decimal = 1;
		} else if (!strcmp(opt, "-a") || !strcmp(opt, "--all")) {
			all = 1;
		} else if (!strcmp(opt, "-M")) {
			which = MIN;
		} else if (!strcmp(opt, "-S")) {
			which = SOFT;
		} else if (!strcmp(opt, "-H")) {
			which = HARD;
		} else if (!strcmp(opt, "--missingok")) {
			missingok = 1;
		} else if (i + 1 >= argc) {
			return vs_usage(usage_line);
		} else if (!strcmp(opt, "-c") || !strcmp(opt, "--xid")) {
			if (vc_parse_xid(argv[++i], &xid))
				return vs_usage(usage_line);
		} else if (!strcmp(opt, "--dir")) {
			dir = argv[++i];
		} else if (!strncmp(opt, "--", 2) && limit_id(opt + 2) >= 0) {
			uint64_t v;

			id = limit_id(opt + 2);
			if (parse_value(argv[++i], &v)) {
				fprintf(stderr, "vlimit: bad value '%s' for %s\n",
					argv[i], opt);
				return 255;
			}
			request_set(&rq, id, which, v);
			which = HARD;
		} else {
			return vs_usage(usage_line);
		}
	}
	if (missingok && !dir)
		return vs_usage(usage_line);
	if (dir && read_dir(dir, missingok, &rq))
		return 255;
	if (!rq.touched && !all && !dir && i >= argc)
		return vs_usage(usage_line);

	if (apply(xid, &rq))
		return 255;
	if (all)
		show_all(xid, names, decimal);
	if (i >= argc)
		return 0;
	fflush(stdout);
	execvp(argv[i], argv + i);
	fprintf(stderr, "vlimit: %s: %s\n", argv[i], strerror(errno));
	return 255;
}
