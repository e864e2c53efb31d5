/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux-VServer network contexts (kernel side).
 *
 * A network context (nid) names the addresses a group of tasks may use.
 * Only its global counters exist so far.
 */
#ifndef _LINUX_VSERVER_NETWORK_H
#define _LINUX_VSERVER_NETWORK_H

#include <linux/atomic.h>

/*
 * Global counters for /proc/virtnet/status: "total" counts allocated
 * network contexts, "active" those that are hashed and so can be found by
 * id.  Locking: plain atomics; no lock orders them with anything.
 */
extern atomic_t nx_total_count;
extern atomic_t nx_active_count;

#endif /* _LINUX_VSERVER_NETWORK_H */
