// SPDX-License-Identifier: GPL-2.0
/*
 * setattr, showattr, lsxid, chxid, xflg: the Linux-VServer inode attributes
 * and context tags (get_iattr and set_iattr; xflg: the FIOC ioctls).
 *
 *   setattr [-Rx] [--[~]FLAG]... FILE...
 *   showattr [-Radx] [FILE...]
 *   lsxid [-Radnx] [FILE...]
 *   chxid -c CTX [-RxU] FILE...
 *   xflg FILE [VALUE]
 *
 * setattr FLAGs: iunlink (also "immu": immutable and iunlink together, a
 * unified file), immutable, iunlink-but-not-immutable, barrier, admin,
 * watch, hide, cow.  "--~FLAG" or "--!FLAG" clears instead of setting.
 * -R also changes everything below a directory argument, -x only on the
 * argument's filesystem.  Needs CAP_LINUX_IMMUTABLE.
 *
 * showattr prints per file the nine letters
 *
 *   a admin  w watch  h hide  m (none)  b barrier  u iunlink
 *   i immutable  c cow  x tag
 *
 * padded to a field of ten characters, then a space and the file name.
 * A directory argument is shown itself, then its entries (and with -R
 * its subdirectories the same way), util-vserver's order; -d shows only
 * the directory.
 * An upper-case letter is set, lower case is clear, '-' does not apply to
 * that file.  'm' has no
 * attribute in this interface and is always '-'.
 *
 * Exit status 0, 1 if some file failed, 255 on usage errors.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vserver/inode.h>

#include "applets.h"
#include "fswalk.h"
#include "lib.h"

static long vc_iattr(uint32_t cmd, const char *path, struct vcmd_ctx_iattr_v1 *ia)
{
	ia->name = path;
	return vc_syscall(cmd, 0, ia);
}

static const struct {
	char letter;
	uint32_t bit;
} sa_letters[] = {
	{ 'a', IATTR_ADMIN },
	{ 'w', IATTR_WATCH },
	{ 'h', IATTR_HIDE },
	{ 'm', 0 },
	{ 'b', IATTR_BARRIER },
	{ 'u', IATTR_IXUNLINK },
	{ 'i', IATTR_IMMUTABLE },
	{ 'c', IATTR_COW },
	{ 'x', IATTR_TAG },
};

#define NR_SA_LETTERS	(sizeof(sa_letters) / sizeof(sa_letters[0]))

static int showattr_show(const char *path)
{
	struct vcmd_ctx_iattr_v1 ia = { 0 };
	char field[NR_SA_LETTERS + 1];
	size_t i;

	if (vc_iattr(VCMD_get_iattr, path, &ia) < 0) {
		fprintf(stderr, "showattr: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < NR_SA_LETTERS; i++) {
		uint32_t bit = sa_letters[i].bit;
		char c = sa_letters[i].letter;

		if (!bit || !(ia.mask & bit))
			field[i] = '-';
		else
			field[i] = (ia.flags & bit) ? (char)(c - 'a' + 'A') : c;
	}
	field[i] = '\0';
	/* The field (nine letters, padded to ten), a space, the name. */
	printf("%-10s %s\n", field, path);
	return 0;
}

int showattr_main(int argc, char **argv)
{
	int i = 1, opts = 0;

	if (fsw_options(argc, argv, &i, "Radx", &opts))
		return vs_usage("usage: showattr [-Radx] [FILE...]\n");
	return fsw_walk(argc - i, argv + i, opts | FSW_UTIL, showattr_show);
}

static const struct {
	const char *name;
	uint32_t bits;
} sa_flags[] = {
	{ "iunlink",			IATTR_IMMUTABLE | IATTR_IXUNLINK },
	{ "immu",			IATTR_IMMUTABLE | IATTR_IXUNLINK },
	{ "immutable",			IATTR_IMMUTABLE },
	{ "iunlink-but-not-immutable",	IATTR_IXUNLINK },
	{ "barrier",			IATTR_BARRIER },
	{ "admin",			IATTR_ADMIN },
	{ "watch",			IATTR_WATCH },
	{ "hide",			IATTR_HIDE },
	{ "cow",			IATTR_COW },
};

#define NR_SA_FLAGS	(sizeof(sa_flags) / sizeof(sa_flags[0]))

static uint32_t set_flags, set_mask;

