/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libvserver: thin user-space access to sys_vserver().
 *
 * Command words, versions, flag bits and structs come from the kernel's
 * uapi headers (include/uapi/vserver/), never from copies here.  Every
 * call returns what the kernel returned, or -1 with errno set, like
 * syscall(2).
 *
 * The name tables (names.c) translate between the words the tools accept
 * and print and the bits: POSIX capabilities (bcaps), context flags
 * (VXF_*, util-vserver names), context capabilities (VXC_*), network
 * context flags (NXF_*) and network capabilities (NXC_*).  netaddr.c
 * parses and prints the addresses of network contexts.
 */
#ifndef VSLAB_LIB_H
#define VSLAB_LIB_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <vserver/switch.h>
#include <vserver/info.h>
#include <vserver/context.h>
#include <vserver/cvirt.h>
#include <vserver/signal.h>
#include <vserver/limit.h>
#include <vserver/network.h>

/* The system call itself: result >= 0, or -1 with errno. */
long vc_syscall(uint32_t cmd, uint32_t id, void *data);

/* Interface version (VCI_VERSION on this patch). */
long vc_get_version(void);
/* VCI feature bits (VCI_*). */
long vc_get_vci(void);
/* Context id of a task; pid 0 is the caller. */
long vc_task_xid(pid_t pid);

/* The syscall number this binary uses. */
int vc_syscall_nr(void);

/* "EPERM" for EPERM and so on; NULL for numbers it does not know. */
const char *vc_errname(int err);

/*
 * Parse a number given as decimal or 0x-prefixed hex, optionally negative.
 * Returns 0 and stores it in *val, or -1 if the text is not a number in
 * [min, max].
 */
int vc_parse_num(const char *s, long long min, long long max, long long *val);

/* The value of the hex digit c (either case), or -1. */
int vc_hex_digit(int c);

/* --- contexts (thin wrappers, same return convention) --- */

long vc_ctx_create(uint32_t xid, uint64_t flagword);
long vc_ctx_migrate(uint32_t xid, uint64_t vxm_flags);
long vc_get_cflags(uint32_t xid, uint64_t *flags);
long vc_set_cflags(uint32_t xid, uint64_t value, uint64_t mask);
long vc_get_ccaps(uint32_t xid, uint64_t *ccaps);
long vc_set_ccaps(uint32_t xid, uint64_t value, uint64_t mask);
long vc_get_bcaps(uint32_t xid, uint64_t *bcaps);
long vc_set_bcaps(uint32_t xid, uint64_t value, uint64_t mask);
long vc_get_umask(uint32_t xid, uint64_t *umask);
long vc_set_umask(uint32_t xid, uint64_t value, uint64_t mask);
long vc_get_vhi_name(uint32_t xid, uint32_t field, char *buf, size_t size);
long vc_set_vhi_name(uint32_t xid, uint32_t field, const char *name);
long vc_ctx_kill(uint32_t xid, int32_t pid, int32_t sig);
long vc_vx_info(uint32_t xid, struct vcmd_vx_info_v0 *info);
/* Blocks until the context is gone; the reboot cmd and last exit status. */
long vc_wait_exit(uint32_t xid, struct vcmd_wait_exit_v0 *res);
/* Limits: the caller sets lim->id; CRLIM_KEEP keeps a value on set. */
long vc_get_rlimit(uint32_t xid, struct vcmd_ctx_rlimit_v0 *lim);
long vc_get_rlimit_mask(uint32_t xid, struct vcmd_ctx_rlimit_mask_v0 *mask);
long vc_set_rlimit(uint32_t xid, const struct vcmd_ctx_rlimit_v0 *lim);

/*
 * Create a context.  With xid VX_ID_DYNAMIC the tool picks a free id
 * itself in VX_ID_MIN_DYNAMIC..VX_ID_MAX (the kernel reports NO_DYNAMIC:
 * it does not choose ids).  Returns the new xid, or -1 with errno.
 */
long vc_create_context(uint32_t xid, uint64_t flagword);

