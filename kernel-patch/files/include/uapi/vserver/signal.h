/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Linux-VServer syscall interface: signalling and waiting for contexts.
 *
 * ctx_kill (level 6, needs CAP_SYS_RESOURCE too) sends a signal into a
 * context.  pid 0 means every task of the context, -1 every task but its
 * init, 1 the context's init, and any other pid that task if it belongs
 * to the context (else -ESRCH).
 *
 * wait_exit (level 4) blocks until the context is gone and reports how it
 * ended.  A signal interrupts the wait.
 */
#ifndef _UAPI_VSERVER_SIGNAL_H
#define _UAPI_VSERVER_SIGNAL_H

#include <linux/types.h>
#include <vserver/switch.h>

#define VCMD_ctx_kill		VC_CMD(PROCTRL, 1, 0)
#define VCMD_wait_exit		VC_CMD(EVENT, 99, 0)

struct vcmd_ctx_kill_v0 {
	__s32 pid;
	__s32 sig;
};

struct vcmd_wait_exit_v0 {
	__s32 reboot_cmd;	/* reboot(2) cmd recorded by the helper, or 0 */
	__s32 exit_code;	/* exit code of the last task (or the init) */
};

#endif /* _UAPI_VSERVER_SIGNAL_H */
