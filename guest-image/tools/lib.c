// SPDX-License-Identifier: GPL-2.0
/*
 * libvserver: thin user-space access to sys_vserver().  See lib.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "lib.h"
#include "vserver-nr.h"

long vc_syscall(uint32_t cmd, uint32_t id, void *data)
{
	return syscall(vc_lookup_syscall_nr(), cmd, id, data);
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
	return (int)vc_lookup_syscall_nr();
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
	ERRNAME(EDEADLK), ERRNAME(ENOLCK), ERRNAME(ENOSYS), ERRNAME(ENOTSUP),
	ERRNAME(EOVERFLOW), ERRNAME(ENOMSG), ERRNAME(EIDRM),
	ERRNAME(EDESTADDRREQ), ERRNAME(EPROTONOSUPPORT), ERRNAME(EAFNOSUPPORT),
	ERRNAME(EADDRINUSE), ERRNAME(EADDRNOTAVAIL), ERRNAME(ENETUNREACH),
	ERRNAME(ECONNREFUSED),
};

const char *vc_errname(int err)
{
	size_t i;

	for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	return NULL;
}

int vc_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
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

/* --- contexts --- */

long vc_ctx_create(uint32_t xid, uint64_t flagword)
{
	struct vcmd_ctx_create data = { .flagword = flagword };

	return vc_syscall(VCMD_ctx_create, xid, &data);
}

long vc_ctx_migrate(uint32_t xid, uint64_t vxm_flags)
{
	struct vcmd_ctx_migrate data = { .flagword = vxm_flags };

	return vc_syscall(VCMD_ctx_migrate, xid, &data);
}

/*
 * The flag, ccap, bcap and umask commands all carry one {u64 value; u64 mask}
 * pair (ABI §4.10), so one pair of helpers serves them all.
 */
_Static_assert(sizeof(struct vcmd_ctx_caps_v1) == sizeof(struct vcmd_ctx_flags_v0) &&
	       sizeof(struct vcmd_bcaps) == sizeof(struct vcmd_ctx_flags_v0) &&
	       sizeof(struct vcmd_umask) == sizeof(struct vcmd_ctx_flags_v0) &&
	       sizeof(struct vcmd_net_flags_v0) == sizeof(struct vcmd_ctx_flags_v0) &&
	       sizeof(struct vcmd_net_caps_v0) == sizeof(struct vcmd_ctx_flags_v0),
	       "the {value, mask} commands share one layout");

static long vc_get_word(uint32_t cmd, uint32_t xid, uint64_t *value)
{
	struct vcmd_ctx_flags_v0 data = { 0, 0 };
	long ret = vc_syscall(cmd, xid, &data);

	if (ret >= 0)
		*value = data.flagword;
	return ret;
}

static long vc_set_word(uint32_t cmd, uint32_t xid, uint64_t value, uint64_t mask)
{
	struct vcmd_ctx_flags_v0 data = { .flagword = value, .mask = mask };

	return vc_syscall(cmd, xid, &data);
}

long vc_get_cflags(uint32_t xid, uint64_t *flags)
{
	return vc_get_word(VCMD_get_cflags, xid, flags);
}

long vc_set_cflags(uint32_t xid, uint64_t value, uint64_t mask)
{
	return vc_set_word(VCMD_set_cflags, xid, value, mask);
}

long vc_get_ccaps(uint32_t xid, uint64_t *ccaps)
{
	return vc_get_word(VCMD_get_ccaps, xid, ccaps);
}

long vc_set_ccaps(uint32_t xid, uint64_t value, uint64_t mask)
{
	return vc_set_word(VCMD_set_ccaps, xid, value, mask);
}

long vc_get_bcaps(uint32_t xid, uint64_t *bcaps)
{
	return vc_get_word(VCMD_get_bcaps, xid, bcaps);
}

long vc_set_bcaps(uint32_t xid, uint64_t value, uint64_t mask)
{
	return vc_set_word(VCMD_set_bcaps, xid, value, mask);
}

