// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer /proc interface: /proc/virtual and /proc/virtnet.
 *
 * Both directories (0555) hold "info", which reports the interface
 * version, the syscall number and the VCI feature bits, and "status",
 * which reports global object counters.  All files are read-only (0444).
 * Tools read "info" to find out whether and how to reach the kernel:
 *
 *   VCIVersion:	0002:0308
 *   VCISyscall:	273
 *   VCIKernel:	00000001
 *
 * The per-context directories (/proc/virtual/<xid>) join with the context
 * objects.  Counters nobody tracks yet print 0.
 */

#include <linux/atomic.h>
#include <linux/fs_struct.h>
#include <linux/init.h>
#include <linux/init_task.h>
#include <linux/nsproxy.h>
#include <linux/proc_fs.h>
#include <linux/refcount.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/vserver/context.h>
#include <linux/vserver/network.h>
#include <linux/vserver/switch.h>
#include <vserver/switch.h>
#include <asm/unistd.h>

/*
 * The syscall number in the reader's own ABI: an IA-32 task on an x86_64
 * kernel reaches sys_vserver through slot 273, not 236.
 */
static int vx_proc_syscall_nr(void)
{
#ifdef __NR_ia32_vserver
	if (in_ia32_syscall())
		return __NR_ia32_vserver;
#endif
	return __NR_vserver;
}

static int vx_proc_info_show(struct seq_file *m, void *v)
{
	seq_printf(m, "VCIVersion:\t%04x:%04x\n",
		   VCI_VERSION >> 16, VCI_VERSION & 0xFFFF);
	seq_printf(m, "VCISyscall:\t%d\n", vx_proc_syscall_nr());
	seq_printf(m, "VCIKernel:\t%08x\n", vc_vci_bits());
	return 0;
}

static int vx_proc_status_show(struct seq_file *m, void *v)
{
	seq_printf(m, "#CTotal:\t%d\n", atomic_read(&vx_total_count));
	seq_printf(m, "#CActive:\t%d\n", atomic_read(&vx_active_count));
	/* nsproxy, fs, mnt, uts, ipc, user and pid objects: untracked. */
	seq_printf(m, "#NSProxy:\t%d\t%d %d %d %d %d %d\n", 0, 0, 0, 0, 0, 0, 0);
	/* Diagnostic snapshot of init_task; racy reads are fine here. */
	seq_printf(m, "#InitTask:\t%d\t%d %d\n",
		   refcount_read(&init_task.usage),
		   atomic_read(&init_nsproxy.count),
		   READ_ONCE(init_fs.users));
	return 0;
}

static int nx_proc_status_show(struct seq_file *m, void *v)
{
	seq_printf(m, "#CTotal:\t%d\n", atomic_read(&nx_total_count));
	seq_printf(m, "#CActive:\t%d\n", atomic_read(&nx_active_count));
	return 0;
}

/* Make one top-level directory with its "info" and "status" files. */
static int __init vx_proc_mkdir(const char *name,
				int (*status_show)(struct seq_file *, void *))
{
	struct proc_dir_entry *dir;

	dir = proc_mkdir_mode(name, 0555, NULL);
	if (!dir)
		return -ENOMEM;
	if (!proc_create_single("info", 0444, dir, vx_proc_info_show) ||
	    !proc_create_single("status", 0444, dir, status_show)) {
		proc_remove(dir);
		return -ENOMEM;
	}
	return 0;
}

static int __init vx_proc_init(void)
{
	int ret;

	ret = vx_proc_mkdir("virtual", vx_proc_status_show);
	if (ret)
		return ret;
	ret = vx_proc_mkdir("virtnet", nx_proc_status_show);
	if (ret)
		remove_proc_subtree("virtual", NULL);
	return ret;
}
fs_initcall(vx_proc_init);
