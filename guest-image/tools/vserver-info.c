// SPDX-License-Identifier: GPL-2.0
/*
 * vserver-info: what Linux-VServer interface does this kernel offer?
 *
 *   vserver-info [- SYSINFO]   summary: versions, syscall, VCI bits
 *   vserver-info - APIVER      interface version only, as 0x%08x
 *   vserver-info --help
 *
 * Exit status: 0 on success, 1 if the kernel has no usable interface
 * (sys_vserver returned ENOSYS: stock kernel, or no CAP_CONTEXT), 255 on
 * usage errors.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] = "usage: vserver-info [- SYSINFO|APIVER]\n";

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

int vserver_info_main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		fputs(usage_line, stdout);
		printf("Shows the Linux-VServer interface of the running kernel.\n"
		       "  - SYSINFO   versions, syscall number, VCI feature bits (default)\n"
		       "  - APIVER    interface version\n"
		       "Exit status 1 if the kernel has no such interface.\n");
		return 0;
	}
	if (argc == 1)
		return sysinfo();
	if (argc == 3 && !strcmp(argv[1], "-")) {
		if (!strcmp(argv[2], "SYSINFO"))
			return sysinfo();
		if (!strcmp(argv[2], "APIVER"))
			return apiver();
	}
	fputs(usage_line, stderr);
	return 255;
}
