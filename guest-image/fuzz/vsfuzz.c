// SPDX-License-Identifier: GPL-2.0
/*
 * vsfuzz: a seeded, structure-aware fuzzer for sys_vserver().
 *
 *   vsfuzz [--seed S] [--calls N] [--procs P] [--from host|guest|setup|spectator|all]
 *          [--churn C] [--replay] [--dry W:FIRST:COUNT]
 *
 * P worker processes each make N/P calls.  A call picks a command word
 * (every word of the ABI's command table, every revision, and unknown
 * words), an id (boundary values such as 0, 1, 2, 49151, 49152, 65535,
 * -1, huge, or the ids of contexts that exist) and a data pointer of one
 * of several kinds: NULL, a buffer laid out like the command's argument
 * struct with boundary values in its fields, the same struct cut short by
 * a guard page, unmapped memory, a kernel address, a misaligned buffer, a
 * read-only page, a random number.  Pointers inside structs (path names,
 * history buffers) get the same treatment.
 *
 * Worker w calls from the place --from names; with "all" (the default) the
 * workers cycle through host, spectator, setup (inside its own context
 * 40000+w while STATE_SETUP is set) and guest (the same context after
 * setup), every second group without CAP_SYS_ADMIN and CAP_CONTEXT.
 * Commands that move the caller (create, migrate, enter_space,
 * tag_migrate) or block (wait_exit) run in a short-lived child, so the
 * worker stays where it was, also when a random word or revision happens
 * to be one of them; C churn processes meanwhile create contexts
 * and network contexts with ids from the same pool, fork inside them and
 * exit, so calls meet objects being born and torn down.
 *
 * Reproducing: worker w's calls depend only on (seed, w), never on what
 * the kernel answered.  Every 1024 calls a worker writes a heartbeat line
 * "vsfuzz: seed=S worker=W call=I" to /dev/kmsg, so the console shows
 * where each worker was when the kernel reported something.  --replay
 * writes every call to /dev/kmsg before making it (slow, exact), and
 * --dry W:FIRST:COUNT prints worker W's calls FIRST.. without making them
 * (" in-child" marks those made in a child).
 *
 * Output: one summary line "vsfuzz: seed=S calls=N seconds=T rate=R/s
 * ok=.. enosys=.. other=.. killed=.. hung=..".  Exit status 0; 2 on usage
 * errors; 3 when a call did not return within 30 seconds of guest time (a
 * hang; the stuck task's state, wait channel and kernel stack go to stderr).
 * A child (whose call its own alarm interrupts after 1 s) still there after
 * 3 s gets SIGKILL: one that ends within the next 27 s was held by its
 * context's scheduler (SCHED_PAUSE, an empty SCHED_HARD bucket: what the
 * scheduler is for) and counts as killed; one that does not is the hang.  A
 * worker never pauses or limits its own context (set_sched on it goes to
 * context 42, set_cflags on it keeps the SCHED_* bits), and each churn
 * cycle first clears SCHED_* on the context it uses, so that holds pass.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <vserver/switch.h>
#include <vserver/info.h>
#include <vserver/context.h>
#include <vserver/cvirt.h>
#include <vserver/inode.h>
#include <vserver/limit.h>
#include <vserver/network.h>
#include <vserver/signal.h>

#include "vserver-nr.h"

#define CAP_CONTEXT_BIT		41
#define WORKER_XID_BASE		40000
#define HEARTBEAT_EVERY		1024
#define HANG_SECONDS		30
/* A child's call is interrupted after 1 s; one still there after this is held or hung. */
#define CHILD_SECONDS		3
#define HELD_SECONDS		(HANG_SECONDS - CHILD_SECONDS)
#define EXIT_HANG		3
#define MAX_PROCS		64

/* --- the command table: word, name, argument layout, how to call it --- */

/*
 * Layout codes, one per field, in struct order with the C alignment of
 * this ABI: I u32, i i32, H u16, Q u64, A in_addr, X in6_addr, C char[65],
 * P pointer to a path, D pointer to a data buffer.  A decimal count before
 * a code repeats it.  "" = the command takes no data.
 */
enum { F_SELF = 1, F_BLOCK = 2, F_FD = 4 };

struct command {
	uint32_t word;
	const char *name;
	const char *layout;
	unsigned int how;
};

