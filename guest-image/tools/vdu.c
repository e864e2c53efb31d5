// SPDX-License-Identifier: GPL-2.0
/*
 * vdu: what the files of one context tag take below a directory
 * (util-vserver's usage counter; PAPER 06.4).  Disk limits keep no usage
 * across a mount, so at guest start util-vserver counts it with vdu and
 * seeds the kernel with vdlimit --set space_used=... --set inodes_used=...
 *
 *   vdu --xid X [--space] [--inodes] [--script] DIR...
 *
 * Walks each DIR (itself included) without following symlinks or leaving
 * its filesystem, and counts each inode tagged X once (hard links once):
 * --space the KiB its blocks take (st_blocks, what the filesystem
 * charged), --inodes the inodes.  Per DIR one line: "DIR SPACE INODES"
 * (only the fields asked for, both without an option), or with --script
 * the numbers alone.  Exit status 0; 255 on usage errors, and when a file
 * cannot be read ("vdu: PATH: <error text>", the count goes on).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <vserver/inode.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] =
	"usage: vdu --xid X [--space] [--inodes] [--script] DIR...\n";

enum { O_XID = 256, O_SPACE, O_INODES, O_SCRIPT, O_HELP };

static const struct option longopts[] = {
	{ "xid",	required_argument,	NULL, O_XID },
	{ "space",	no_argument,		NULL, O_SPACE },
	{ "inodes",	no_argument,		NULL, O_INODES },
	{ "script",	no_argument,		NULL, O_SCRIPT },
	{ "help",	no_argument,		NULL, O_HELP },
	{ NULL, 0, NULL, 0 }
};

struct count {
	uint32_t xid;
	dev_t dev;
	unsigned long long kib, inodes;
	/* inodes with more than one link, already counted */
	ino_t *seen;
	size_t nseen, cap;
	int failed;
};

/* 1 if @ino was counted before; else remembers it. */
static int seen_before(struct count *c, ino_t ino)
{
	size_t i;

	for (i = 0; i < c->nseen; i++)
		if (c->seen[i] == ino)
			return 1;
	if (c->nseen == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		ino_t *n = realloc(c->seen, cap * sizeof(*n));

		if (!n) {
			perror("vdu");
			exit(255);
		}
		c->seen = n;
		c->cap = cap;
	}
	c->seen[c->nseen++] = ino;
	return 0;
}

static void fail(struct count *c, const char *path)
{
	fprintf(stderr, "vdu: %s: %s\n", path, strerror(errno));
	c->failed = 1;
}

static void count_one(struct count *c, const char *path, const struct stat *st)
{
	struct vcmd_ctx_iattr_v1 ia = { 0 };

	ia.name = path;
	if (vc_syscall(VCMD_get_iattr, 0, &ia) < 0) {
		fail(c, path);
		return;
	}
	if (!(ia.mask & IATTR_TAG) || ia.tag != c->xid)
		return;
	if (st->st_nlink > 1 && !S_ISDIR(st->st_mode) && seen_before(c, st->st_ino))
		return;
	c->kib += (unsigned long long)st->st_blocks / 2;
	c->inodes++;
}

static void walk(struct count *c, const char *path)
{
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (lstat(path, &st) < 0) {
		fail(c, path);
		return;
	}
	if (st.st_dev != c->dev)
		return;
	count_one(c, path, &st);
	if (!S_ISDIR(st.st_mode))
		return;
	d = opendir(path);
	if (!d) {
		fail(c, path);
		return;
	}
	while ((de = readdir(d))) {
		char *sub;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (asprintf(&sub, "%s/%s", path, de->d_name) < 0) {
			perror("vdu");
			exit(255);
		}
		walk(c, sub);
		free(sub);
	}
	closedir(d);
}

int vdu_main(int argc, char **argv)
{
	int space = 0, inodes = 0, script = 0, have_xid = 0, opt, ret = 0;
	struct count c = { 0 };

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case O_XID:
			if (vc_parse_xid(optarg, &c.xid))
				return vs_usage(usage_line);
			have_xid = 1;
			break;
		case O_SPACE:	space = 1; break;
		case O_INODES:	inodes = 1; break;
		case O_SCRIPT:	script = 1; break;
		case O_HELP:
			fputs(usage_line, stdout);
			return 0;
		default:
			return vs_usage(usage_line);
		}
	}
	if (!have_xid || optind == argc)
		return vs_usage(usage_line);
	if (!space && !inodes)
		space = inodes = 1;

	for (; optind < argc; optind++) {
		const char *dir = argv[optind];
		struct stat st;

		if (lstat(dir, &st) < 0) {
			fail(&c, dir);
			ret = 255;
			continue;
		}
		c.dev = st.st_dev;
		c.kib = c.inodes = 0;
		c.nseen = 0;
		walk(&c, dir);
		if (!script)
			printf("%s ", dir);
		if (space)
			printf(inodes ? "%llu " : "%llu", c.kib);
		if (inodes)
			printf("%llu", c.inodes);
		putchar('\n');
	}
	free(c.seen);
	return (ret || c.failed) ? 255 : 0;
}
