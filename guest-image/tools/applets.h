/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The applets of the vstool multi-call binary.  Each behaves like a
 * program of its own: it gets argc/argv with argv[0] its own name and
 * returns the exit status.
 */
#ifndef VSLAB_APPLETS_H
#define VSLAB_APPLETS_H

int vserver_info_main(int argc, char **argv);
int vsyscall_main(int argc, char **argv);
int chcontext_main(int argc, char **argv);
int vcontext_main(int argc, char **argv);
int vattribute_main(int argc, char **argv);
int vkill_main(int argc, char **argv);
int vps_main(int argc, char **argv);
int vserver_stat_main(int argc, char **argv);
int vuname_main(int argc, char **argv);
int reducecap_main(int argc, char **argv);
int showcaps_main(int argc, char **argv);
int tiocsti_main(int argc, char **argv);
int vlimit_main(int argc, char **argv);
int vwait_main(int argc, char **argv);
int vdevmap_main(int argc, char **argv);
int ncontext_main(int argc, char **argv);
int naddress_main(int argc, char **argv);
int nattribute_main(int argc, char **argv);
int chbind_main(int argc, char **argv);
int vsagent_main(int argc, char **argv);
int chattr_main(int argc, char **argv);
int lsattr_main(int argc, char **argv);
int setattr_main(int argc, char **argv);
int showattr_main(int argc, char **argv);
int chroot_escape_main(int argc, char **argv);
int lsxid_main(int argc, char **argv);
int chxid_main(int argc, char **argv);
int xflg_main(int argc, char **argv);
int limprobe_main(int argc, char **argv);
int pingsock_main(int argc, char **argv);
int vtag_main(int argc, char **argv);
int ps_main(int argc, char **argv);
int vspace_main(int argc, char **argv);
int escape_fs_main(int argc, char **argv);
int escape_net_main(int argc, char **argv);
int vsched_main(int argc, char **argv);
int escape_caps_main(int argc, char **argv);
int vdlimit_main(int argc, char **argv);
int vclock_main(int argc, char **argv);

#endif /* VSLAB_APPLETS_H */