static const struct command commands[] = {
	{ VCMD_get_version, "get_version", "", 0 },
	{ VCMD_get_vci, "get_vci", "", 0 },
	{ VCMD_get_rlimit_mask, "get_rlimit_mask", "III", 0 },
	{ 0x0a040000, "get_space_mask_v0", "Q", 0 },
	{ 0x36000001, "get_space_mask", "Q", 0 },
	{ 0x36010000, "get_space_default", "Q", 0 },
	{ VCMD_task_xid, "task_xid", "", 0 },
	{ VCMD_task_nid, "task_nid", "", 0 },
	{ VCMD_task_tag, "task_tag", "", 0 },
	{ VCMD_vx_info, "vx_info", "II", 0 },
	{ VCMD_nx_info, "nx_info", "I", 0 },
	{ VCMD_ctx_stat, "ctx_stat", "II", 0 },
	{ VCMD_rlimit_stat, "rlimit_stat", "IIQQQ", 0 },
	{ VCMD_virt_stat, "virt_stat", "QQ8I", 0 },
	{ VCMD_sock_stat, "sock_stat", "I3I3Q", 0 },
	{ VCMD_get_cflags, "get_cflags", "QQ", 0 },
	{ VCMD_get_ccaps, "get_ccaps", "QQ", 0 },
	{ VCMD_get_nflags, "get_nflags", "QQ", 0 },
	{ VCMD_get_ncaps, "get_ncaps", "QQ", 0 },
	{ VCMD_get_bcaps, "get_bcaps", "QQ", 0 },
	{ VCMD_get_umask, "get_umask", "QQ", 0 },
	{ VCMD_get_wmask, "get_wmask", "QQ", 0 },
	{ 0x14050000, "get_badness", "Q", 0 },
	{ VCMD_get_vhi_name, "get_vhi_name", "IC", 0 },
	{ VCMD_get_rlimit, "get_rlimit", "IQQQ", 0 },
	{ 0x0e050000, "get_prio_bias", "ii", 0 },
	{ 0x24060000, "get_dlimit", "PIIIIII", 0 },
	{ VCMD_get_iattr, "get_iattr", "PIII", 0 },
	{ VCMD_fget_iattr, "fget_iattr", "III", F_FD },
	{ VCMD_reset_hits, "reset_hits", "", 0 },
	{ VCMD_reset_minmax, "reset_minmax", "", 0 },
	{ VCMD_wait_exit, "wait_exit", "ii", F_BLOCK },
	{ VCMD_ctx_create_v0, "ctx_create_v0", "", F_SELF },
	{ VCMD_ctx_create, "ctx_create", "Q", F_SELF },
	{ VCMD_ctx_migrate_v0, "ctx_migrate_v0", "", F_SELF },
	{ VCMD_ctx_migrate, "ctx_migrate", "Q", F_SELF },
	{ 0x0a010000, "enter_space_v0", "", F_SELF },
	{ 0x0a010001, "enter_space_v1", "Q", F_SELF },
	{ 0x0a010002, "enter_space", "QI", F_SELF },
	{ VCMD_net_create_v0, "net_create_v0", "", F_SELF },
	{ VCMD_net_create, "net_create", "Q", F_SELF },
	{ VCMD_net_migrate, "net_migrate", "", F_SELF },
	{ VCMD_tag_migrate, "tag_migrate", "", F_SELF },
	{ VCMD_ctx_kill, "ctx_kill", "ii", 0 },
	{ 0x0a030001, "set_space_v1", "Q", 0 },
	{ 0x0a030002, "set_space", "QI", 0 },
	{ 0x0a030000, "set_namespace_v0", "", 0 },
	{ 0x0a020000, "cleanup_namespace", "", 0 },
	{ 0x0a050000, "get_pflags", "II", 0 },
	{ 0x0a060000, "set_pflags", "II", 0 },
	{ VCMD_set_cflags, "set_cflags", "QQ", 0 },
	{ VCMD_set_ccaps, "set_ccaps", "QQ", 0 },
	{ 0x34030000, "get_ccaps_v0", "QQQ", 0 },
	{ 0x34040000, "set_ccaps_v0", "QQQ", 0 },
	{ VCMD_set_bcaps, "set_bcaps", "QQ", 0 },
	{ VCMD_set_umask, "set_umask", "QQ", 0 },
	{ VCMD_set_wmask, "set_wmask", "QQ", 0 },
	{ 0x14060000, "set_badness", "Q", 0 },
	{ VCMD_set_vhi_name, "set_vhi_name", "IC", 0 },
	{ VCMD_set_rlimit, "set_rlimit", "IQQQ", 0 },
	{ 0x0e040000, "set_prio_bias", "ii", 0 },
	{ VCMD_set_nflags, "set_nflags", "QQ", 0 },
	{ VCMD_set_ncaps, "set_ncaps", "QQ", 0 },
	{ VCMD_set_iattr, "set_iattr", "PIII", 0 },
	{ VCMD_fset_iattr, "fset_iattr", "III", F_FD },
	{ 0x24050000, "set_dlimit", "PIIIIII", 0 },
	{ 0x24010000, "add_dlimit", "PI", 0 },
	{ 0x24020000, "rem_dlimit", "PI", 0 },
	{ VCMD_net_add, "net_add", "HH4A4A", 0 },
	{ VCMD_net_remove, "net_remove", "HH4A4A", 0 },
	{ VCMD_net_add_ipv4_v1, "net_add_ipv4_v1", "HHAA", 0 },
	{ VCMD_net_rem_ipv4_v1, "net_rem_ipv4_v1", "HHAA", 0 },
	{ VCMD_net_add_ipv4, "net_add_ipv4", "HHAAA", 0 },
	{ VCMD_net_rem_ipv4, "net_rem_ipv4", "HHAAA", 0 },
	{ VCMD_net_add_ipv6, "net_add_ipv6", "HHIXX", 0 },
	{ VCMD_net_remove_ipv6, "net_remove_ipv6", "HHIXX", 0 },
	{ VCMD_add_match_ipv4, "add_match_ipv4", "HHHHAAA", 0 },
	{ VCMD_get_match_ipv4, "get_match_ipv4", "HHHHAAA", 0 },
	{ VCMD_add_match_ipv6, "add_match_ipv6", "HHHHXXX", 0 },
	{ VCMD_get_match_ipv6, "get_match_ipv6", "HHHHXXX", 0 },
	{ 0x06010000, "set_mapping", "PPI", 0 },
	{ 0x06020000, "unset_mapping", "PPI", 0 },
	{ 0x3d010001, "set_sched_v1", "iiii", 0 },
	{ 0x0e010002, "set_sched_v2", "iiiiiQ", 0 },
	{ 0x0e010003, "set_sched_v3", "Iiiiiii", 0 },
	{ 0x0e010004, "set_sched_v4", "Iiiiiiiii", 0 },
	{ 0x0e010005, "set_sched", "Iii2i2iiiii", 0 },
	{ 0x0e020005, "get_sched", "Iii2i2iiiii", 0 },
	{ 0x0e030000, "sched_info", "iiQQQIi", 0 },
	{ 0x38010000, "dump_history", "", 0 },
	{ 0x38050000, "read_history", "IID", 0 },
	{ 0x38060000, "read_monitor", "IID", 0 },
	{ 0x3f010001, "new_s_context", "II", F_SELF },
	{ 0x3f020003, "set_ipv4root", "I32I", F_SELF },
	{ 0x01010000, "create_context", "", F_SELF },
};
#define NR_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

