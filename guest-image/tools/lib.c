// SPDX-License-Identifier: GPL-2.0
/*
 * libvserver: thin user-space access to sys_vserver().  See lib.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "lib.h"

#ifndef __NR_vserver
#error "the C library's <sys/syscall.h> does not name the vserver system call"
#endif

long vc_syscall(uint32_t cmd, uint32_t id, void *data)
{
	return syscall(__NR_vserver, cmd, id, data);
}

long vc_get_version(void)
{
	return vc_syscall(VCMD_get_version, 0, NULL);
}

long vc_get_vci(void)
{
	return vc_syscall(VCMD_get_vci, 0, NULL);
}

long vc_task_xid(pid_t pid)
{
	return vc_syscall(VCMD_task_xid, (uint32_t)pid, NULL);
}

int vc_syscall_nr(void)
{
	return __NR_vserver;
}

#define ERRNAME(e) { e, #e }

static const struct {
	int err;
	const char *name;
} errnames[] = {
	ERRNAME(EPERM), ERRNAME(ENOENT), ERRNAME(ESRCH), ERRNAME(EINTR),
	ERRNAME(EIO), ERRNAME(ENXIO), ERRNAME(E2BIG), ERRNAME(ENOEXEC),
	ERRNAME(EBADF), ERRNAME(ECHILD), ERRNAME(EAGAIN), ERRNAME(ENOMEM),
	ERRNAME(EACCES), ERRNAME(EFAULT), ERRNAME(ENOTBLK), ERRNAME(EBUSY),
	ERRNAME(EEXIST), ERRNAME(EXDEV), ERRNAME(ENODEV), ERRNAME(ENOTDIR),
	ERRNAME(EISDIR), ERRNAME(EINVAL), ERRNAME(ENFILE), ERRNAME(EMFILE),
	ERRNAME(ENOTTY), ERRNAME(ENOSPC), ERRNAME(EROFS), ERRNAME(ERANGE),
	ERRNAME(EDEADLK), ERRNAME(ENOSYS), ERRNAME(ENOTSUP),
	ERRNAME(EOVERFLOW),
};

const char *vc_errname(int err)
{
	size_t i;

	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	return NULL;
}

int vc_parse_num(const char *s, long long min, long long max, long long *val)
{
	const char *p = s;
	int neg = 0, base = 10;
	unsigned long long u;
	char *end;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	/* strtoull would accept its own sign and blanks: refuse them. */
	if (!*p || !strchr("0123456789abcdefABCDEF", *p))
		return -1;
	if (base == 10 && (*p < '0' || *p > '9'))
		return -1;
	errno = 0;
	u = strtoull(p, &end, base);
	if (errno || *end || u > (unsigned long long)max + (neg ? 1 : 0))
		return -1;
	*val = neg ? -(long long)u : (long long)u;
	if (*val < min || *val > max)
		return -1;
	return 0;
}