/*
 * Parse a context id for --xid: 0..65535.  Returns 0 and stores it, or -1.
 */
int vc_parse_xid(const char *s, uint32_t *xid);

/* --- network contexts (thin wrappers, same return convention) --- */

/* Ids: NX_ID_DYNAMIC asks for any free nid, NX_ID_SELF names the caller's own. */
long vc_net_create(uint32_t nid, uint64_t flagword);
long vc_net_migrate(uint32_t nid);
/* Network context id of a task; pid 0 is the caller. */
long vc_task_nid(pid_t pid);
long vc_nx_info(uint32_t nid, struct vcmd_nx_info_v0 *info);
long vc_get_nflags(uint32_t nid, uint64_t *flags);
long vc_set_nflags(uint32_t nid, uint64_t value, uint64_t mask);
long vc_get_ncaps(uint32_t nid, uint64_t *ncaps);
long vc_set_ncaps(uint32_t nid, uint64_t value, uint64_t mask);

/*
 * Addresses.  ip, ip2 and mask are IPv4 addresses in network byte order
 * (as inet_pton stores them), type is NXA_TYPE_* | NXA_MOD_*.
 *   _v1: net_add_ipv4 / net_rem_ipv4 version 1 (ADDR, MASK, ANY, +MOD_*),
 *        what util-vserver's naddress sends;
 *   _v2: version 2, which also takes RANGE (ip..ip2);
 *   ipv6: net_add_ipv6 / net_remove_ipv6 (ADDR, MASK, ANY) with a prefix
 *        length; the mask is derived from it.
 */
long vc_net_add_ipv4_v1(uint32_t nid, uint16_t type, uint32_t ip, uint32_t mask);
long vc_net_rem_ipv4_v1(uint32_t nid, uint16_t type, uint32_t ip, uint32_t mask);
long vc_net_add_ipv4_v2(uint32_t nid, uint16_t type, uint32_t ip, uint32_t ip2,
			uint32_t mask);
long vc_net_add_ipv6(uint32_t nid, uint16_t type, const uint8_t ip[16],
		     unsigned int prefix);
long vc_net_rem_ipv6(uint32_t nid, uint16_t type, const uint8_t ip[16],
		     unsigned int prefix);

/*
 * Create a network context, as vc_create_context() does a context: with
 * NX_ID_DYNAMIC the kernel is asked first, and if it refuses (NO_DYNAMIC)
 * the first free id of 49152..65535 is taken.  net_create gets no data
 * (NULL), as from util-vserver: the kernel's default flags (a kernel
 * without K1 refuses that with EFAULT: then NXF_INIT_SET is passed).  The caller
 * is in the new network context afterwards.  Returns the nid, or -1 with
 * errno.
 */
long vc_create_network(uint32_t nid);

/* Parse a network context id for --nid: 0..65535.  0 and stores it, or -1. */
int vc_parse_nid(const char *s, uint32_t *nid);

/* --- addresses of network contexts (netaddr.c) --- */

struct vc_addr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t ip[16];		/* IPv4: the first 4 bytes; network order */
	unsigned int prefix;	/* mask as a prefix length, 0..32 / 0..128 */
	int has_prefix;		/* the text gave /MASK */
};

/*
 * Parse "IP[/MASK]".  IP is an IPv4 or IPv6 address, the name of a
 * network interface listed in /proc/net/dev (its IPv4 address, asked from
 * the kernel with SIOCGIFADDR), or a host name from /etc/hosts (the guest
 * has no resolver; the first entry of the file with that name wins).
 * MASK is a prefix length or, for IPv4, a dotted mask with contiguous
 * ones.  With VC_ADDR_IPV4_ONLY an IPv6 address is refused.  Returns 0,
 * or -1 with a reason (for "TOOL: 'TEXT': <reason>") in *why.
 */
#define VC_ADDR_IPV4_ONLY	1
int vc_parse_addr(const char *text, int opts, struct vc_addr *a,
		  const char **why);