static int setattr_one(const char *path)
{
	struct vcmd_ctx_iattr_v1 ia = {
		.flags	= set_flags,
		.mask	= set_mask,
	};

	if (vc_iattr(VCMD_set_iattr, path, &ia) < 0) {
		fprintf(stderr, "setattr: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int setattr_main(int argc, char **argv)
{
	static const char usage_line[] =
		"usage: setattr [-Rx] [--[~]iunlink|--[~]admin|--[~]watch|--[~]hide|"
		"--[~]barrier|--[~]immutable|--[~]iunlink-but-not-immutable|--[~]cow]... FILE...\n";
	int i, recurse = 0, xdev = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		int clear = 0;
		size_t k;

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[1] != '-') {
			const char *c;

			for (c = a + 1; *c; c++) {
				if (*c == 'R')
					recurse = 1;
				else if (*c == 'x')
					xdev = 1;
				else
					return vs_usage(usage_line);
			}
			continue;
		}
		a += 2;
		if (*a == '~' || *a == '!') {
			clear = 1;
			a++;
		}
		for (k = 0; k < NR_SA_FLAGS; k++)
			if (!strcmp(a, sa_flags[k].name))
				break;
		if (k == NR_SA_FLAGS) {
			fprintf(stderr, "setattr: unknown flag '%s'\n", argv[i]);
			return vs_usage(usage_line);
		}
		set_mask |= sa_flags[k].bits;
		if (clear)
			set_flags &= ~sa_flags[k].bits;
		else
			set_flags |= sa_flags[k].bits;
	}
	if (i >= argc || !set_mask)
		return vs_usage(usage_line);
	return fsw_apply(argc - i, argv + i,
			 (recurse ? FSW_RECURSE : 0) | (xdev ? FSW_XDEV : 0),
			 setattr_one, "setattr");
}

/*
 * lsxid [-Radnx] [FILE...]: the context tag of each file, right-aligned
 * in a field of 20, two spaces, the name; "!!ERR!!" (left-aligned in the
 * field, as util-vserver prints it) when get_iattr fails or the file
 * carries no tag (IATTR_TAG not in the returned mask).  No vserver names
 * are configured in the guest, so the tag always prints as a number (-n
 * is accepted and changes nothing).  A directory argument is shown
 * itself, then its entries (util-vserver's order, FSW_UTIL); -d shows
 * only the directory.
 */
static int lsxid_show(const char *path)
{
	struct vcmd_ctx_iattr_v1 ia = { 0 };

	if (vc_iattr(VCMD_get_iattr, path, &ia) < 0 || !(ia.mask & IATTR_TAG)) {
		printf("%-20s  %s\n", "!!ERR!!", path);
		return -1;
	}
	printf("%20u  %s\n", ia.tag, path);
	return 0;
}

int lsxid_main(int argc, char **argv)
{
	int i = 1, opts = 0;

	if (fsw_options(argc, argv, &i, "Radnx", &opts))
		return vs_usage("usage: lsxid [-Radnx] [FILE...]\n");
	return fsw_walk(argc - i, argv + i, opts | FSW_UTIL, lsxid_show);
}

/*
 * chxid -c CTX [-RxU] FILE...: set the context tag of each file (and with
 * -R of everything below a directory; -x stays on one filesystem).  -U
 * leaves unified files (immutable + iunlink) alone.
 */
static uint32_t chxid_tag;
static int chxid_skip_unified;

static int chxid_one(const char *path)
{
	struct vcmd_ctx_iattr_v1 ia = { 0 };

	if (chxid_skip_unified && vc_iattr(VCMD_get_iattr, path, &ia) == 0 &&
	    (ia.flags & (IATTR_IMMUTABLE | IATTR_IXUNLINK)) ==
	    (IATTR_IMMUTABLE | IATTR_IXUNLINK))
		return 0;
	ia.tag = chxid_tag;
	ia.flags = 0;
	ia.mask = IATTR_TAG;
	if (vc_iattr(VCMD_set_iattr, path, &ia) < 0) {
		fprintf(stderr, "chxid: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}


int chxid_main(int argc, char **argv)
{
	static const char usage_line[] = "usage: chxid -c CTX [-RxU] FILE...\n";
	int i, recurse = 0, xdev = 0, have_ctx = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *c;

		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		for (c = argv[i] + 1; *c; c++) {
			if (*c == 'R') {
				recurse = 1;
			} else if (*c == 'x') {
				xdev = 1;
			} else if (*c == 'U') {
				chxid_skip_unified = 1;
			} else if (*c == 'c' && !c[1] && i + 1 < argc) {
				if (vc_parse_xid(argv[++i], &chxid_tag) < 0) {
					fprintf(stderr, "chxid: bad context '%s'\n", argv[i]);
					return 255;
				}
				have_ctx = 1;
				break;
			} else {
				return vs_usage(usage_line);
			}
		}
	}
	if (!have_ctx || i >= argc)
		return vs_usage(usage_line);
	return fsw_apply(argc - i, argv + i,
			 (recurse ? FSW_RECURSE : 0) | (xdev ? FSW_XDEV : 0),
			 chxid_one, "chxid");
}

/*
 * xflg FILE [VALUE]: the vserver attribute bits of FILE through the
 * FIOC_GETXFLG ioctl, printed as 0x%08lx; with VALUE (decimal or 0x-hex)
 * FIOC_SETXFLG sets them first.  For tests of the ioctl interface; exit
 * status 0, 1 if an ioctl failed, 255 on usage errors.
 */
int xflg_main(int argc, char **argv)
{
	long long v;
	long val;
	int fd;

	if (argc < 2 || argc > 3 ||
	    (argc == 3 && vc_parse_num(argv[2], 0, 0xFFFFFFFFLL, &v) < 0))
		return vs_usage("usage: xflg FILE [VALUE]\n");
	fd = open(argv[1], O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0) {
		fprintf(stderr, "xflg: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (argc == 3) {
		val = (long)v;
		if (ioctl(fd, FIOC_SETXFLG, &val) < 0) {
			fprintf(stderr, "xflg: %s: FIOC_SETXFLG: %s\n", argv[1], strerror(errno));
			close(fd);
			return 1;
		}
	}
	if (ioctl(fd, FIOC_GETXFLG, &val) < 0) {
		fprintf(stderr, "xflg: %s: FIOC_GETXFLG: %s\n", argv[1], strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	printf("0x%08lx\n", val);
	return 0;
}
