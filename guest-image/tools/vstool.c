// SPDX-License-Identifier: GPL-2.0
/*
 * vstool: one static binary for all vslab guest tools.
 *
 * The applet is chosen by the basename of argv[0], so a symlink
 * "vserver-info -> vstool" runs vserver-info.  Called as "vstool" itself,
 * the first argument names the applet instead.  To add a tool, add one
 * line to the table below.
 */
#include <stdio.h>
#include <string.h>

#include "applets.h"

static const struct {
	const char *name;
	int (*main)(int argc, char **argv);
} applets[] = {
	{ "vserver-info",	vserver_info_main },
	{ "vsyscall",		vsyscall_main },
	{ "chcontext",		chcontext_main },
	{ "vcontext",		vcontext_main },
	{ "vattribute",		vattribute_main },
	{ "vkill",		vkill_main },
	{ "vps",		vps_main },
	{ "vserver-stat",	vserver_stat_main },
	{ "vuname",		vuname_main },
	{ "reducecap",		reducecap_main },
	{ "showcaps",		showcaps_main },
	{ "tiocsti",		tiocsti_main },
	{ "vlimit",		vlimit_main },
	{ "vsched",		vsched_main },
	{ "vdlimit",		vdlimit_main },
	{ "vclock",		vclock_main },
	{ "vwait",		vwait_main },
	{ "vdevmap",		vdevmap_main },
	{ "ncontext",		ncontext_main },
	{ "naddress",		naddress_main },
	{ "nattribute",		nattribute_main },
	{ "chbind",		chbind_main },
	{ "vsagent",		vsagent_main },
	{ "chattr",		chattr_main },
	{ "lsattr",		lsattr_main },
	{ "setattr",		setattr_main },
	{ "showattr",		showattr_main },
	{ "chroot-escape",	chroot_escape_main },
	{ "lsxid",		lsxid_main },
	{ "chxid",		chxid_main },
	{ "xflg",		xflg_main },
	{ "limprobe",		limprobe_main },
	{ "pingsock",		pingsock_main },
	{ "vtag",		vtag_main },
	{ "ps",			ps_main },
	{ "vspace",		vspace_main },
	{ "vnamespace",		vspace_main },
	{ "escape-fs",		escape_fs_main },
	{ "escape-net",		escape_net_main },
	{ "escape-caps",		escape_caps_main },
};

#define NR_APPLETS (sizeof(applets) / sizeof(applets[0]))

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int run_applet(int argc, char **argv)
{
	const char *name = base_name(argv[0]);
	size_t i;

	for (i = 0; i < NR_APPLETS; i++)
		if (!strcmp(applets[i].name, name))
			return applets[i].main(argc, argv);
	return -1;
}

static void list_applets(FILE *f)
{
	size_t i;

	fprintf(f, "usage: vstool APPLET [ARG]...\napplets:");
	for (i = 0; i < NR_APPLETS; i++)
		fprintf(f, " %s", applets[i].name);
	fputc('\n', f);
}

int main(int argc, char **argv)
{
	int ret;

	if (argc < 1)
		return 255;
	ret = run_applet(argc, argv);
	if (ret >= 0)
		return ret;

	if (strcmp(base_name(argv[0]), "vstool")) {
		fprintf(stderr, "vstool: unknown applet '%s'\n",
			base_name(argv[0]));
		return 255;
	}
	if (argc < 2 || !strcmp(argv[1], "--help")) {
		list_applets(argc < 2 ? stderr : stdout);
		return argc < 2 ? 255 : 0;
	}
	ret = run_applet(argc - 1, argv + 1);
	if (ret >= 0)
		return ret;
	fprintf(stderr, "vstool: unknown applet '%s'\n", argv[1]);
	list_applets(stderr);
	return 255;
}