/* --- the generator: xoshiro-style 64-bit state, split per worker --- */

struct rng {
	uint64_t s;
};

static uint64_t next(struct rng *r)
{
	/* splitmix64: one state word, good enough mixing for a fuzzer */
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t below(struct rng *r, uint32_t n)
{
	return (uint32_t)(next(r) % n);
}

static const uint32_t id_pool[] = {
	0, 1, 2, 3, 7, 42, 43, 100, 101, 255, 256, 1000, 49151, 49152,
	49153, 65534, 65535, 65536, 0x7fffffff, 0x80000000, 0xfffffffe,
	0xffffffff,
};
#define NR_IDS	(sizeof(id_pool) / sizeof(id_pool[0]))

/* The ids the churn processes use, so calls meet live objects. */
static const uint32_t churn_ids[] = { 42, 43, 100, 101, 49152, 65535 };
#define NR_CHURN_IDS	(sizeof(churn_ids) / sizeof(churn_ids[0]))

/* Worker w's own context in the setup and guest modes. */
static uint32_t self_xid;

static uint32_t pick_id(struct rng *r)
{
	switch (below(r, 5)) {
	case 4:
		return self_xid;
	case 0:
		return churn_ids[below(r, NR_CHURN_IDS)];
	case 1:
		return (uint32_t)next(r);
	default:
		return id_pool[below(r, NR_IDS)];
	}
}

static uint32_t pick_u32(struct rng *r)
{
	static const uint32_t pool[] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 15, 16, 31, 32, 63, 64, 65, 127,
		255, 4096, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
	};

	if (below(r, 4) == 0)
		return (uint32_t)next(r);
	return pool[below(r, sizeof(pool) / sizeof(pool[0]))];
}

static uint64_t pick_u64(struct rng *r)
{
	switch (below(r, 6)) {
	case 0:
		return 0;
	case 1:
		return ~0ULL;
	case 2:
		return ~1ULL;			/* CRLIM_KEEP */
	case 3:
		return 1ULL << below(r, 64);	/* one flag bit */
	case 4:
		return pick_u32(r);
	default:
		return next(r);
	}
}

/* --- memory the pointers point into --- */

static long page_size;
static unsigned char *guard_page;	/* PROT_NONE, after a writable page */
static unsigned char *ro_page;		/* read-only */
static unsigned char *big_buf;		/* room for any struct */

static const char *const paths[] = {
	"/tmp/vsfuzz/file", "/tmp/vsfuzz/dir", "/tmp/vsfuzz/link",
	"/tmp/vsfuzz", "/proc/loadavg", "/dev/null", "/", "", "..",
	"/tmp/vsfuzz/missing/x",
};
#define NR_PATHS	(sizeof(paths) / sizeof(paths[0]))

enum ptr_kind {
	P_NULL, P_STRUCT, P_SHORT, P_UNMAPPED, P_KERNEL, P_MISALIGNED,
	P_READONLY, P_RANDOM, NR_PTR_KINDS
};

static const char *const ptr_names[] = {
	"null", "struct", "short", "unmapped", "kernel", "misaligned",
	"readonly", "random",
};

static uintptr_t kernel_address(struct rng *r)
{
	static const uint64_t pool[] = {
		0xc0000000ULL, 0xc1000000ULL, 0xfffff000ULL,
		0xffff888000000000ULL, 0xffffffff81000000ULL,
		0xfffffffffffff000ULL,
	};
	/* the 64-bit addresses only where pointers have 64 bits */
	uint32_t n = sizeof(void *) == 4 ? 3 : sizeof(pool) / sizeof(pool[0]);

	return (uintptr_t)pool[below(r, n)];
}

/* Natural in-struct alignment of u64 on this ABI (4 on i386, 8 elsewhere). */
#define U64_ALIGN	offsetof(struct { char c; uint64_t v; }, v)
#define PTR_ALIGN	offsetof(struct { char c; void *v; }, v)

static size_t align_to(size_t off, size_t a)
{
	return (off + a - 1) / a * a;
}

