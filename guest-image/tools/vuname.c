// SPDX-License-Identifier: GPL-2.0
/*
 * vuname: read or change the utsname of a security context.
 *
 *   vuname [-g] --xid X [TAG]...
 *   vuname -s --xid X -t TAG=VALUE [-t TAG=VALUE]... [--] [CMD [ARG]...]
 *   vuname --xid X --dir D [--missingok] [--] [CMD [ARG]...]
 *
 * TAGs, in VHIN order: context sysname nodename release version machine
 * domainname; as in util-vserver a TAG is matched without case and may be
 * abbreviated (the first tag in that order it begins wins).  Get (-g, the
 * default) prints the values of the TAGs given (all of them without TAGs)
 * on one line, separated by spaces; a field the kernel refused prints as
 * ???.  Set changes each TAG to VALUE.  --dir, with or without -s, sets
 * each TAG that has a file of that name in D to the file's content without
 * its trailing newlines (`vserver NAME start` runs
 * `vuname --xid self --dir .../uts --missingok -- ...`), and -t is then
 * ignored; a missing D is an error unless --missingok.  Long forms:
 * --get, --set, --tag.  X may be "self",
 * the caller's own context (chcontext's chain runs
 * `vuname --set --xid self -t nodename=H -- ...` inside a context that is
 * still being set up).  After a set, CMD (if given) is exec'd.
 *
 * Exit status CMD's own if given, else 0; 1 if a get failed for some field; 255 on usage errors and
 * failed sets ("vuname: set TAG: <error text>").
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "applets.h"
#include "lib.h"

#define MAX_SETS 16

static const char usage_line[] =
	"usage: vuname [-g] --xid X [TAG]... | vuname -s --xid X -t TAG=VALUE... [--] [CMD...] |\n"
	"       vuname --xid X --dir D [--missingok] [--] [CMD...]\n";

static const struct {
	const char *name;
	uint32_t field;
} tags[] = {
	{ "context", VHIN_CONTEXT },
	{ "sysname", VHIN_SYSNAME },
	{ "nodename", VHIN_NODENAME },
	{ "release", VHIN_RELEASE },
	{ "version", VHIN_VERSION },
	{ "machine", VHIN_MACHINE },
	{ "domainname", VHIN_DOMAINNAME },
};

#define NR_TAGS (sizeof(tags) / sizeof(tags[0]))

static int tag_index(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NR_TAGS; i++)
		if (strlen(tags[i].name) >= len && !strncasecmp(name, tags[i].name, len))
			return (int)i;
	return -1;
}

static int set_one(uint32_t xid, int t, const char *value)
{
	if (vc_set_vhi_name(xid, tags[t].field, value) < 0) {
		fprintf(stderr, "vuname: set %s: %s\n", tags[t].name, strerror(errno));
		return 255;
	}
	return 0;
}

static int set_from_dir(uint32_t xid, const char *dir, int missingok)
{
	char path[PATH_MAX], value[VHI_NAME_LEN + 1];
	struct stat st;
	size_t i, len;

	if (stat(dir, &st) < 0) {
		if (errno == ENOENT && missingok)
			return 0;
		fprintf(stderr, "vuname: %s: %s\n", dir, strerror(errno));
		return 255;
	}
	for (i = 0; i < NR_TAGS; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, tags[i].name);
		f = fopen(path, "r");
		if (!f)
			continue;
		len = fread(value, 1, sizeof(value) - 1, f);
		fclose(f);
		while (len && value[len - 1] == '\n')
			len--;
		value[len] = '\0';
		if (set_one(xid, (int)i, value))
			return 255;
	}
	return 0;
}

enum { O_DIR = 256, O_MISSINGOK, O_HELP };

static const struct option longopts[] = {
	{ "get",	no_argument,		NULL, 'g' },
	{ "set",	no_argument,		NULL, 's' },
	{ "xid",	required_argument,	NULL, 'c' },
	{ "tag",	required_argument,	NULL, 't' },
	{ "dir",	required_argument,	NULL, O_DIR },
	{ "missingok",	no_argument,		NULL, O_MISSINGOK },
	{ "help",	no_argument,		NULL, O_HELP },
	{ NULL, 0, NULL, 0 }
};

struct args {
	const char *sets[MAX_SETS], *dir;
	int nsets, do_set, have_xid, missingok;
	uint32_t xid;
};

static int on_opt(void *ctx, int opt, char *arg)
{
	struct args *a = ctx;
	long self;

	switch (opt) {
	case 'g':	a->do_set = 0; break;
	case 's':	a->do_set = 1; break;
	case O_DIR:	a->dir = arg; break;
	case O_MISSINGOK: a->missingok = 1; break;
	case 't':
		if (a->nsets == MAX_SETS)
			return vs_usage(usage_line);
		a->sets[a->nsets++] = arg;
		break;
	case 'c':
		if (!strcmp(arg, "self")) {
			self = vc_task_xid(0);
			if (self < 0)
				return vs_fail("vuname", "task_xid");
			a->xid = (uint32_t)self;
		} else if (vc_parse_xid(arg, &a->xid)) {
			return vs_usage(usage_line);
		}
		a->have_xid = 1;
		break;
	default:
		fputs(usage_line, stdout);
		printf("TAGs: context sysname nodename release version machine domainname\n"
		       "X: a context id, or self\n");
		return VC_OPT_DONE;
	}
	return 0;
}

static int set(const struct args *a)
{
	int k;

	for (k = 0; k < a->nsets; k++) {
		const char *eq = strchr(a->sets[k], '=');

		if (!eq || tag_index(a->sets[k], (size_t)(eq - a->sets[k])) < 0)
			return vs_usage(usage_line);
	}
	for (k = 0; k < a->nsets; k++) {
		const char *eq = strchr(a->sets[k], '=');
		int t = tag_index(a->sets[k], (size_t)(eq - a->sets[k]));

		if (set_one(a->xid, t, eq + 1))
			return 255;
	}
	return 0;
}

int vuname_main(int argc, char **argv)
{
	struct args a = { .nsets = 0 };
	char buf[VHI_NAME_LEN];
	int ret, i, k;

	ret = vc_walk_opts(argc, argv, "gsc:t:", longopts, usage_line, on_opt, &a, &i);
	if (ret)
		return ret == VC_OPT_DONE ? 0 : ret;
	if (!a.have_xid)
		return vs_usage(usage_line);

	if (a.dir || a.do_set) {
		if (a.dir)
			ret = set_from_dir(a.xid, a.dir, a.missingok);
		else
			ret = a.nsets ? set(&a) : vs_usage(usage_line);
		return ret ? ret : vc_exec_rest("vuname", argv + i);
	}
	if (a.nsets)
		return vs_usage(usage_line);
	for (k = i; k < argc; k++)
		if (tag_index(argv[k], strlen(argv[k])) < 0)
			return vs_usage(usage_line);
	for (k = 0; k < (i < argc ? argc - i : (int)NR_TAGS); k++) {
		int t = i < argc ? tag_index(argv[i + k], strlen(argv[i + k])) : k;

		if (k)
			putchar(' ');
		if (vc_get_vhi_name(a.xid, tags[t].field, buf, sizeof(buf)) < 0) {
			fputs("???", stdout);
			ret = 1;
		} else {
			fputs(buf, stdout);
		}
	}
	putchar('\n');
	return ret;
}
