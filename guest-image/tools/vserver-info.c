// SPDX-License-Identifier: GPL-2.0
/*
 * vserver-info: what Linux-VServer interface does this kernel offer?
 *
 *   vserver-info [-q] [- SYSINFO]   summary: versions, syscall, VCI bits
 *   vserver-info [-q] - APIVER      interface version only, as 0x%08x
 *   vserver-info [-q] - FEATURE F   exit 0 iff the kernel has feature F
 *   vserver-info [-q] X XIDTYPE [T]...
 *                                   the type of context X: main (0), watch
 *                                   (1), static (2..49151), dynamic
 *                                   (49152..65535), else invalid; with
 *                                   Ts, exit 0 iff it is one of them
 *   vserver-info [-q] X INITPID     the global pid of context X's init (0:
 *                                   none)
 *   vserver-info [-q] PID XID|NID|TAG
 *                                   context, network context or file tag
 *                                   of process PID (0: the caller)
 *   vserver-info --help
 *
 * The forms and their meaning are util-vserver's (its scripts call them:
 * chcontext runs `vserver-info - FEATURE migrate` and
 * `vserver-info -q N XIDTYPE static`, chbind `- FEATURE vnet`).  X is a
 * context id or empty (the caller's own context).  -q discards the
 * output; only the exit status tells.  FEATURE names, case-insensitive,
 * with the interface versions that have them: compat (always), vshelper0
 * (1.0 to 1.0.15), vshelper, vkill, rlimit (1.0.4), vinfo, vhi (1.0.16),
 * iattr (1.0.17), migrate, namespace (1.0.18), vwait (1.0.37), sched
 * (2.0), vnet (2.0.1), persistent (2.0.2), vstat (2.1.3), pidspace
 * (2.2.1), and the VCI bits pptag and spaces.
 *
 * Exit status: 0 on success; 1 if the query fails or the answer is no
 * (for SYSINFO: the kernel has no usable interface, sys_vserver returned
 * ENOSYS: stock kernel, or no CAP_CONTEXT); 255 on usage errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <strings.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] =
	"usage: vserver-info [-q] [- SYSINFO|APIVER | - FEATURE F | X XIDTYPE [T]... | X INITPID | PID XID|NID|TAG]\n";

static const struct {
	uint32_t bit;
	const char *name;
} vci_flags[] = {
	{ VCI_NO_DYNAMIC,	"NO_DYNAMIC" },
	{ VCI_PROC_SECURE,	"PROC_SECURE" },
	{ VCI_COWBL,		"COWBL" },
	{ VCI_FULLCOWBL,	"FULLCOWBL" },
	{ VCI_SPACES,		"SPACES" },
	{ VCI_NETV2,		"NETV2" },
	{ VCI_MEMCG,		"MEMCG" },
	{ VCI_MEMCG_SWAP,	"MEMCG_SWAP" },
	{ VCI_DEBUG,		"DEBUG" },
	{ VCI_HISTORY,		"HISTORY" },
	{ VCI_PPTAG,		"PPTAG" },
};

static const char *const tag_methods[8] = {
	[VCI_TAGGED_NONE]	= "none",
	[VCI_TAGGED_UID16]	= "UID16",
	[VCI_TAGGED_GID16]	= "GID16",
	[VCI_TAGGED_ID24]	= "ID24",
	[VCI_TAGGED_INTERN]	= "INTERN",
	[VCI_TAGGED_RUNTIME]	= "RUNTIME",
	[VCI_TAGGED_UNKNOWN]	= "unknown",
};

/* Report a failed query; ENOSYS means no interface at all. */
static int query_failed(const char *what)
{
	if (errno == ENOSYS)
		fprintf(stderr, "vserver-info: kernel has no Linux-VServer interface (sys_vserver returned ENOSYS)\n");
	else
		fprintf(stderr, "vserver-info: %s: %s\n", what, strerror(errno));
	return 1;
}

static void print_vci(uint32_t vci)
{
	unsigned int tag = (vci & VCI_TAGGED_MASK) >> VCI_TAGGED_SHIFT;
	size_t i;

	printf("Features:\n");
	for (i = 0; i < sizeof(vci_flags) / sizeof(vci_flags[0]); i++)
		printf("    %-12s %s\n", vci_flags[i].name,
		       vci & vci_flags[i].bit ? "yes" : "no");
	printf("    %-12s %s\n", "TAGGED",
	       tag_methods[tag] ? tag_methods[tag] : "reserved");
}

static int sysinfo(void)
{
	struct utsname uts;
	long version, vci;

	version = vc_get_version();
	if (version < 0)
		return query_failed("get_version");
	vci = vc_get_vci();
	if (vci < 0)
		return query_failed("get_vci");
	if (uname(&uts) < 0)
		strcpy(uts.release, "?");

	printf("Versions:\n");
	printf("    Kernel:      %s\n", uts.release);
	printf("    VCI version: 0x%08lx (%lu.%lu.%lu)\n", version,
	       (unsigned long)version >> 16,
	       ((unsigned long)version >> 8) & 0xff,
	       (unsigned long)version & 0xff);
	printf("    VCI bits:    0x%08lx\n", (unsigned long)(uint32_t)vci);
	printf("Syscall:\n");
	printf("    syscall: %d\n", vc_syscall_nr());
	print_vci((uint32_t)vci);
	return 0;
}

static int apiver(void)
{
	long version = vc_get_version();

	if (version < 0)
		return query_failed("get_version");
	printf("0x%08lx\n", version);
	return 0;
}