/* A string pointer for a P field. */
static uintptr_t string_pointer(struct rng *r, char *scratch)
{
	switch (below(r, 8)) {
	case 0:
		return 0;
	case 1:
		return (uintptr_t)guard_page;
	case 2:
		return kernel_address(r);
	case 3:
		/* a string that runs into the guard page, no terminator */
		memset(guard_page - 16, 'a', 16);
		return (uintptr_t)(guard_page - 16);
	case 4: {
		size_t n = 4096 + below(r, 64);	/* longer than PATH_MAX */

		memset(scratch, 'b', n);
		scratch[n] = '\0';
		return (uintptr_t)scratch;
	}
	default:
		return (uintptr_t)paths[below(r, NR_PATHS)];
	}
}

/*
 * Lays out one argument struct at @buf following @layout; returns its
 * size.  @scratch holds strings that struct fields point to.
 */
static size_t fill_struct(struct rng *r, const char *layout, unsigned char *buf,
			  char *scratch)
{
	size_t off = 0, max_align = 1;
	const char *p;

	for (p = layout; *p; p++) {
		unsigned int count = 1, i;

		if (*p >= '0' && *p <= '9') {
			count = (unsigned int)strtoul(p, (char **)&p, 10);
			if (!*p)
				break;
		}
		for (i = 0; i < count; i++) {
			switch (*p) {
			case 'H': {
				uint16_t v = (uint16_t)pick_u32(r);

				off = align_to(off, 2);
				memcpy(buf + off, &v, 2);
				off += 2;
				max_align = max_align < 2 ? 2 : max_align;
				break;
			}
			case 'I':
			case 'i':
			case 'A': {
				uint32_t v = *p == 'A' && below(r, 2) ?
					     htobe32(0x0a2a0000 | below(r, 4)) : pick_u32(r);

				off = align_to(off, 4);
				memcpy(buf + off, &v, 4);
				off += 4;
				max_align = max_align < 4 ? 4 : max_align;
				break;
			}
			case 'Q': {
				uint64_t v = pick_u64(r);

				off = align_to(off, U64_ALIGN);
				memcpy(buf + off, &v, 8);
				off += 8;
				max_align = max_align < U64_ALIGN ? U64_ALIGN : max_align;
				break;
			}
			case 'X': {
				uint64_t v[2] = { pick_u64(r), pick_u64(r) };

				off = align_to(off, 4);
				memcpy(buf + off, v, 16);
				off += 16;
				break;
			}
			case 'C': {
				size_t n = below(r, 66), k;

				for (k = 0; k < 65; k++)
					buf[off + k] = k < n ? (unsigned char)('a' + below(r, 26)) : 0;
				if (below(r, 8) == 0)
					memset(buf + off, 'z', 65);	/* unterminated */
				off += 65;
				break;
			}
			case 'P':
			case 'D': {
				uintptr_t v = *p == 'P' ? string_pointer(r, scratch) :
					      below(r, 2) ? (uintptr_t)big_buf : kernel_address(r);

				off = align_to(off, PTR_ALIGN);
				memcpy(buf + off, &v, sizeof(v));
				off += sizeof(v);
				max_align = max_align < PTR_ALIGN ? PTR_ALIGN : max_align;
				break;
			}
			}
		}
	}
	return align_to(off, max_align);
}

/* --- one call --- */

struct call {
	uint32_t word;
	uint32_t id;
	unsigned int how;
	enum ptr_kind kind;
	size_t size;		/* the struct's size, for P_STRUCT and P_SHORT */
	void *data;
};

static int fds[4];

/* The table's entry for @word, or NULL for a word the table does not name. */
static const struct command *command_of(uint32_t word)
{
	size_t i;

	for (i = 0; i < NR_COMMANDS; i++)
		if (commands[i].word == word)
			return &commands[i];
	return NULL;
}

/* set_sched in any revision, also the old SCHED category's v1. */
static int is_set_sched(uint32_t word)
{
	return (word & ~VC_VER_MASK) == (0x0e010005 & ~VC_VER_MASK) ||
	       (word & ~VC_VER_MASK) == (0x3d010001 & ~VC_VER_MASK);
}

/*
 * A worker's set_cflags on its own context leaves SCHED_HARD, SCHED_PRIO and
 * SCHED_PAUSE alone (flagword and mask, the struct's two words): a worker
 * that paused itself would make no more calls, one that starved its own
 * bucket would run out of its deadlines.
 */
static void keep_sched_flags(unsigned char *cflags)
{
	const uint64_t sched = VXF_SCHED_HARD | VXF_SCHED_PRIO | VXF_SCHED_PAUSE;
	uint64_t word;
	int i;

	for (i = 0; i < 2; i++) {
		memcpy(&word, cflags + 8 * i, sizeof(word));
		word &= ~sched;
		memcpy(cflags + 8 * i, &word, sizeof(word));
	}
}