/* Parse a mask alone (--mask): prefix length or dotted IPv4 mask. */
int vc_parse_mask(const char *text, unsigned int *prefix, int *dotted);
/* The IPv4 mask of a prefix length, in network byte order. */
uint32_t vc_prefix_mask4(unsigned int prefix);
/* The address as text (inet_ntop), into buf of at least 46 bytes. */
const char *vc_addr_str(const struct vc_addr *a, char *buf, size_t size);
/* The IPv4 address of a vc_addr, in network byte order. */
uint32_t vc_addr_ip4(const struct vc_addr *a);

/* --- name tables (names.c) --- */

/*
 * The guest's default capability bound (ABI §9, what `vserver NAME start`
 * applies); reducecap --secure keeps exactly this set.
 */
uint64_t vc_default_bcaps(void);
/*
 * util-vserver's "secure" bcaps (vattribute/chcontext --secure): every
 * bit but its insecure set, so also every capability newer than 2.6.
 */
uint64_t vc_secure_bcaps(void);
/* util-vserver's secure ccaps: SET_UTSNAME, RAW_ICMP. */
uint64_t vc_secure_ccaps(void);
/* Every POSIX capability this build knows, CAP_CONTEXT excluded. */
uint64_t vc_all_bcaps(void);

/*
 * One word of a list such as "CAP_CHOWN", "!chown", "~fakeinit": a
 * leading '!' or '~' means "clear".  The lookups return 0 and the bit in
 * *bit, or -1 for an unknown name.
 */
int vc_cap_bit(const char *name, uint64_t *bit);
int vc_flag_bit(const char *name, uint64_t *bit);
int vc_ccap_bit(const char *name, uint64_t *bit);

/*
 * Drop the capabilities in set from this process: with VC_DROP_BOUNDING
 * from its bounding set (needs CAP_SETPCAP; bits the kernel does not know
 * are skipped), with VC_DROP_SETS from its effective, permitted,
 * inheritable and ambient sets.  Errors are reported as
 * "tool: ...: <error>"; returns 0 or -1.
 */
#define VC_DROP_BOUNDING	1
#define VC_DROP_SETS		2
int vc_drop_caps(uint64_t set, int which, const char *tool);

/* Name of capability nr ("chown"), or NULL. */
const char *vc_cap_name(int nr);

/*
 * Print the names of the set bits, comma-separated, into f: capability
 * names as prefix+name (upper case if upper), flags and ccaps in their
 * util-vserver spelling.  Unknown bits print as ^N; an empty set as
 * `empty`.
 */
void vc_print_caps(FILE *f, uint64_t caps, const char *prefix, int upper,
		   const char *empty);
void vc_print_flags(FILE *f, uint64_t flags, const char *empty);
void vc_print_ccaps(FILE *f, uint64_t ccaps, const char *empty);

/*
 * Network context flags (ABI §5.4 names; alias remap_lback, and the legacy
 * word "lock" which names no bit) and network capabilities (tun_create,
 * raw_icmp with the aliases icmp and ping, multicast).
 */
int vc_nflag_bit(const char *name, uint64_t *bit);
int vc_ncap_bit(const char *name, uint64_t *bit);
void vc_print_nflags(FILE *f, uint64_t flags, const char *empty);
void vc_print_ncaps(FILE *f, uint64_t ncaps, const char *empty);

/*
 * Apply a comma-separated list of words to a {value, mask} pair: a plain
 * word sets its bit, '!' or '~' clears it.  lookup is one of the *_bit
 * functions above.  Returns 0, or -1 with *bad pointing at a static copy
 * of the unknown word.
 */
int vc_apply_list(const char *list, int (*lookup)(const char *, uint64_t *),
		  uint64_t *value, uint64_t *mask, const char **bad);

/*
 * --disconnect: fork.  The parent waits until the child has exec'd its
 * command (a close-on-exec pipe reaches EOF) and exits 0, or exits with
 * the status byte the child sends through vc_disconnect_status() when it
 * fails first.  The child returns the pipe's write end, in a new session;
 * it is reparented to init once the parent is gone.  -1 on failure.
 */