long vc_get_umask(uint32_t xid, uint64_t *umask)
{
	return vc_get_word(VCMD_get_umask, xid, umask);
}

long vc_set_umask(uint32_t xid, uint64_t value, uint64_t mask)
{
	return vc_set_word(VCMD_set_umask, xid, value, mask);
}

long vc_get_vhi_name(uint32_t xid, uint32_t field, char *buf, size_t size)
{
	struct vcmd_vhi_name_v0 data;
	long ret;

	memset(&data, 0, sizeof(data));
	data.field = field;
	ret = vc_syscall(VCMD_get_vhi_name, xid, &data);
	if (ret >= 0 && size) {
		data.name[sizeof(data.name) - 1] = '\0';
		snprintf(buf, size, "%s", data.name);
	}
	return ret;
}

long vc_set_vhi_name(uint32_t xid, uint32_t field, const char *name)
{
	struct vcmd_vhi_name_v0 data;

	if (strlen(name) >= sizeof(data.name)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&data, 0, sizeof(data));
	data.field = field;
	strcpy(data.name, name);
	return vc_syscall(VCMD_set_vhi_name, xid, &data);
}

long vc_ctx_kill(uint32_t xid, int32_t pid, int32_t sig)
{
	struct vcmd_ctx_kill_v0 data = { .pid = pid, .sig = sig };

	return vc_syscall(VCMD_ctx_kill, xid, &data);
}

long vc_vx_info(uint32_t xid, struct vcmd_vx_info_v0 *info)
{
	return vc_syscall(VCMD_vx_info, xid, info);
}

long vc_wait_exit(uint32_t xid, struct vcmd_wait_exit_v0 *res)
{
	return vc_syscall(VCMD_wait_exit, xid, res);
}

long vc_get_rlimit(uint32_t xid, struct vcmd_ctx_rlimit_v0 *lim)
{
	return vc_syscall(VCMD_get_rlimit, xid, lim);
}

long vc_get_rlimit_mask(uint32_t xid, struct vcmd_ctx_rlimit_mask_v0 *mask)
{
	return vc_syscall(VCMD_get_rlimit_mask, xid, mask);
}

long vc_set_rlimit(uint32_t xid, const struct vcmd_ctx_rlimit_v0 *lim)
{
	return vc_syscall(VCMD_set_rlimit, xid, (void *)lim);
}

/*
 * Create with @create, under @id or, for the "kernel, pick one" id (the
 * same value for contexts and network contexts), ask the kernel first; a
 * kernel with NO_DYNAMIC refuses with EINVAL, and then the first free id
 * of the dynamic range is used.
 */
_Static_assert(NX_ID_DYNAMIC == VX_ID_DYNAMIC &&
	       NX_ID_MIN_DYNAMIC == VX_ID_MIN_DYNAMIC && NX_ID_MAX == VX_ID_MAX,
	       "network context ids share the context id ranges");

static long vc_create_any(long (*create)(uint32_t, uint64_t), uint32_t id,
			  uint64_t flagword)
{
	long ret;

	if (id != VX_ID_DYNAMIC)
		return create(id, flagword);
	ret = create(VX_ID_DYNAMIC, flagword);
	if (ret >= 0 || errno != EINVAL)
		return ret;
	for (id = VX_ID_MIN_DYNAMIC; id <= VX_ID_MAX; id++) {
		ret = create(id, flagword);
		if (ret >= 0 || (errno != EEXIST && errno != EBUSY))
			return ret;
	}
	errno = EAGAIN;
	return -1;
}

long vc_create_context(uint32_t xid, uint64_t flagword)
{
	return vc_create_any(vc_ctx_create, xid, flagword);
}

int vc_parse_xid(const char *s, uint32_t *xid)
{
	long long v;

	if (vc_parse_num(s, 0, VX_ID_MAX, &v))
		return -1;
	*xid = (uint32_t)v;
	return 0;
}

/* --- network contexts --- */

long vc_net_create(uint32_t nid, uint64_t flagword)
{
	struct vcmd_net_create data = { .flagword = flagword };

	return vc_syscall(VCMD_net_create, nid, &data);
}

