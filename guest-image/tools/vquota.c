// SPDX-License-Identifier: GPL-2.0
/*
 * vquota: the few quota operations a guest needs to show per-context
 * quota through a vroot device (PAPER 06.5/06.6), without Debian's
 * quota package.  TARGET is a block device (quotactl(2)), or with
 * --fd any path on the filesystem (quotactl_fd(2)).  TYPE is user or
 * group; space is in KiB, 0 is no limit.
 *
 *   vquota init FILE TYPE                 write an empty vfsv0 quota file
 *   vquota [--fd] on TARGET TYPE FILE     Q_QUOTAON (format vfsv0)
 *   vquota [--fd] off TARGET TYPE         Q_QUOTAOFF
 *   vquota [--fd] info TARGET TYPE        Q_GETINFO: "grace=BLOCKS,INODES flags=F"
 *   vquota [--fd] get TARGET TYPE ID      Q_GETQUOTA: "ID space=KIB soft=KIB
 *                                         hard=KIB inodes=N soft=N hard=N"
 *   vquota [--fd] set TARGET TYPE ID BSOFT BHARD ISOFT IHARD   Q_SETQUOTA
 *   vquota [--fd] list TARGET TYPE        Q_GETNEXTQUOTA from id 0 on: one
 *                                         "get" line per record
 *
 * Exit status 0, or 255 on usage errors and failures ("vquota: Q_GETQUOTA:
 * <error text>").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/quota.h>

#include "applets.h"
#include "lib.h"

#ifndef __NR_quotactl_fd
#define __NR_quotactl_fd	443	/* the same on every architecture */
#endif

static const char usage_line[] =
	"usage: vquota init FILE TYPE | vquota [--fd] {on TARGET TYPE FILE | off TARGET TYPE | "
	"info TARGET TYPE | get TARGET TYPE ID | set TARGET TYPE ID BSOFT BHARD ISOFT IHARD | "
	"list TARGET TYPE}\n";

/* The vfsv0 file format (fs/quota/quotaio_v2.h, quota_tree.h). */
#define V2_BLOCK	1024
#define V2_MAGIC_USR	0xd9c01f11u
#define V2_MAGIC_GRP	0xd9c01927u
#define V2_GRACE	(7 * 24 * 3600)