/* util-vserver's feature names and what has them (see the header). */
static const struct {
	const char *name;
	long min, below;	/* interface versions; below 0: no limit */
	uint32_t vci;		/* or a VCI bit */
} features[] = {
	{ "compat",	0,		-1,		0 },
	{ "vshelper0",	0x00010000,	0x00010010,	0 },
	{ "vshelper",	0x00010000,	-1,		0 },
	{ "vkill",	0x00010004,	-1,		0 },
	{ "rlimit",	0x00010004,	-1,		0 },
	{ "vinfo",	0x00010010,	-1,		0 },
	{ "vhi",	0x00010010,	-1,		0 },
	{ "iattr",	0x00010011,	-1,		0 },
	{ "migrate",	0x00010012,	-1,		0 },
	{ "namespace",	0x00010012,	-1,		0 },
	{ "vwait",	0x00010025,	-1,		0 },
	{ "sched",	0x00020000,	-1,		0 },
	{ "vnet",	0x00020001,	-1,		0 },
	{ "persistent",	0x00020002,	-1,		0 },
	{ "vstat",	0x00020103,	-1,		0 },
	{ "pidspace",	0x00020201,	-1,		0 },
	{ "pptag",	0,		-1,		VCI_PPTAG },
	{ "spaces",	0,		-1,		VCI_SPACES },
};

static int feature(const char *name)
{
	long version = vc_get_version(), vci = vc_get_vci();
	size_t i;

	if (version < 0)
		return 1;
	for (i = 0; i < sizeof(features) / sizeof(features[0]); i++) {
		if (strcasecmp(name, features[i].name))
			continue;
		if (features[i].vci)
			return vci >= 0 && (vci & features[i].vci) ? 0 : 1;
		return version >= features[i].min &&
		       (features[i].below < 0 || version < features[i].below) ? 0 : 1;
	}
	return 1;
}

/* X of "X TAG": a context id, or empty for the caller's own context. */
static int context_of(const char *text, uint32_t *xid)
{
	long own;

	if (*text)
		return vc_parse_xid(text, xid);
	own = vc_task_xid(0);
	if (own < 0)
		return -1;
	*xid = (uint32_t)own;
	return 0;
}

static const char *xid_type(uint32_t xid)
{
	if (xid == 0)
		return "main";
	if (xid == VX_ID_SPECTATOR)
		return "watch";
	if (xid < VX_ID_MIN_DYNAMIC)
		return "static";
	if (xid <= VX_ID_MAX)
		return "dynamic";
	return "invalid";
}

static int xidtype(const char *x, int argc, char **argv)
{
	const char *type = "invalid";
	uint32_t xid;
	int k;

	if (!context_of(x, &xid))
		type = xid_type(xid);
	for (k = 0; k < argc && strcasecmp(argv[k], type); k++)
		;
	if (argc && k == argc)
		return 1;
	printf("%s\n", type);
	return 0;
}

static int initpid(const char *x)
{
	struct vcmd_vx_info_v0 info;
	uint32_t xid;

	if (context_of(x, &xid))
		return 1;
	if (vc_vx_info(xid, &info) < 0)
		return query_failed("vx_info");
	printf("%u\n", info.initpid);
	return 0;
}

/* XID, NID, TAG of a pid: task_xid, task_nid, task_tag. */
static int task_id(const char *pidtext, uint32_t cmd, const char *what)
{
	long long pid;
	long id;

	if (vc_parse_num(pidtext, 0, INT32_MAX, &pid))
		return 1;
	id = vc_syscall(cmd, (uint32_t)pid, NULL);
	if (id < 0)
		return query_failed(what);
	printf("%ld\n", id);
	return 0;
}

static int on_opt(void *ctx, int opt, char *arg)
{
	(void)arg;
	if (opt == 'q') {
		*(int *)ctx = 1;
		return 0;
	}
	fputs(usage_line, stdout);
	printf("Shows the Linux-VServer interface of the running kernel.\n"
	       "  - SYSINFO        versions, syscall number, VCI feature bits (default)\n"
	       "  - APIVER         interface version\n"
	       "  - FEATURE F      exit 0 iff the kernel has feature F (migrate, vnet, ...)\n"
	       "  X XIDTYPE [T]..  main, watch, static, dynamic or invalid (X empty: own)\n"
	       "  X INITPID        pid of context X's init\n"
	       "  PID XID|NID|TAG  context, network context, file tag of PID\n"
	       "  -q               no output, exit status only\n");
	return VC_OPT_DONE;
}

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static int query(int argc, char **argv)
{
	const char *x = argv[0], *tag = argv[1];

	if (!strcmp(tag, "SYSINFO") && !strcmp(x, "-"))
		return sysinfo();
	if (!strcmp(tag, "APIVER") && !strcmp(x, "-"))
		return apiver();
	if (!strcmp(tag, "FEATURE"))
		return argc > 2 ? feature(argv[2]) : 1;
	if (!strcmp(tag, "XIDTYPE"))
		return xidtype(x, argc - 2, argv + 2);
	if (!strcmp(tag, "INITPID"))
		return initpid(x);
	if (!strcmp(tag, "XID"))
		return task_id(x, VCMD_task_xid, "task_xid");
	if (!strcmp(tag, "NID"))
		return task_id(x, VCMD_task_nid, "task_nid");
	if (!strcmp(tag, "TAG"))
		return task_id(x, VCMD_task_tag, "task_tag");
	fputs(usage_line, stderr);
	return 255;
}

int vserver_info_main(int argc, char **argv)
{
	int quiet = 0, i, ret, fd;

	ret = vc_walk_opts(argc, argv, "qh", longopts, usage_line, on_opt, &quiet, &i);
	if (ret)
		return ret == VC_OPT_DONE ? 0 : ret;
	if (i == argc)
		return sysinfo();
	if (argc - i < 2)
		return vs_usage(usage_line);
	if (quiet) {
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			close(fd);
		}
	}
	ret = query(argc - i, argv + i);
	fflush(stdout);
	return ret;
}