/* Draws call number @n of a worker; the result never depends on the kernel. */
static void draw_call(struct rng *r, struct call *c, char *scratch)
{
	const struct command *cmd = NULL;
	unsigned char tmp[512];
	size_t size = 0;

	memset(c, 0, sizeof(*c));
	switch (below(r, 16)) {
	case 0:			/* any word at all */
		c->word = (uint32_t)next(r);
		break;
	case 1:			/* a known command, another revision */
		cmd = &commands[below(r, NR_COMMANDS)];
		c->word = (cmd->word & ~VC_VER_MASK) | below(r, 8);
		cmd = NULL;
		break;
	default:
		cmd = &commands[below(r, NR_COMMANDS)];
		c->word = cmd->word;
		break;
	}
	/*
	 * How to make the call follows the word, however it was drawn: a random
	 * revision or word that lands on ctx_migrate or wait_exit still moves or
	 * blocks only a throw-away child, never the worker.
	 */
	if (command_of(c->word))
		c->how = command_of(c->word)->how;
	c->id = (c->how & F_FD) && below(r, 4) ? (uint32_t)fds[below(r, 4)] : pick_id(r);
	/* never shoot the worker itself: its own context is not a ctx_kill target */
	if (c->word == VCMD_ctx_kill && c->id == self_xid)
		c->id = churn_ids[0];
	/* nor hold it: the scheduler of its own context is not a target either */
	if (c->id == self_xid && is_set_sched(c->word))
		c->id = churn_ids[0];

	if (cmd && cmd->layout[0])
		size = fill_struct(r, cmd->layout, tmp, scratch);
	else if (below(r, 2))
		size = fill_struct(r, "QQQQ", tmp, scratch);
	if (c->word == VCMD_set_cflags && c->id == self_xid && size >= 16)
		keep_sched_flags(tmp);
	c->size = size;
	/* half of the calls with a struct get a good one, so handlers run past copy-in */
	if (size)
		c->kind = below(r, 2) ? P_STRUCT : (enum ptr_kind)below(r, NR_PTR_KINDS);
	else
		c->kind = below(r, 3) ? P_NULL : (enum ptr_kind)below(r, NR_PTR_KINDS);

	switch (c->kind) {
	case P_NULL:
		c->data = NULL;
		break;
	case P_STRUCT:
		memcpy(big_buf, tmp, size);
		c->data = big_buf;
		break;
	case P_SHORT:		/* the last byte lies in the guard page */
		if (size) {
			memcpy(guard_page - size + 1, tmp, size - 1);
			c->data = guard_page - size + 1;
		} else {
			c->data = guard_page - 1;
		}
		break;
	case P_UNMAPPED:
		c->data = guard_page;
		break;
	case P_KERNEL:
		c->data = (void *)kernel_address(r);
		break;
	case P_MISALIGNED: {
		unsigned char *at = big_buf + 1 + below(r, 7);

		memcpy(at, tmp, size);
		c->data = at;
		break;
	}
	case P_READONLY:
		c->data = ro_page;
		break;
	default:
		c->data = (void *)(uintptr_t)next(r);
		break;
	}
}

static void describe(const struct call *c, char *out, size_t len)
{
	const struct command *cmd = command_of(c->word);
	const char *name = cmd ? cmd->name : "unknown";

	snprintf(out, len, "%s(%08x) id=%d data=%s size=%zu", name, c->word,
		 (int32_t)c->id, ptr_names[c->kind], c->size);
}

/* --- the shared tallies --- */

struct tally {
	volatile unsigned long calls, ok, enosys, other, killed, hung;
};

static struct tally *tallies;	/* one per worker, MAP_SHARED */

static void on_alarm(int sig)
{
	(void)sig;
}

/* Makes the call in this process (which may be a throw-away child). */
static long make_call(const struct call *c)
{
	return syscall(vc_lookup_syscall_nr(), c->word, c->id, c->data);
}

/* /dev/kmsg, opened before the worker moves (a guest may not open it). */
static int kmsg_fd = -1;

static void kmsg(const char *line)
{
	ssize_t n;

	if (kmsg_fd < 0)
		return;
	n = write(kmsg_fd, line, strlen(line));
	(void)n;	/* best effort: a full log loses a heartbeat, nothing else */
}

/* Says which call hung, on stderr and in the kernel log. */
static void report_hang(uint64_t seed, int worker, unsigned long n, const struct call *c)
{
	char line[200];
	int len = snprintf(line, sizeof(line), "vsfuzz: HANG seed=%llu worker=%d call=%lu ",
			   (unsigned long long)seed, worker, n);

	describe(c, line + len, sizeof(line) - (size_t)len);
	fprintf(stderr, "%s\n", line);
	kmsg(line);
}

/* Where a stuck task is: its state, wait channel and kernel stack, on stderr. */
static void show_task(pid_t pid)
{
	static const char *const files[] = { "status", "wchan", "stack" };
	char path[64], buf[2048];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		ssize_t n;
		int fd;

		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, files[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		if (i == 0) {
			char *state = strstr(buf, "State:");

			if (state)
				fprintf(stderr, "vsfuzz: stuck task %d %.*s\n", (int)pid,
					(int)strcspn(state, "\n"), state);
		} else {
			fprintf(stderr, "vsfuzz: stuck task %d %s: %s\n", (int)pid, files[i], buf);
		}
	}
}

/*
 * SIGKILL to @k->pid in context @xid through ctx_kill; a context without
 * STATE_ADMIN takes only "every task" (pid 0, ABI §4's ctx_kill), so then
 * that.
 */
static void ctx_kill_child(uint32_t xid, struct vcmd_ctx_kill_v0 *k)
{
	if (syscall(vc_lookup_syscall_nr(), VCMD_ctx_kill, xid, k) && errno == EACCES) {
		k->pid = 0;
		syscall(vc_lookup_syscall_nr(), VCMD_ctx_kill, xid, k);
	}
}