static int parse_type(const char *s, int *type)
{
	if (!strcmp(s, "user"))
		*type = USRQUOTA;
	else if (!strcmp(s, "group"))
		*type = GRPQUOTA;
	else
		return -1;
	return 0;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/*
 * An empty vfsv0 file: block 0 holds the header (magic, version 0) and
 * the info (grace times, 2 blocks, no free lists); block 1 is the empty
 * root of the id tree.
 */
static int init_file(const char *path, int type)
{
	unsigned char buf[2 * V2_BLOCK] = { 0 };
	int fd, ret = 0;

	put32(buf, type == USRQUOTA ? V2_MAGIC_USR : V2_MAGIC_GRP);
	put32(buf + 4, 0);
	put32(buf + 8, V2_GRACE);
	put32(buf + 12, V2_GRACE);
	put32(buf + 16, 0);
	put32(buf + 20, 2);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return vs_fail("vquota", path);
	if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
		ret = vs_fail("vquota", path);
	if (close(fd) < 0 && !ret)
		ret = vs_fail("vquota", path);
	return ret;
}

struct target {
	const char *path;
	int fd;		/* -1: quotactl(2) on path as a block device */
};

static long qctl(const struct target *t, int cmd, int type, unsigned int id, void *addr)
{
	if (t->fd >= 0)
		return syscall(__NR_quotactl_fd, t->fd, QCMD(cmd, type), id, addr);
	return syscall(SYS_quotactl, QCMD(cmd, type), t->path, id, addr);
}

static int parse_num(const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return (errno || !*s || *end) ? -1 : 0;
}

/* One record: "ID space=KIB soft=KIB hard=KIB inodes=N soft=N hard=N". */
static void print_record(unsigned int id, const struct if_dqblk *dq)
{
	printf("%u space=%llu soft=%llu hard=%llu inodes=%llu soft=%llu hard=%llu\n",
	       id, (unsigned long long)(dq->dqb_curspace / 1024),
	       (unsigned long long)dq->dqb_bsoftlimit,
	       (unsigned long long)dq->dqb_bhardlimit,
	       (unsigned long long)dq->dqb_curinodes,
	       (unsigned long long)dq->dqb_isoftlimit,
	       (unsigned long long)dq->dqb_ihardlimit);
}

static int do_get(const struct target *t, int type, unsigned int id)
{
	struct if_dqblk dq = { 0 };

	if (qctl(t, Q_GETQUOTA, type, id, &dq) < 0)
		return vs_fail("vquota", "Q_GETQUOTA");
	print_record(id, &dq);
	return 0;
}

/* Every record from id 0 on, as the kernel's walk returns them (repquota's way). */
static int do_list(const struct target *t, int type)
{
	struct if_nextdqblk next;
	struct if_dqblk dq;
	unsigned int id = 0;

	for (;;) {
		memset(&next, 0, sizeof(next));
		if (qctl(t, Q_GETNEXTQUOTA, type, id, &next) < 0)
			return errno == ENOENT ? 0 : vs_fail("vquota", "Q_GETNEXTQUOTA");
		/* struct if_nextdqblk is struct if_dqblk plus the id. */
		memcpy(&dq, &next, sizeof(dq));
		print_record(next.dqb_id, &dq);
		if (next.dqb_id == UINT32_MAX - 1)
			return 0;
		id = next.dqb_id + 1;
	}
}

static int do_set(const struct target *t, int type, unsigned int id, char **lim)
{
	struct if_dqblk dq = { 0 };
	unsigned long long v[4];
	int i;

	for (i = 0; i < 4; i++)
		if (parse_num(lim[i], &v[i]))
			return vs_usage(usage_line);
	/* Limits in 1 KiB quota blocks (QIF_DQBLKSIZE) and inodes. */
	dq.dqb_bsoftlimit = v[0];
	dq.dqb_bhardlimit = v[1];
	dq.dqb_isoftlimit = v[2];
	dq.dqb_ihardlimit = v[3];
	dq.dqb_valid = QIF_LIMITS;
	if (qctl(t, Q_SETQUOTA, type, id, &dq) < 0)
		return vs_fail("vquota", "Q_SETQUOTA");
	return 0;
}

static int do_info(const struct target *t, int type)
{
	struct if_dqinfo info = { 0 };

	if (qctl(t, Q_GETINFO, type, 0, &info) < 0)
		return vs_fail("vquota", "Q_GETINFO");
	printf("grace=%llu,%llu flags=%u\n", (unsigned long long)info.dqi_bgrace,
	       (unsigned long long)info.dqi_igrace, info.dqi_flags);
	return 0;
}

int vquota_main(int argc, char **argv)
{
	struct target t = { NULL, -1 };
	unsigned long long id;
	int i = 1, type, ret;
	const char *op;

	if (argc == 4 && !strcmp(argv[1], "init"))
		return parse_type(argv[3], &type) ? vs_usage(usage_line) :
		       init_file(argv[2], type);
	if (i < argc && !strcmp(argv[i], "--fd"))
		t.fd = i++;	/* opened below */
	if (argc - i < 3 || parse_type(argv[i + 2], &type))
		return vs_usage(usage_line);
	op = argv[i];
	t.path = argv[i + 1];
	argv += i + 3;
	argc -= i + 3;
	if (t.fd >= 0) {
		t.fd = open(t.path, O_RDONLY | O_CLOEXEC);
		if (t.fd < 0)
			return vs_fail("vquota", t.path);
	}

	ret = -1;
	if (!strcmp(op, "on") && argc == 1) {
		ret = 0;
		if (qctl(&t, Q_QUOTAON, type, QFMT_VFS_V0, argv[0]) < 0)
			ret = vs_fail("vquota", "Q_QUOTAON");
	} else if (!strcmp(op, "off") && argc == 0) {
		ret = 0;
		if (qctl(&t, Q_QUOTAOFF, type, 0, NULL) < 0)
			ret = vs_fail("vquota", "Q_QUOTAOFF");
	} else if (!strcmp(op, "info") && argc == 0) {
		ret = do_info(&t, type);
	} else if (!strcmp(op, "list") && argc == 0) {
		ret = do_list(&t, type);
	} else if (!strcmp(op, "get") && argc == 1 && !parse_num(argv[0], &id) && id <= UINT32_MAX) {
		ret = do_get(&t, type, id);
	} else if (!strcmp(op, "set") && argc == 5 && !parse_num(argv[0], &id) && id <= UINT32_MAX) {
		ret = do_set(&t, type, id, argv + 1);
	}
	if (ret < 0)
		ret = vs_usage(usage_line);
	if (t.fd >= 0)
		close(t.fd);
	return ret;
}
