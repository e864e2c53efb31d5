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
 * --dir D reads settings from files in D, one value each, for every limit
 * the command line did not set: "<res>" sets minimum, soft and hard
 * limit, "<res>.min", "<res>.soft" and "<res>.hard" one of them (after
 * "<res>").  A missing D is an error unless --missingok.
 *
 * Without --xid the caller's own context is meant (its xid from task_xid,
 * as util-vserver's vlimit asks).  -M, -S and -H add up (as
 * util-vserver's): "-S -H --nofile 64" sets both.  -a prints, after any
 * changes, one line per limit the kernel reports in get_rlimit_mask, in id
 * order, as util-vserver's vlimit lays it out: the name in capitals (its
 * number with -n), then minimum, soft and hard limit, each as two spaces
 * and the value, from columns 10, 30 and 50.  Values print as 0x hex
 * (decimal with -d), "inf" for no limit and "N/A" for a value the mask
 * says the kernel does not keep.
 *
 * Exit status: CMD's own if given, else 0; 255 on usage errors and
 * kernel errors ("vlimit: set_rlimit(nproc): <error text>").
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

#define MAX_ID		32

static const char usage_line[] =
	"usage: vlimit [-c|--xid X] [-n] [-d] [-a|--all] [[-M|-S|-H] --RES VALUE]... "
	"[--dir D [--missingok]] [-- CMD...]\n";

/*
 * Names in the order -a lists them, with their limit ids: ids 0..15 are the
 * kernel's RLIMIT_* numbers, which MIPS (and alpha, sparc) number their own
 * way (NOFILE 5, AS 6, RSS 7, NPROC 8, MEMLOCK 9 there), so the C library's.
 */
