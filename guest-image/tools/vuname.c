// SPDX-License-Identifier: GPL-2.0
/*
 * vuname: read or change the utsname of a security context.
 *
 *   vuname [-g] --xid X [TAG]...
 *   vuname -s --xid X -t TAG=VALUE [-t TAG=VALUE]...
 *   vuname -s --xid X --dir D
 *
 * TAGs, in VHIN order: context sysname nodename release version machine
 * domainname.  Get (-g, the default) prints the values of the TAGs given
 * (all of them without TAGs) on one line, separated by spaces; a field
 * the kernel refused prints as ???.  Set changes each TAG to VALUE; with
 * --dir, each TAG that has a file of that name in D is set to the first
 * line of that file.  Long forms: --get, --set, --tag.
 *
 * Exit status 0; 1 if a get failed for some field; 255 on usage errors and
 * failed sets ("vuname: set TAG: <error text>").
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "applets.h"
#include "lib.h"

#define MAX_SETS 16

static const char usage_line[] =
	"usage: vuname [-g] --xid X [TAG]... | vuname -s --xid X {-t TAG=VALUE... | --dir D}\n";

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
		if (strlen(tags[i].name) == len && !strncmp(name, tags[i].name, len))
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

static int set_from_dir(uint32_t xid, const char *dir)
{
	char path[PATH_MAX], line[VHI_NAME_LEN + 2];
	size_t i;

	for (i = 0; i < NR_TAGS; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, tags[i].name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		fclose(f);
		line[strcspn(line, "\n")] = '\0';
		if (set_one(xid, (int)i, line))
			return 255;
	}
	return 0;
}

int vuname_main(int argc, char **argv)
{
	const char *sets[MAX_SETS], *dir = NULL;
	int nsets = 0, do_set = 0, have_xid = 0, ret = 0, i, k;
	char buf[VHI_NAME_LEN];
	uint32_t xid = 0;

	for (i = 1; i < argc; i++) {
		const char *opt = argv[i];

		if (!strcmp(opt, "--")) {
			i++;
			break;
		}
		if (opt[0] != '-')
			break;
		if (!strcmp(opt, "--help")) {
			fputs(usage_line, stdout);
			printf("TAGs: context sysname nodename release version machine domainname\n");
			return 0;
		}
		if (!strcmp(opt, "-g") || !strcmp(opt, "--get")) {
			do_set = 0;
		} else if (!strcmp(opt, "-s") || !strcmp(opt, "--set")) {
			do_set = 1;
		} else if (i + 1 >= argc) {
			return vs_usage(usage_line);
		} else if (!strcmp(opt, "--xid") || !strcmp(opt, "-c")) {
			if (vc_parse_xid(argv[++i], &xid))
				return vs_usage(usage_line);
			have_xid = 1;
		} else if (!strcmp(opt, "-t") || !strcmp(opt, "--tag")) {
			if (nsets == MAX_SETS)
				return vs_usage(usage_line);
			sets[nsets++] = argv[++i];
		} else if (!strcmp(opt, "--dir")) {
			dir = argv[++i];
		} else {
			return vs_usage(usage_line);
		}
	}
	if (!have_xid)
		return vs_usage(usage_line);

	if (do_set) {
		if (i < argc || (!nsets && !dir))
			return vs_usage(usage_line);
		for (k = 0; k < nsets; k++) {
			const char *eq = strchr(sets[k], '=');

			if (!eq || tag_index(sets[k], (size_t)(eq - sets[k])) < 0)
				return vs_usage(usage_line);
		}
		for (k = 0; k < nsets; k++) {
			const char *eq = strchr(sets[k], '=');
			int t = tag_index(sets[k], (size_t)(eq - sets[k]));

			if (set_one(xid, t, eq + 1))
				return 255;
		}
		return dir ? set_from_dir(xid, dir) : 0;
	}
	if (nsets || dir)
		return vs_usage(usage_line);
	for (k = i; k < argc; k++)
		if (tag_index(argv[k], strlen(argv[k])) < 0)
			return vs_usage(usage_line);
	for (k = 0; k < (i < argc ? argc - i : (int)NR_TAGS); k++) {
		int t = i < argc ? tag_index(argv[i + k], strlen(argv[i + k])) : k;

		if (k)
			putchar(' ');
		if (vc_get_vhi_name(xid, tags[t].field, buf, sizeof(buf)) < 0) {
			fputs("???", stdout);
			ret = 1;
		} else {
			fputs(buf, stdout);
		}
	}
	putchar('\n');
	return ret;
}
