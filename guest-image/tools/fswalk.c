// SPDX-License-Identifier: GPL-2.0
/*
 * fswalk: walking the file arguments of lsattr, showattr and lsxid.
 * See fswalk.h.
 */
#include <dirent.h>
#include <getopt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fswalk.h"
#include "lib.h"

static int list_dir(const char *dir, dev_t dev, int opts, fsw_show_fn show);

static char *join_path(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s%s%s", dir,
			 dir[strlen(dir) - 1] == '/' ? "" : "/", name);
	return p;
}

static int recurse(const char *dir, dev_t dev, int opts, fsw_show_fn show)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int ret = 0;

	if (!d)
		return 0;	/* list_dir already reported it */
	while ((e = readdir(d))) {
		struct stat st;
		char *p;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (e->d_name[0] == '.' && !(opts & FSW_ALL))
			continue;
		p = join_path(dir, e->d_name);
		if (!p)
			continue;
		if (!lstat(p, &st) && S_ISDIR(st.st_mode) &&
		    (!(opts & FSW_XDEV) || st.st_dev == dev)) {
			if (!(opts & FSW_UTIL))
				printf("\n%s:\n", p);
			ret |= list_dir(p, dev, opts, show);
		}
		free(p);
	}
	closedir(d);
	return ret;
}

/*
 * FSW_UTIL with FSW_RECURSE: subdirectories are left to the recursion
 * (which skips those on other filesystems with FSW_XDEV), not listed.
 */
static int walked_later(const char *path, int opts)
{
	struct stat st;

	return (opts & (FSW_UTIL | FSW_RECURSE)) == (FSW_UTIL | FSW_RECURSE) &&
	       !lstat(path, &st) && S_ISDIR(st.st_mode);
}

static int list_dir(const char *dir, dev_t dev, int opts, fsw_show_fn show)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int ret = 0;

	if (!d) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return 1;
	}
	if ((opts & FSW_UTIL) && show(dir))
		ret = 1;
	while ((e = readdir(d))) {
		char *p;

		if (e->d_name[0] == '.' && !(opts & FSW_ALL))
			continue;
		if ((opts & FSW_UTIL) &&
		    (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")))
			continue;
		p = join_path(dir, e->d_name);
		if (!p)
			continue;
		if (!walked_later(p, opts) && show(p))
			ret = 1;
		free(p);
	}
	closedir(d);
	if (opts & FSW_RECURSE)
		ret |= recurse(dir, dev, opts, show);
	return ret;
}

int fsw_walk(int argc, char **argv, int opts, fsw_show_fn show)
{
	static char *dot[] = { ".", NULL };
	int ret = 0;
	int i;

	if (argc == 0) {
		argc = 1;
		argv = dot;
	}
	for (i = 0; i < argc; i++) {
		struct stat st;

		if (lstat(argv[i], &st)) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			ret = 1;
			continue;
		}
		if (S_ISDIR(st.st_mode) && !(opts & FSW_DIRS))
			ret |= list_dir(argv[i], st.st_dev, opts, show);
		else if (show(argv[i]))
			ret = 1;
	}
	return ret;
}

static int fsw_letter(void *ctx, int opt, char *arg)
{
	int *opts = ctx;

	(void)arg;
	switch (opt) {
	case 'R': *opts |= FSW_RECURSE; break;
	case 'a': *opts |= FSW_ALL; break;
	case 'd': *opts |= FSW_DIRS; break;
	case 'x': *opts |= FSW_XDEV; break;
	default: break;	/* tool-specific, read by the caller */
	}
	return 0;
}

int fsw_options(int argc, char **argv, int *i, const char *allowed, int *opts)
{
	static const struct option none[] = { { NULL, 0, NULL, 0 } };

	/* The caller prints its usage line: no text here. */
	return vc_walk_opts(argc, argv, allowed, none, "", fsw_letter, opts, i) ? -1 : 0;
}

/* Everything below @dir: @fn on each entry, then into subdirectories. */
static int fsw_apply_below(const char *dir, dev_t dev, int opts,
			   fsw_show_fn fn, const char *tool)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int ret = 0;

	if (!d) {
		fprintf(stderr, "%s: %s: %s\n", tool, dir, strerror(errno));
		return 1;
	}
	while ((e = readdir(d))) {
		char path[4096];
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) || ((opts & FSW_XDEV) && st.st_dev != dev))
			continue;
		if (fn(path))
			ret = 1;
		if (S_ISDIR(st.st_mode))
			ret |= fsw_apply_below(path, dev, opts, fn, tool);
	}
	closedir(d);
	return ret;
}

int fsw_apply(int argc, char **argv, int opts, fsw_show_fn fn,
	      const char *tool)
{
	int i, ret = 0;

	for (i = 0; i < argc; i++) {
		struct stat st;

		if (fn(argv[i])) {
			ret = 1;
			continue;
		}
		if ((opts & FSW_RECURSE) && !lstat(argv[i], &st) &&
		    S_ISDIR(st.st_mode))
			ret |= fsw_apply_below(argv[i], st.st_dev, opts, fn, tool);
	}
	return ret;
}