/*
 * The child's deadline passed and it is still there.  A child that entered
 * a context whose scheduler holds it (SCHED_PAUSE, an empty SCHED_HARD
 * bucket), or whose worker was itself held past the deadline, is no hang:
 * SIGKILL takes it out of the held group (vx_sched_killed) and it ends at
 * once (sent by ctx_kill where kill(2) may not reach it).  Only a child
 * that not even SIGKILL ends within HELD_SECONDS is stuck in the kernel.  0 (and the status) when it
 * ended, -1 when not.
 * The child may be in a context whose /proc this worker cannot read, so
 * its state is not asked for first.
 */
static int kill_held_child(const struct call *c, pid_t pid, int *status)
{
	struct vcmd_ctx_kill_v0 k = { .pid = pid, .sig = SIGKILL };
	struct timespec t0, t1;

	/*
	 * A child that entered a guest context is no longer this worker's to
	 * signal with kill(2) (two-way isolation: EPERM); ctx_kill on the
	 * context it went to reaches it.
	 */
	if (kill(pid, SIGKILL))
		ctx_kill_child(c->id, &k);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	alarm(HELD_SECONDS);
	while (waitpid(pid, status, 0) != pid) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (errno != EINTR || t1.tv_sec - t0.tv_sec >= HELD_SECONDS - 1) {
			alarm(0);
			return -1;
		}
	}
	alarm(0);
	return 0;
}

/* Runs a call that moves or blocks the caller in a child; 0 ok, -1 hung. */
static int call_in_child(const struct call *c, struct tally *t)
{
	struct timespec t0, t1;
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		t->other++;
		return 0;
	}
	if (pid == 0) {
		struct sigaction sa = { .sa_handler = on_alarm };
		long ret;

		sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: EINTR */
		alarm(1);
		ret = make_call(c);
		if (ret >= 0 && !(c->how & F_BLOCK) && fork() == 0)
			_exit(0);	/* a second task inside whatever we entered */
		_exit(ret >= 0 ? 0 : errno == ENOSYS ? 1 : 2);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	alarm(CHILD_SECONDS);
	while (waitpid(pid, &status, 0) != pid) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (errno == EINTR && t1.tv_sec - t0.tv_sec < CHILD_SECONDS - 1)
			continue;	/* another signal, not the deadline */
		if (!kill_held_child(c, pid, &status))
			break;
		/* the worker reports and ends; the stuck child is left to init */
		show_task(pid);
		t->hung++;
		return -1;
	}
	alarm(0);
	if (WIFSIGNALED(status))
		t->killed++;
	else if (WEXITSTATUS(status) == 0)
		t->ok++;
	else if (WEXITSTATUS(status) == 1)
		t->enosys++;
	else
		t->other++;
	return 0;
}

/* --- where a worker calls from --- */

enum from { FROM_HOST, FROM_SPECTATOR, FROM_SETUP, FROM_GUEST, FROM_ALL };
static const char *const from_names[] = { "host", "spectator", "setup", "guest", "all" };

