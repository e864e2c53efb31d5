/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Linux-VServer syscall interface: information queries.
 *
 * get_version and get_vci need only CAP_CONTEXT and ignore id and data;
 * they return the interface version and the VCI feature bits.  task_xid
 * (level 2, so it also needs CAP_SYS_ADMIN) takes a pid in the initial pid
 * namespace, 0 meaning the caller, and returns that task's context id or
 * -ESRCH.
 */
#ifndef _UAPI_VSERVER_INFO_H
#define _UAPI_VSERVER_INFO_H

#include <vserver/switch.h>

#define VCMD_get_version	VC_CMD(VERSION, 0, 0)
#define VCMD_get_vci		VC_CMD(VERSION, 1, 0)

#define VCMD_task_xid		VC_CMD(VINFO, 1, 0)
/* File tag of a task (level 2): its xid on this kernel. */
#define VCMD_task_tag		VC_CMD(VINFO, 3, 0)

#endif /* _UAPI_VSERVER_INFO_H */