/*
 * No data: the kernel's default flag word, as util-vserver asks (K1).  A
 * kernel from before K1 answers EFAULT; then the default flags are
 * passed explicitly, so the tools work on it too.
 */
static long vc_net_create_default(uint32_t nid, uint64_t flagword)
{
	long ret = vc_syscall(VCMD_net_create, nid, NULL);

	(void)flagword;
	if (ret < 0 && errno == EFAULT)
		ret = vc_net_create(nid, NXF_INIT_SET);
	return ret;
}

long vc_net_migrate(uint32_t nid)
{
	return vc_syscall(VCMD_net_migrate, nid, NULL);
}

long vc_task_nid(pid_t pid)
{
	return vc_syscall(VCMD_task_nid, (uint32_t)pid, NULL);
}

long vc_nx_info(uint32_t nid, struct vcmd_nx_info_v0 *info)
{
	return vc_syscall(VCMD_nx_info, nid, info);
}

long vc_get_nflags(uint32_t nid, uint64_t *flags)
{
	return vc_get_word(VCMD_get_nflags, nid, flags);
}

long vc_set_nflags(uint32_t nid, uint64_t value, uint64_t mask)
{
	return vc_set_word(VCMD_set_nflags, nid, value, mask);
}

long vc_get_ncaps(uint32_t nid, uint64_t *ncaps)
{
	return vc_get_word(VCMD_get_ncaps, nid, ncaps);
}

long vc_set_ncaps(uint32_t nid, uint64_t value, uint64_t mask)
{
	return vc_set_word(VCMD_set_ncaps, nid, value, mask);
}

static long vc_net_ipv4_v1(uint32_t cmd, uint32_t nid, uint16_t type,
			   uint32_t ip, uint32_t mask)
{
	struct vcmd_net_addr_ipv4_v1 data = {
		.type = type, .flags = 0, .ip = ip, .mask = mask,
	};

	return vc_syscall(cmd, nid, &data);
}

long vc_net_add_ipv4_v1(uint32_t nid, uint16_t type, uint32_t ip, uint32_t mask)
{
	return vc_net_ipv4_v1(VCMD_net_add_ipv4_v1, nid, type, ip, mask);
}

long vc_net_rem_ipv4_v1(uint32_t nid, uint16_t type, uint32_t ip, uint32_t mask)
{
	return vc_net_ipv4_v1(VCMD_net_rem_ipv4_v1, nid, type, ip, mask);
}

long vc_net_add_ipv4_v2(uint32_t nid, uint16_t type, uint32_t ip, uint32_t ip2,
			uint32_t mask)
{
	struct vcmd_net_addr_ipv4_v2 data = {
		.type = type, .flags = 0, .ip = ip, .ip2 = ip2, .mask = mask,
	};

	return vc_syscall(VCMD_net_add_ipv4, nid, &data);
}

static long vc_net_ipv6(uint32_t cmd, uint32_t nid, uint16_t type,
			const uint8_t ip[16], unsigned int prefix)
{
	struct vcmd_net_addr_ipv6_v1 data;
	unsigned int i;

	memset(&data, 0, sizeof(data));
	data.type = type;
	data.prefix = prefix;
	if (ip)
		memcpy(data.ip, ip, sizeof(data.ip));
	for (i = 0; i < 128 && i < prefix; i++)
		data.mask[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	return vc_syscall(cmd, nid, &data);
}

long vc_net_add_ipv6(uint32_t nid, uint16_t type, const uint8_t ip[16],
		     unsigned int prefix)
{
	return vc_net_ipv6(VCMD_net_add_ipv6, nid, type, ip, prefix);
}

long vc_net_rem_ipv6(uint32_t nid, uint16_t type, const uint8_t ip[16],
		     unsigned int prefix)
{
	return vc_net_ipv6(VCMD_net_remove_ipv6, nid, type, ip, prefix);
}

long vc_create_network(uint32_t nid)
{
	return vc_create_any(vc_net_create_default, nid, 0);
}

/* Nids have the range of xids (NX_ID_MAX == VX_ID_MAX). */
int vc_parse_nid(const char *s, uint32_t *nid)
{
	return vc_parse_xid(s, nid);
}

int vc_disconnect(void)
{
	unsigned char st;
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		close(fds[1]);
		if (read(fds[0], &st, 1) == 1)
			_exit(st);
		_exit(0);
	}
	close(fds[0]);
	setsid();
	return fds[1];
}

