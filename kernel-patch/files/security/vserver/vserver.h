/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux-VServer security module: what its parts share.
 *
 * The module is one LSM ("vserver") whose hooks live in several files,
 * one concern each; vserver_lsm.c registers them all at boot.
 */
#ifndef _SECURITY_VSERVER_VSERVER_H
#define _SECURITY_VSERVER_VSERVER_H

#include <linux/init.h>
#include <linux/lsm_hooks.h>

extern struct lsm_blob_sizes vx_blob_sizes;

/* limit.c: refusals past a context's limits. */
void __init vx_limit_add_hooks(void);

#endif /* _SECURITY_VSERVER_VSERVER_H */
