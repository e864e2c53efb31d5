// SPDX-License-Identifier: GPL-2.0
/*
 * vtag: set the file tag of this process, then run a command.
 *
 *   vtag --create --tag N [--silentexist] [--silent] [--] CMD [ARG]...
 *   vtag --migrate --tag N [--silent] [--] CMD [ARG]...
 *
 * The file tag is the tag a task's new files get on a tagged filesystem
 * (ABI §5.7).  Tags are no objects of their own in the kernel, so
 * --create has nothing to allocate: it checks that the kernel tags files
 * (VCI PPTAG) and runs CMD; it never exits 254 here (that is for a
 * kernel that keeps tags as objects).  --migrate sets the caller's tag
 * with tag_migrate (0x23010000, id = N) and runs CMD, whose children
 * inherit the tag.  chcontext's chain starts with these two forms.
 *
 * --silent        if the kernel does not tag files, run CMD anyway
 *                 (without it: "vtag: ...: Function not implemented",
 *                 exit 255).
 * --silentexist   accepted for util-vserver's command line; no effect.
 *
 * Exit status: CMD's own; 255 on usage and other errors.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "applets.h"
#include "lib.h"

#include <vserver/inode.h>

static const char usage_line[] =
	"usage: vtag {--create | --migrate} --tag N [--silentexist] [--silent] [--] CMD [ARG]...\n";

enum { O_CREATE = 256, O_MIGRATE, O_TAG, O_SILENT, O_SILENTEXIST, O_HELP };

static const struct option longopts[] = {
	{ "create",	no_argument,		NULL, O_CREATE },
	{ "migrate",	no_argument,		NULL, O_MIGRATE },
	{ "tag",	required_argument,	NULL, O_TAG },
	{ "silent",	no_argument,		NULL, O_SILENT },
	{ "silentexist", no_argument,		NULL, O_SILENTEXIST },
	{ "help",	no_argument,		NULL, O_HELP },
	{ NULL, 0, NULL, 0 }
};

struct args {
	int create, migrate, silent, have_tag;
	uint32_t tag;
};

static int on_opt(void *ctx, int opt, char *arg)
{
	struct args *a = ctx;

	switch (opt) {
	case O_CREATE:		a->create = 1; break;
	case O_MIGRATE:		a->migrate = 1; break;
	case O_SILENT:		a->silent = 1; break;
	case O_SILENTEXIST:	break;
	case O_TAG:
		if (vc_parse_xid(arg, &a->tag))
			return vs_usage(usage_line);
		a->have_tag = 1;
		break;
	default:
		fputs(usage_line, stdout);
		printf("  --create       check that the kernel tags files, run CMD\n"
		       "  --migrate      set this process's file tag to N (tag_migrate), run CMD\n"
		       "  --silent       run CMD even if the kernel does not tag files\n");
		return VC_OPT_DONE;
	}
	return 0;
}

int vtag_main(int argc, char **argv)
{
	struct args a = { 0 };
	long vci;
	int i, ret;

	ret = vc_walk_opts(argc, argv, "", longopts, usage_line, on_opt, &a, &i);
	if (ret)
		return ret == VC_OPT_DONE ? 0 : ret;
	if (a.create == a.migrate || !a.have_tag || i >= argc)
		return vs_usage(usage_line);

	vci = vc_get_vci();
	if (vci < 0 || !(vci & VCI_PPTAG)) {
		if (vci >= 0)
			errno = ENOSYS;
		if (!a.silent)
			return vs_fail("vtag", "file tags");
	} else if (a.migrate && vc_syscall(VCMD_tag_migrate, a.tag, NULL) < 0) {
		return vs_fail("vtag", "tag_migrate");
	}
	return vc_exec_rest("vtag", argv + i);
}