int vc_disconnect(void);
/* In the child of vc_disconnect(): pass the exit status st to the parent. */
void vc_disconnect_status(int fd, unsigned char st);

/*
 * What vcontext and ncontext share once their options are read.  The mode
 * needs a command after the options, except VC_MIGRATE_SELF, and
 * VC_MIGRATE an id (have_id); else the usage line and 255.  With
 * disconnect, fork into the background first.  VC_CREATE makes the
 * context (id, or a free dynamic one for VX_ID_DYNAMIC) through create(),
 * prints "New <kind> is N" unless silent, and exits 254 when the id is
 * taken (EEXIST, or EBUSY while it is in setup), with "<tool>: <taken> N
 * already exists" unless silentexist; the other modes have enter() join a
 * context and return its id (or -1, naming the failed call in *call).
 * then() does the tool's own steps on the id (0, or an exit status after
 * a message); last the rest of the command line is exec'd.  Returns the
 * tool's exit status.
 */
enum vc_entry_mode { VC_NO_MODE, VC_CREATE, VC_MIGRATE, VC_MIGRATE_SELF };
struct vc_entry {
	const char *tool;		/* "vcontext": the messages' prefix */
	const char *usage_line;
	const char *kind;		/* "security context" */
	const char *taken;		/* "context" */
	const char *create_call;	/* "ctx_create" */
	long (*create)(uint32_t id);
	long (*enter)(const struct vc_entry *e, const char **call);
	int (*then)(const struct vc_entry *e, long id);
	enum vc_entry_mode mode;
	int have_id, disconnect, silent, silentexist;
	uint32_t id;
};
int vc_entry_run(const struct vc_entry *e, int argc, char **argv, int rest);

/* Signal number for "KILL", "SIGKILL", "kill" or "9"; -1 if unknown. */
int vc_signal_nr(const char *name);

/*
 * The option walker every tool uses: getopt_long() with "+" (options
 * stop at the first operand; "--" ends them), so whatever follows is the
 * command the tool execs after its own work.  For each option it calls
 * fn(ctx, val, optarg); fn returns 0 to go on, anything else stops the
 * walk and becomes its result.  An unknown option or a missing argument
 * prints usage_line and returns 255.  On success *rest is the index of
 * the first operand (argc if none) and the result is 0.
 */
struct option;
#define VC_OPT_DONE	(-1)	/* fn: stop, the tool exits 0 (--help) */
int vc_walk_opts(int argc, char **argv, const char *shortopts,
		 const struct option *longopts, const char *usage_line,
		 int (*fn)(void *ctx, int opt, char *arg), void *ctx,
		 int *rest);
/*
 * Exec argv[0] (searched in PATH) and, if that fails, print
 * "TOOL: CMD: <error>" and return 255.  With no command (argv[0] NULL)
 * return 0: the tool's work was all there was to do.
 */
int vc_exec_rest(const char *tool, char **argv);

/*
 * A command line built word by word, for the chains chcontext and chbind
 * run (util-vserver's shell wrappers, ABI §11.1): vc_chain_add() appends
 * its NULL-terminated words; argv stays NULL-terminated.  Words are not
 * copied.  Too many words set overflow (the chain is then not run).
 */
#define VC_CHAIN_MAX	256
struct vc_chain {
	char *argv[VC_CHAIN_MAX + 1];
	int argc, overflow;
};
void vc_chain_add(struct vc_chain *c, ...);
/* Append argv (NULL-terminated), e.g. the user's command. */
void vc_chain_addv(struct vc_chain *c, char **argv);
/*
 * Run argv (searched in PATH) as a child and wait for it: its exit status,
 * 128+N if signal N ended it, 255 if it could not be started (after a
 * message "TOOL: CMD: <error>").
 */
int vc_run(const char *tool, char **argv);

/* Print a tool's usage line on stderr; returns the usage exit status, 255. */
int vs_usage(const char *usage_line);
/* Print "TOOL: WHAT: <errno text>" on stderr; returns 255. */
int vs_fail(const char *tool, const char *what);

#endif /* VSLAB_LIB_H */
