// SPDX-License-Identifier: GPL-2.0
/*
 * Linux-VServer network contexts.
 *
 * A network context (nid) restricts the addresses a group of tasks may
 * bind to and see.  Network context objects come in a later slice; for
 * now this file keeps the global object counters that
 * /proc/virtnet/status shows.
 */

#include <linux/atomic.h>
#include <linux/vserver/network.h>

/* Locking: plain atomics, see include/linux/vserver/context.h. */
atomic_t nx_total_count = ATOMIC_INIT(0);
atomic_t nx_active_count = ATOMIC_INIT(0);
