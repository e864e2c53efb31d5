// SPDX-License-Identifier: GPL-2.0
/*
 * vstool: one static binary for all vslab guest tools.
 *
 * The applet is chosen by the basename of argv[0], so a symlink
 * "vserver-info -> vstool" runs vserver-info.  Called as "vstool" itself,
 * the first argument names the applet instead.  The table comes from
 * applets.def, the one list of applets.
 */
#include <stdio.h>
#include <string.h>

#include "applets.h"

static const struct {
	const char *name;
	int (*main)(int argc, char **argv);
} applets[] = {
#define APPLET(name, fn) { name, fn },
#include "applets.def"
#undef APPLET
};

#define NR_APPLETS (sizeof(applets) / sizeof(applets[0]))

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int run_applet(int argc, char **argv)
{
	const char *name = base_name(argv[0]);
	size_t i;

	for (i = 0; i < NR_APPLETS; i++)
		if (!strcmp(applets[i].name, name))
			return applets[i].main(argc, argv);
	return -1;
}

static void list_applets(FILE *f)
{
	size_t i;

	fprintf(f, "usage: vstool APPLET [ARG]...\napplets:");
	for (i = 0; i < NR_APPLETS; i++)
		fprintf(f, " %s", applets[i].name);
	fputc('\n', f);
}

int main(int argc, char **argv)
{
	int ret;

	if (argc < 1)
		return 255;
	ret = run_applet(argc, argv);
	if (ret >= 0)
		return ret;

	if (strcmp(base_name(argv[0]), "vstool")) {
		fprintf(stderr, "vstool: unknown applet '%s'\n",
			base_name(argv[0]));
		return 255;
	}
	if (argc < 2 || !strcmp(argv[1], "--help")) {
		list_applets(argc < 2 ? stderr : stdout);
		return argc < 2 ? 255 : 0;
	}
	ret = run_applet(argc - 1, argv + 1);
	if (ret >= 0)
		return ret;
	fprintf(stderr, "vstool: unknown applet '%s'\n", argv[1]);
	list_applets(stderr);
	return 255;
}
