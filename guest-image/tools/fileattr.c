// SPDX-License-Identifier: GPL-2.0
/*
 * chattr, lsattr: the classic file attributes (FS_IOC_GETFLAGS and
 * FS_IOC_SETFLAGS), for filesystems that support them (tmpfs, ext2).
 * Debian's busybox has neither applet.
 *
 *   chattr [-+=]LETTERS... FILE...
 *   lsattr [-Radx] [FILE...]
 *
 * Letters: s secure deletion, u undeletable, S synchronous, D synchronous
 * directory, i immutable, a append only, d no dump, A no atime, c
 * compressed, j data journalling, t no tail merging, T top of directory
 * hierarchy, e extents.  chattr: "+i" sets, "-i" clears, "=ai" sets
 * exactly these.  Setting or clearing i or a needs CAP_LINUX_IMMUTABLE.
 *
 * lsattr prints per file the letters in the order above, '-' for a clear
 * one, a space and the name: "----i-------- /tmp/f".  Exit status 0, 1 if
 * a file could not be read or changed, 255 on usage errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/fs.h>

#include "applets.h"
#include "fswalk.h"
#include "lib.h"

static const struct {
	char letter;
	unsigned int flag;
} fa_letters[] = {
	{ 's', FS_SECRM_FL },
	{ 'u', FS_UNRM_FL },
	{ 'S', FS_SYNC_FL },
	{ 'D', FS_DIRSYNC_FL },
	{ 'i', FS_IMMUTABLE_FL },
	{ 'a', FS_APPEND_FL },
	{ 'd', FS_NODUMP_FL },
	{ 'A', FS_NOATIME_FL },
	{ 'c', FS_COMPR_FL },
	{ 'j', FS_JOURNAL_DATA_FL },
	{ 't', FS_NOTAIL_FL },
	{ 'T', FS_TOPDIR_FL },
	{ 'e', FS_EXTENT_FL },
};

#define NR_LETTERS	(sizeof(fa_letters) / sizeof(fa_letters[0]))

/* Open for the ioctls: O_RDONLY works for files and directories alike. */
static int fa_open(const char *path)
{
	return open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY);
}

static int fa_get(const char *path, unsigned int *flags)
{
	int fd = fa_open(path);
	int f = 0, ret;

	if (fd < 0)
		return -1;
	ret = ioctl(fd, FS_IOC_GETFLAGS, &f);
	close(fd);
	*flags = (unsigned int)f;
	return ret;
}

static int lsattr_show(const char *path)
{
	unsigned int flags;
	size_t i;

	if (fa_get(path, &flags)) {
		fprintf(stderr, "lsattr: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < NR_LETTERS; i++)
		putchar(flags & fa_letters[i].flag ? fa_letters[i].letter : '-');
	printf(" %s\n", path);
	return 0;
}

int lsattr_main(int argc, char **argv)
{
	int i = 1, opts = 0;

	if (fsw_options(argc, argv, &i, "Radx", &opts))
		return vs_usage("usage: lsattr [-Radx] [FILE...]\n");
	return fsw_walk(argc - i, argv + i, opts, lsattr_show);
}

/* The flag of one letter, 0 if unknown. */
static unsigned int fa_flag(char c)
{
	size_t i;

	for (i = 0; i < NR_LETTERS; i++)
		if (fa_letters[i].letter == c)
			return fa_letters[i].flag;
	return 0;
}

static unsigned int ch_add, ch_del, ch_set;
static int ch_exact;

static int chattr_one(const char *path)
{
	int fd = fa_open(path);
	int f = 0;

	if (fd < 0 || ioctl(fd, FS_IOC_GETFLAGS, &f) < 0)
		goto fail;
	if (ch_exact)
		f = (int)ch_set;
	f = (int)(((unsigned int)f | ch_add) & ~ch_del);
	if (ioctl(fd, FS_IOC_SETFLAGS, &f) < 0)
		goto fail;
	close(fd);
	return 0;
fail:
	fprintf(stderr, "chattr: %s: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

int chattr_main(int argc, char **argv)
{
	static const char usage_line[] = "usage: chattr [-+=]LETTERS... FILE...\n";
	int i, ret = 0, have_mode = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		unsigned int *set;
		const char *c;

		if (a[0] == '+')
			set = &ch_add;
		else if (a[0] == '-')
			set = &ch_del;
		else if (a[0] == '=') {
			set = &ch_set;
			ch_exact = 1;
		} else {
			break;
		}
		for (c = a + 1; *c; c++) {
			unsigned int fl = fa_flag(*c);

			if (!fl) {
				fprintf(stderr, "chattr: bad attribute letter '%c'\n", *c);
				return vs_usage(usage_line);
			}
			*set |= fl;
		}
		have_mode = 1;
	}
	if (!have_mode || i >= argc)
		return vs_usage(usage_line);
	for (; i < argc; i++)
		if (chattr_one(argv[i]))
			ret = 1;
	return ret;
}