static void drop_caps(void)
{
	static const int drop[] = { CAP_SYS_ADMIN, CAP_CONTEXT_BIT };
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	size_t i;

	for (i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		prctl(PR_CAPBSET_DROP, drop[i], 0, 0, 0);
	if (syscall(SYS_capget, &h, d))
		return;
	for (i = 0; i < sizeof(drop) / sizeof(drop[0]); i++) {
		d[drop[i] / 32].effective &= ~(1U << (drop[i] % 32));
		d[drop[i] / 32].permitted &= ~(1U << (drop[i] % 32));
		d[drop[i] / 32].inheritable &= ~(1U << (drop[i] % 32));
	}
	syscall(SYS_capset, &h, d);
}

/* Puts the calling worker where @from says; 0 or -1 (with a message). */
static int place_worker(enum from from, int worker)
{
	struct vcmd_ctx_create create = { .flagword = VXF_INIT_SET };
	struct vcmd_ctx_migrate mig = { .flagword = 0 };
	struct vcmd_ctx_flags_v0 fl = { .flagword = 0, .mask = VXF_STATE_SETUP };
	uint32_t xid = WORKER_XID_BASE + (uint32_t)worker;

	switch (from) {
	case FROM_SPECTATOR:
		if (syscall(vc_lookup_syscall_nr(), VCMD_ctx_migrate, 1, &mig) < 0)
			goto fail;
		return 0;
	case FROM_SETUP:
	case FROM_GUEST:
		if (syscall(vc_lookup_syscall_nr(), VCMD_ctx_create, xid, &create) < 0)
			goto fail;
		if (from == FROM_GUEST &&
		    syscall(vc_lookup_syscall_nr(), VCMD_set_cflags, xid, &fl) < 0)
			goto fail;
		return 0;
	default:
		return 0;
	}
fail:
	fprintf(stderr, "vsfuzz: worker %d cannot start from %s: %s\n", worker,
		from_names[from], strerror(errno));
	return -1;
}


static struct rng worker_rng(uint64_t seed, int worker)
{
	struct rng r = { seed ^ (0xa0761d6478bd642fULL * (uint64_t)(worker + 1)) };

	self_xid = WORKER_XID_BASE + (uint32_t)worker;
	next(&r);
	return r;
}

static int run_worker(uint64_t seed, int worker, unsigned long ncalls, enum from from,
		      int replay)
{
	struct tally *t = &tallies[worker];
	struct rng r = worker_rng(seed, worker);
	static char scratch[4200];
	struct sigaction sa = { .sa_handler = on_alarm };
	enum from where = from == FROM_ALL ? (enum from)(worker % 4) : from;
	struct timespec t0, t1;
	unsigned long i;
	char line[200];
	int sig;

	/* signals from fuzzed ctx_kill calls interrupt calls, never end the worker */
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCONT && sig != SIGCHLD)
			sigaction(sig, &sa, NULL);
	kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (place_worker(where, worker))
		return 2;
	/* after placing: creating a context or entering the spectator needs CAP_CONTEXT */
	if (from == FROM_ALL && (worker / 4) % 2)
		drop_caps();
	for (i = 0; i < ncalls; i++) {
		struct call c;
		long ret;

		draw_call(&r, &c, scratch);
		if (replay || i % HEARTBEAT_EVERY == 0) {
			int n = snprintf(line, sizeof(line), "vsfuzz: seed=%llu worker=%d call=%lu",
					 (unsigned long long)seed, worker, i);

			if (replay) {
				line[n++] = ' ';
				describe(&c, line + n, sizeof(line) - (size_t)n);
			}
			kmsg(line);
		}
		t->calls++;
		if (c.how & (F_SELF | F_BLOCK)) {
			if (call_in_child(&c, t)) {
				report_hang(seed, worker, i, &c);
				return EXIT_HANG;
			}
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		alarm(HANG_SECONDS);
		ret = make_call(&c);
		alarm(0);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (ret >= 0)
			t->ok++;
		else if (errno == ENOSYS)
			t->enosys++;
		else if (errno == EINTR && t1.tv_sec - t0.tv_sec >= HANG_SECONDS - 1)
			t->hung++;
		else
			t->other++;
		if (t->hung) {
			report_hang(seed, worker, i, &c);
			return EXIT_HANG;
		}
	}
	return 0;
}

/* Creates and tears down contexts and network contexts with the pool's ids. */
static void run_churn(uint64_t seed, int index)
{
	struct rng r = worker_rng(seed ^ 0x5eed, 1000 + index);
	struct sigaction sa = { .sa_handler = on_alarm };

	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: a held child's wait ends */
	for (;;) {
		/* drawn here, so that every cycle draws anew */
		uint32_t xid = churn_ids[below(&r, NR_CHURN_IDS)];
		int with_net = below(&r, 2), end_setup = below(&r, 2);
		struct vcmd_ctx_kill_v0 k = { .sig = SIGKILL };
		pid_t pid = fork();

		if (pid < 0)
			continue;
		if (pid == 0) {
			struct vcmd_ctx_create create = { .flagword = VXF_INIT_SET };
			struct vcmd_net_create ncreate = { .flagword = NXF_INIT_SET };
			struct vcmd_ctx_flags_v0 fl = { 0, VXF_STATE_SETUP };
			struct vcmd_ctx_flags_v0 go = {
				0, VXF_SCHED_HARD | VXF_SCHED_PRIO | VXF_SCHED_PAUSE
			};

			/*
			 * Let a context that a fuzzed call paused or starved go
			 * on first (where it is still administrable): its held
			 * tasks end, it can end and be made anew, and a worker's
			 * child that enters it is not held for long.
			 */
			syscall(vc_lookup_syscall_nr(), VCMD_set_cflags, xid, &go);
			if (with_net)
				syscall(vc_lookup_syscall_nr(), VCMD_net_create, xid, &ncreate);
			if (syscall(vc_lookup_syscall_nr(), VCMD_ctx_create, xid, &create) < 0) {
				struct vcmd_ctx_migrate mig = { 0 };

				syscall(vc_lookup_syscall_nr(), VCMD_ctx_migrate, xid, &mig);
			}
			if (end_setup)
				syscall(vc_lookup_syscall_nr(), VCMD_set_cflags, xid, &fl);
			if (fork() == 0)
				_exit(0);
			_exit(0);
		}
		/*
		 * A child that entered a paused context is held, and kill(2)
		 * no longer reaches it there: ctx_kill does, and moves it out
		 * of the held group; the loop below reaps it.
		 */
		alarm(CHILD_SECONDS);
		if (waitpid(pid, NULL, 0) != pid) {
			k.pid = pid;
			ctx_kill_child(xid, &k);
		}
		alarm(0);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
}

static int setup_memory(void)
{
	unsigned char *area;
	int fd;

	/* rw page | guard page | read-only page | buffer page */
	page_size = sysconf(_SC_PAGESIZE);
	area = mmap(NULL, (size_t)page_size * 4, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return -1;
	guard_page = area + page_size;
	ro_page = area + 2 * page_size;
	big_buf = area + 3 * page_size;
	if (mprotect(guard_page, (size_t)page_size, PROT_NONE) ||
	    mprotect(ro_page, (size_t)page_size, PROT_READ))
		return -1;

	mkdir("/tmp/vsfuzz", 0755);
	mkdir("/tmp/vsfuzz/dir", 0755);
	fd = open("/tmp/vsfuzz/file", O_CREAT | O_WRONLY, 0644);
	if (fd >= 0)
		close(fd);
	if (symlink("file", "/tmp/vsfuzz/link") && errno != EEXIST)
		return -1;
	fds[0] = open("/tmp/vsfuzz/file", O_RDONLY);
	fds[1] = open("/proc/loadavg", O_RDONLY);
	fds[2] = socket(AF_INET, SOCK_DGRAM, 0);
	fds[3] = -1;
	return 0;
}

static void usage(void)
{
	fputs("usage: vsfuzz [--seed S] [--calls N] [--procs P] "
	      "[--from host|guest|setup|spectator|all] [--churn C] [--replay] "
	      "[--dry W:FIRST:COUNT]\n", stderr);
	exit(2);
}

static unsigned long long number(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || !*s || *end)
		usage();
	return v;
}

static int dry_run(uint64_t seed, const char *spec)
{
	unsigned int worker;
	unsigned long first, count, i;
	struct rng r;
	static char scratch[4200];
	char line[160];

	if (sscanf(spec, "%u:%lu:%lu", &worker, &first, &count) != 3)
		usage();
	r = worker_rng(seed, (int)worker);
	for (i = 0; i < first + count; i++) {
		struct call c;

		draw_call(&r, &c, scratch);
		if (i < first)
			continue;
		describe(&c, line, sizeof(line));
		printf("worker=%u call=%lu %s%s\n", worker, i, line,
		       c.how & (F_SELF | F_BLOCK) ? " in-child" : "");
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t seed = 1;
	unsigned long ncalls = 100000, calls = 0, ok = 0, enosys = 0, other = 0;
	unsigned long killed = 0, hung = 0;
	int procs = 8, churn = 1, replay = 0, i, status, rc = 0, left;
	enum from from = FROM_ALL;
	const char *dry = NULL;
	pid_t workers[MAX_PROCS], churners[MAX_PROCS];
	struct timespec t0, t1;
	double secs;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--replay")) {
			replay = 1;
			continue;
		}
		if (i + 1 >= argc)
			usage();
		if (!strcmp(a, "--seed"))
			seed = number(argv[++i]);
		else if (!strcmp(a, "--calls"))
			ncalls = number(argv[++i]);
		else if (!strcmp(a, "--procs"))
			procs = (int)number(argv[++i]);
		else if (!strcmp(a, "--churn"))
			churn = (int)number(argv[++i]);
		else if (!strcmp(a, "--dry"))
			dry = argv[++i];
		else if (!strcmp(a, "--from")) {
			const char *f = argv[++i];

			for (from = FROM_HOST; from <= FROM_ALL; from++)
				if (!strcmp(f, from_names[from]))
					break;
			if (from > FROM_ALL)
				usage();
		} else {
			usage();
		}
	}
	if (procs < 1 || procs > MAX_PROCS || churn < 0 || churn > MAX_PROCS)
		usage();
	if (setup_memory()) {
		perror("vsfuzz: setting up memory");
		return 2;
	}
	if (dry)
		return dry_run(seed, dry);

	tallies = mmap(NULL, sizeof(*tallies) * MAX_PROCS, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (tallies == MAP_FAILED)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < churn; i++) {
		churners[i] = fork();
		if (churners[i] == 0) {
			run_churn(seed, i);
			_exit(0);
		}
	}
	for (i = 0; i < procs; i++) {
		unsigned long share = ncalls / (unsigned long)procs +
				      ((unsigned long)i < ncalls % (unsigned long)procs);

		workers[i] = fork();
		if (workers[i] == 0)
			_exit(run_worker(seed, i, share, from, replay));
	}
	/*
	 * Wait for the workers; a fuzzed ctx_kill may have sent one SIGSTOP,
	 * so every worker still running gets a SIGCONT now and then.
	 */
	for (left = procs; left > 0;) {
		static const struct timespec tick = { 0, 100 * 1000 * 1000 };

		for (i = 0; i < procs; i++) {
			if (workers[i] <= 0)
				continue;
			if (waitpid(workers[i], &status, WNOHANG) != workers[i]) {
				kill(workers[i], SIGCONT);
				continue;
			}
			workers[i] = 0;
			left--;
			if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_HANG)
				rc = EXIT_HANG;
			else if (WIFEXITED(status) && WEXITSTATUS(status) && !rc)
				rc = 2;
			else if (WIFSIGNALED(status))
				killed++;
		}
		if (left)
			nanosleep(&tick, NULL);
	}
	for (i = 0; i < churn; i++) {
		if (churners[i] > 0) {
			kill(churners[i], SIGKILL);
			waitpid(churners[i], NULL, 0);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (i = 0; i < procs; i++) {
		calls += tallies[i].calls;
		ok += tallies[i].ok;
		enosys += tallies[i].enosys;
		other += tallies[i].other;
		killed += tallies[i].killed;
		hung += tallies[i].hung;
	}
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("vsfuzz: seed=%llu calls=%lu seconds=%.2f rate=%.0f/s ok=%lu enosys=%lu "
	       "other=%lu killed=%lu hung=%lu\n", (unsigned long long)seed, calls, secs,
	       secs > 0 ? (double)calls / secs : 0.0, ok, enosys, other, killed, hung);
	return rc;
}
