// SPDX-License-Identifier: GPL-2.0
/*
 * vspace (alias vnamespace): make, save and enter a context's namespaces.
 *
 *   vspace --new   [MASK] [--] CMD...
 *   vspace --set   [XID] [--xid XID] [MASK] [--index I] [-- CMD...]
 *   vspace --enter XID [MASK] [--index I] [--] CMD...
 *   vspace --mask-info
 *
 *   MASK is one or more of  --default | --mask M
 *   M is a number (0x... hex or decimal, CLONE_* bits) or a comma list of
 *   fs, mnt (alias ns), uts, ipc, user, pid, net, cgroup, time.
 *
 * --new runs CMD in new namespaces: those of MASK (CLONE_NEW* bits;
 * CLONE_FS needs nothing new, the process has its own root and cwd) are
 * unshared, then CMD is exec'd; with CLONE_NEWPID CMD is forked into the
 * new pid namespace and vspace waits for it and exits with its status.
 * --set saves the caller's namespaces named by MASK into space slot
 * --index (default 0) of context XID; without XID, of the caller's own
 * context (util-vserver's chain runs "vspace --set --default" inside a
 * context that is still being set up).  With "-- CMD" it then execs CMD.
 * --enter moves the caller into the namespaces slot --index of context
 * XID saved, then execs CMD.
 *
 * Without MASK: --new and --set use the kernel's default mask
 * (get_space_default), --enter everything the slot saved (mask 0).
 * --default asks the kernel for its default mask (FS, NS, UTS, IPC);
 * several --mask/--default add up.  --mask-info prints the kernel's
 * supported and default masks (get_space_mask, get_space_default) as
 * "mask 0x... default 0x...".
 *
 * Exit status: CMD's once exec'd; 255 on usage and kernel errors
 * ("vspace: set_space: <error>").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vserver/space.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] =
	"usage: vspace {--new | --set [XID] | --enter XID} [--xid XID]"
	" [--default] [--mask M] [--index I] [--] [CMD...]\n"
	"       vspace --mask-info\n";

static const struct {
	const char *name;
	uint64_t bit;
} space_names[] = {
	{ "fs",		CLONE_FS },
	{ "mnt",	CLONE_NEWNS },
	{ "ns",		CLONE_NEWNS },
	{ "uts",	CLONE_NEWUTS },
	{ "ipc",	CLONE_NEWIPC },
	{ "user",	CLONE_NEWUSER },
	{ "pid",	CLONE_NEWPID },
	{ "net",	CLONE_NEWNET },
	{ "cgroup",	CLONE_NEWCGROUP },
	{ "time",	0x00000080 },	/* CLONE_NEWTIME */
};

/* A number, or a comma list of the names above.  0 or -1. */
static int parse_mask(const char *text, uint64_t *mask)
{
	char buf[128], *word, *save = NULL;
	long long num;
	size_t i;

	if (!vc_parse_num(text, 0, 0x7fffffffffffffffLL, &num)) {
		*mask |= (uint64_t)num;
		return 0;
	}
	if (strlen(text) >= sizeof(buf))
		return -1;
	strcpy(buf, text);
	for (word = strtok_r(buf, ",", &save); word;
	     word = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(space_names) / sizeof(space_names[0]); i++)
			if (!strcmp(word, space_names[i].name))
				break;
		if (i == sizeof(space_names) / sizeof(space_names[0]))
			return -1;
		*mask |= space_names[i].bit;
	}
	return 0;
}

static long get_mask(uint32_t cmd, uint64_t *mask)
{
	struct vcmd_space_mask_v1 m = { 0 };
	long ret = vc_syscall(cmd, 0, &m);

	if (ret >= 0)
		*mask = m.mask;
	return ret;
}

static int run(char **cmd)
{
	execvp(cmd[0], cmd);
	fprintf(stderr, "vspace: %s: %s\n", cmd[0], strerror(errno));
	return 255;
}

/* --new: unshare, and fork once more for a new pid namespace. */
static int do_new(uint64_t mask, char **cmd)
{
	int flags = (int)(mask & ~(uint64_t)CLONE_FS);
	int status;
	pid_t pid;

	if (flags && unshare(flags) < 0)
		return vs_fail("vspace", "unshare");
	if (!(flags & CLONE_NEWPID))
		return run(cmd);
	pid = fork();
	if (pid < 0)
		return vs_fail("vspace", "fork");
	if (pid == 0)
		_exit(run(cmd));
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return vs_fail("vspace", "waitpid");
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int vspace_main(int argc, char **argv)
{
	enum { NONE, NEW, SET, ENTER } op = NONE;
	struct vcmd_space_mask_v2 arg = { 0, 0 };
	int have_mask = 0, have_xid = 0, i;
	uint32_t xid = 0;
	long long index = 0;
	uint64_t m;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *o = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		m = 0;

		if (!strcmp(o, "--")) {
			i++;
			break;
		}
		if (!strcmp(o, "--help")) {
			fputs(usage_line, stdout);
			return 0;
		}
		if (!strcmp(o, "--mask-info")) {
			uint64_t def = 0;

			m = 0;
			if (get_mask(VCMD_get_space_mask, &m) < 0)
				return vs_fail("vspace", "get_space_mask");
			if (get_mask(VCMD_get_space_default, &def) < 0)
				return vs_fail("vspace", "get_space_default");
			printf("mask 0x%llx default 0x%llx\n",
			       (unsigned long long)m, (unsigned long long)def);
			return 0;
		}
		if (!strcmp(o, "--new") && op == NONE) {
			op = NEW;
		} else if (!strcmp(o, "--set") && op == NONE) {
			op = SET;
			/* vnamespace's "--set XID" */
			if (v && v[0] != '-' && !vc_parse_xid(v, &xid)) {
				have_xid = 1;
				i++;
			}
		} else if (!strcmp(o, "--enter") && op == NONE && v &&
			   !vc_parse_xid(v, &xid)) {
			op = ENTER;
			have_xid = 1;
			i++;
		} else if (!strcmp(o, "--xid") && v && !vc_parse_xid(v, &xid)) {
			have_xid = 1;
			i++;
		} else if (!strcmp(o, "--default")) {
			m = 0;
			if (get_mask(VCMD_get_space_default, &m) < 0)
				return vs_fail("vspace", "get_space_default");
			arg.mask |= m;
			have_mask = 1;
		} else if (!strcmp(o, "--mask") && v &&
			   !parse_mask(v, &m)) {
			arg.mask |= m;
			have_mask = 1;
			i++;
		} else if (!strcmp(o, "--index") && v &&
			   !vc_parse_num(v, 0, 0xffffffffLL, &index)) {
			arg.index = (uint32_t)index;
			i++;
		} else {
			return vs_usage(usage_line);
		}
	}
	if (op == NONE || (op != SET && i >= argc))
		return vs_usage(usage_line);

	if (!have_mask && op != ENTER) {
		if (get_mask(VCMD_get_space_default, &m) < 0)
			return vs_fail("vspace", "get_space_default");
		arg.mask = m;
	}

	switch (op) {
	case NEW:
		return do_new(arg.mask, argv + i);
	case SET:
		/* No XID: the caller's own context (util-vserver's -2). */
		if (vc_syscall(VCMD_set_space, have_xid ? xid : (uint32_t)-2,
			       &arg) < 0)
			return vs_fail("vspace", "set_space");
		return i < argc ? run(argv + i) : 0;
	case ENTER:
		if (vc_syscall(VCMD_enter_space, xid, &arg) < 0)
			return vs_fail("vspace", "enter_space");
		return run(argv + i);
	default:
		return vs_usage(usage_line);
	}
}