void vc_disconnect_status(int fd, unsigned char st)
{
	fflush(stdout);
	if (fd >= 0 && write(fd, &st, 1) != 1)
		return;
}

int vc_entry_run(const struct vc_entry *e, int argc, char **argv, int rest)
{
	const char *call = e->create_call;
	int status_fd = -1, ret;
	unsigned char st;
	long id;

	if (e->mode == VC_NO_MODE || (e->mode == VC_MIGRATE && !e->have_id) ||
	    (e->mode != VC_MIGRATE_SELF && rest >= argc))
		return vs_usage(e->usage_line);
	if (e->disconnect) {
		status_fd = vc_disconnect();
		if (status_fd < 0)
			return vs_fail(e->tool, "--disconnect");
	}
	if (e->mode == VC_CREATE) {
		id = e->create(e->id);
		if (id < 0 && (errno == EEXIST || errno == EBUSY)) {
			if (!e->silentexist)
				fprintf(stderr, "%s: %s %u already exists\n",
					e->tool, e->taken, e->id);
			st = 254;
			goto out_status;
		}
		if (id >= 0 && !e->silent)
			printf("New %s is %ld\n", e->kind, id);
	} else {
		id = e->enter(e, &call);
	}
	if (id < 0) {
		st = (unsigned char)vs_fail(e->tool, call);
		goto out_status;
	}
	fflush(stdout);
	ret = e->then(e, id);
	st = (unsigned char)(ret ? ret : vc_exec_rest(e->tool, argv + rest));
out_status:
	vc_disconnect_status(status_fd, st);
	return st;
}

int vc_walk_opts(int argc, char **argv, const char *shortopts,
		 const struct option *longopts, const char *usage_line,
		 int (*fn)(void *ctx, int opt, char *arg), void *ctx,
		 int *rest)
{
	char spec[64];
	int c, ret;

	/* "+": stop at the first operand; ":": report a missing argument. */
	snprintf(spec, sizeof(spec), "+:%s", shortopts ? shortopts : "");
	opterr = 0;
	optind = 0;	/* glibc: a full reset */
	while ((c = getopt_long(argc, argv, spec, longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return vs_usage(usage_line);
		ret = fn(ctx, c, optarg);
		if (ret)
			return ret;
	}
	*rest = optind;
	return 0;
}

int vc_exec_rest(const char *tool, char **argv)
{
	if (!argv[0])
		return 0;
	fflush(stdout);
	execvp(argv[0], argv);
	fprintf(stderr, "%s: %s: %s\n", tool, argv[0], strerror(errno));
	return 255;
}

void vc_chain_add(struct vc_chain *c, ...)
{
	va_list ap;
	char *w;

	va_start(ap, c);
	while ((w = va_arg(ap, char *)) != NULL) {
		if (c->argc == VC_CHAIN_MAX)
			c->overflow = 1;
		else
			c->argv[c->argc++] = w;
	}
	va_end(ap);
	c->argv[c->argc] = NULL;
}

void vc_chain_addv(struct vc_chain *c, char **argv)
{
	for (; *argv; argv++)
		vc_chain_add(c, *argv, NULL);
}

int vc_run(const char *tool, char **argv)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return vs_fail(tool, "fork");
	if (pid == 0)
		_exit(vc_exec_rest(tool, argv));
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return vs_fail(tool, "waitpid");
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int vs_usage(const char *usage_line)
{
	fputs(usage_line, stderr);
	return 255;
}

int vs_fail(const char *tool, const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", tool, what, strerror(errno));
	return 255;
}