static const struct {
	const char *name;
	unsigned int id;
} vlimit_names[] = {
	{ "cpu", RLIMIT_CPU }, { "fsize", RLIMIT_FSIZE }, { "data", RLIMIT_DATA },
	{ "stack", RLIMIT_STACK }, { "core", RLIMIT_CORE }, { "rss", RLIMIT_RSS },
	{ "nproc", RLIMIT_NPROC }, { "nofile", RLIMIT_NOFILE },
	{ "memlock", RLIMIT_MEMLOCK }, { "as", RLIMIT_AS },
	{ "locks", RLIMIT_LOCKS }, { "msgqueue", RLIMIT_MSGQUEUE },
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

/*
 * Read "<res>", then "<res>.min", "<res>.soft", "<res>.hard" in @dir, for
 * the limits the command line left alone.
 */
static int read_dir(const char *dir, int missingok, struct request *rq)
{
	static const char *const suffix[] = { "", ".min", ".soft", ".hard" };
	char path[4096], line[64];
	uint32_t from_cli = rq->touched;
	size_t i, s;
	FILE *f;

	if (access(dir, F_OK)) {
		if (missingok && errno == ENOENT)
			return 0;
		fprintf(stderr, "vlimit: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < NR_NAMES; i++) {
		int id = (int)vlimit_names[i].id;

		if (from_cli & (1U << id))
			continue;
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
			if (s == 0) {
				request_set(rq, id, MIN, v);
				request_set(rq, id, SOFT, v);
				request_set(rq, id, HARD, v);
			} else {
				request_set(rq, id, (int)s - 1, v);
			}
		}
	}
	return 0;
}

/* Two spaces and the value at @col, util-vserver's field. */
static char *put_field(char *line, int col, int kept, uint64_t v, int decimal)
{
	char *p = line + col;

	p += sprintf(p, "  ");
	if (!kept)
		p += sprintf(p, "N/A");
	else if (v == CRLIM_INFINITY)
		p += sprintf(p, "inf");
	else
		p += sprintf(p, decimal ? "%llu" : "0x%llx", (unsigned long long)v);
	*p = ' ';
	return p;
}

static int show_all(uint32_t xid, int names, int decimal)
{
	struct vcmd_ctx_rlimit_mask_v0 mask;
	unsigned int id, k;

	if (vc_get_rlimit_mask(xid, &mask) < 0)
		return vs_fail("vlimit", "get_rlimit_mask");
	for (id = 0; id < MAX_ID; id++) {
		struct vcmd_ctx_rlimit_v0 lim = { .id = id };
		uint32_t bit = 1U << id;
		const char *name = limit_name(id);
		char line[128], *end;

		if (!((mask.minimum | mask.softlimit | mask.maximum) & bit))
			continue;
		if (vc_get_rlimit(xid, &lim) < 0) {
			fprintf(stderr, "vlimit: get_rlimit(%u): %s\n", id, strerror(errno));
			continue;
		}
		memset(line, ' ', sizeof(line));
		if (names && name)
			for (k = 0; name[k]; k++)
				line[k] = (char)toupper((unsigned char)name[k]);
		else
			line[snprintf(line, 11, "%u", id)] = ' ';
		put_field(line, 10, mask.minimum & bit, lim.minimum, decimal);
		put_field(line, 30, mask.softlimit & bit, lim.softlimit, decimal);
		end = put_field(line, 50, mask.maximum & bit, lim.maximum, decimal);
		fwrite(line, 1, (size_t)(end - line), stdout);
		putchar('\n');
	}
	return 0;
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

enum { O_XID = 256, O_ALL, O_DIR, O_MISSINGOK, O_HELP, O_RES = 2048 };

struct args {
	int names, decimal, all, missingok, which;	/* which: bits 1<<MIN... */
	const char *dir;
	uint32_t xid;
	int have_xid;
	struct request rq;
};

static int on_opt(void *ctx, int opt, char *arg)
{
	struct args *a = ctx;
	uint64_t v;
	int k;

	if (opt >= O_RES && opt < O_RES + MAX_ID) {
		if (parse_value(arg, &v)) {
			fprintf(stderr, "vlimit: bad value '%s' for --%s\n", arg,
				limit_name(opt - O_RES) ? limit_name(opt - O_RES) : "limit");
			return 255;
		}
		/* -M, -S, -H add up for the next --RES; none given: hard. */
		for (k = MIN; k <= HARD; k++)
			if ((a->which ? a->which : 1 << HARD) & (1 << k))
				request_set(&a->rq, opt - O_RES, k, v);
		a->which = 0;
		return 0;
	}
	switch (opt) {
	case 'n':		a->names = 0; return 0;
	case 'd':		a->decimal = 1; return 0;
	case 'a':
	case O_ALL:		a->all = 1; return 0;
	case 'M':		a->which |= 1 << MIN; return 0;
	case 'S':		a->which |= 1 << SOFT; return 0;
	case 'H':		a->which |= 1 << HARD; return 0;
	case O_MISSINGOK:	a->missingok = 1; return 0;
	case O_DIR:		a->dir = arg; return 0;
	case 'c':
	case O_XID:
		if (vc_parse_xid(arg, &a->xid))
			return vs_usage(usage_line);
		a->have_xid = 1;
		return 0;
	}
	fputs(usage_line, stdout);
	printf("  -c, --xid X     the context (default: the caller's own)\n"
	       "  -a, --all       list every limit: name, minimum, soft, hard\n"
	       "  -n              limit numbers instead of names; -d print decimal\n"
	       "  -M|-S|-H        the next --RES sets the minimum, soft or hard (default) limit\n"
	       "                  (they add up: -S -H sets both)\n"
	       "  --RES VALUE     RES: cpu fsize data stack core rss nproc nofile memlock as\n"
	       "                  locks msgqueue nsock openfd anon shmem semary nsems dentry\n"
	       "                  or an id 0..31; VALUE: a number or inf\n"
	       "  --dir D         read <res>, <res>.min, <res>.soft, <res>.hard files from D\n"
	       "  --missingok     a missing --dir is not an error\n");
	return VC_OPT_DONE;
}

/* The long options: the fixed ones, then --NAME and --N for every limit. */
static void build_longopts(struct option *o)
{
	static const struct option fixed[] = {
		{ "xid",	required_argument,	NULL, O_XID },
		{ "all",	no_argument,		NULL, O_ALL },
		{ "dir",	required_argument,	NULL, O_DIR },
		{ "missingok",	no_argument,		NULL, O_MISSINGOK },
		{ "help",	no_argument,		NULL, O_HELP },
	};
	static char numbers[MAX_ID][4];
	size_t i, n = 0;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		o[n++] = fixed[i];
	for (i = 0; i < NR_NAMES; i++)
		o[n++] = (struct option){ vlimit_names[i].name, required_argument,
					  NULL, O_RES + (int)vlimit_names[i].id };
	for (i = 0; i < MAX_ID; i++) {
		snprintf(numbers[i], sizeof(numbers[i]), "%zu", i);
		o[n++] = (struct option){ numbers[i], required_argument, NULL, O_RES + (int)i };
	}
	o[n] = (struct option){ NULL, 0, NULL, 0 };
}

int vlimit_main(int argc, char **argv)
{
	static struct option longopts[5 + NR_NAMES + MAX_ID + 1];
	static struct args a;
	int names, decimal, all, missingok, ret, i, j, k;
	struct request rq;
	const char *dir;
	uint32_t xid;
	long own;

	memset(&a, 0, sizeof(a));
	a.names = 1;
	for (j = 0; j < MAX_ID; j++)
		for (k = 0; k < 3; k++)
			a.rq.val[j][k] = CRLIM_KEEP;
	build_longopts(longopts);
	ret = vc_walk_opts(argc, argv, "ndaMSHc:", longopts, usage_line, on_opt, &a, &i);
	if (ret)
		return ret == VC_OPT_DONE ? 0 : ret;
	/* Without --xid: the caller's own context, by number (task_xid). */
	if (!a.have_xid) {
		own = vc_task_xid(0);
		if (own < 0)
			return vs_fail("vlimit", "task_xid");
		a.xid = (uint32_t)own;
	}
	names = a.names;
	decimal = a.decimal;
	all = a.all;
	missingok = a.missingok;
	dir = a.dir;
	xid = a.xid;
	rq = a.rq;
	if (missingok && !dir)
		return vs_usage(usage_line);
	if (dir && read_dir(dir, missingok, &rq))
		return 255;
	if (!rq.touched && !all && !dir && i >= argc)
		return vs_usage(usage_line);

	if (apply(xid, &rq))
		return 255;
	if (all && show_all(xid, names, decimal))
		return 255;
	return vc_exec_rest("vlimit", argv + i);
}
