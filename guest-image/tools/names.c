// SPDX-License-Identifier: GPL-2.0
/*
 * Name tables of libvserver: POSIX capabilities, context flags, context
 * capabilities, network context flags and network capabilities, in the
 * spellings the tools accept and print.
 * Also vc_drop_caps(), which lowers the caller's own capability sets.
 * See lib.h.
 *
 * Capability numbers come from <linux/capability.h>; flag and ccap bits
 * from <vserver/context.h>, network flags and ncaps from
 * <vserver/network.h>.  Nothing is numbered by hand here.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "lib.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* --- POSIX capabilities --- */

static const struct {
	int nr;
	const char *name;
} caps[] = {
#define C(x) { CAP_##x, #x }
	C(CHOWN), C(DAC_OVERRIDE), C(DAC_READ_SEARCH), C(FOWNER), C(FSETID),
	C(KILL), C(SETGID), C(SETUID), C(SETPCAP), C(LINUX_IMMUTABLE),
	C(NET_BIND_SERVICE), C(NET_BROADCAST), C(NET_ADMIN), C(NET_RAW),
	C(IPC_LOCK), C(IPC_OWNER), C(SYS_MODULE), C(SYS_RAWIO), C(SYS_CHROOT),
	C(SYS_PTRACE), C(SYS_PACCT), C(SYS_ADMIN), C(SYS_BOOT), C(SYS_NICE),
	C(SYS_RESOURCE), C(SYS_TIME), C(SYS_TTY_CONFIG), C(MKNOD), C(LEASE),
	C(AUDIT_WRITE), C(AUDIT_CONTROL), C(SETFCAP), C(MAC_OVERRIDE),
	C(MAC_ADMIN), C(SYSLOG), C(WAKE_ALARM), C(BLOCK_SUSPEND),
	C(AUDIT_READ), C(PERFMON), C(BPF), C(CHECKPOINT_RESTORE),
	C(CONTEXT),
#undef C
};

/*
 * The guest default bound of ABI §9.  MKNOD, NET_RAW, NET_ADMIN,
 * SYS_ADMIN, LINUX_IMMUTABLE, SYS_MODULE, SYS_RAWIO, SYS_TIME and
 * CAP_CONTEXT among others are left out.
 */
static const int secure_caps[] = {
	CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER,
	CAP_FSETID, CAP_KILL, CAP_SETGID, CAP_SETUID, CAP_NET_BIND_SERVICE,
	CAP_SYS_CHROOT, CAP_SYS_PTRACE, CAP_SYS_BOOT, CAP_SYS_TTY_CONFIG,
	CAP_LEASE, CAP_AUDIT_WRITE,
};

uint64_t vc_default_bcaps(void)
{
	uint64_t set = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(secure_caps); i++)
		set |= 1ULL << secure_caps[i];
	return set;
}

/*
 * util-vserver's insecure bcaps; bit 29 is AUDIT_WRITE, which util-vserver
 * still calls QUOTACTL (a 2.4-era number).
 */
#define INSECURE_BCAPS	(1ULL << CAP_LINUX_IMMUTABLE | 1ULL << CAP_NET_BROADCAST | \
			 1ULL << CAP_NET_ADMIN | 1ULL << CAP_NET_RAW |		\
			 1ULL << CAP_IPC_LOCK | 1ULL << CAP_IPC_OWNER |		\
			 1ULL << CAP_SYS_MODULE | 1ULL << CAP_SYS_RAWIO |	\
			 1ULL << CAP_SYS_PACCT | 1ULL << CAP_SYS_ADMIN |	\
			 1ULL << CAP_SYS_NICE | 1ULL << CAP_SYS_RESOURCE |	\
			 1ULL << CAP_SYS_TIME | 1ULL << CAP_MKNOD | 1ULL << 29)

uint64_t vc_secure_bcaps(void)
{
	return ~INSECURE_BCAPS;
}

uint64_t vc_secure_ccaps(void)
{
	return VXC_SET_UTSNAME | VXC_RAW_ICMP;
}

uint64_t vc_all_bcaps(void)
{
	uint64_t set = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(caps); i++)
		if (caps[i].nr != CAP_CONTEXT)
			set |= 1ULL << caps[i].nr;
	return set;
}

const char *vc_cap_name(int nr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(caps); i++)
		if (caps[i].nr == nr)
			return caps[i].name;
	return NULL;
}

int vc_drop_caps(uint64_t set, int which, const char *tool)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	int nr, i;

	for (nr = 0; (which & VC_DROP_BOUNDING) && nr < 64; nr++) {
		if (!(set & (1ULL << nr)))
			continue;
		/* EINVAL: this kernel does not have that capability at all. */
		if (prctl(PR_CAPBSET_DROP, nr, 0, 0, 0) < 0 && errno != EINVAL) {
			const char *name = vc_cap_name(nr);

			fprintf(stderr, "%s: PR_CAPBSET_DROP %s%s: %s\n",
				tool, name ? "CAP_" : "^", name ? name : "?",
				strerror(errno));
			return -1;
		}
	}
	if (!(which & VC_DROP_SETS))
		return 0;
	for (nr = 0; nr < 64; nr++)
		if (set & (1ULL << nr))
			prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, nr, 0, 0);
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &hdr, d) < 0) {
		fprintf(stderr, "%s: capget: %s\n", tool, strerror(errno));
		return -1;
	}
	for (i = 0; i < 2; i++) {
		uint32_t keep = ~(uint32_t)(set >> (32 * i));

		d[i].effective &= keep;
		d[i].permitted &= keep;
		d[i].inheritable &= keep;
	}
	if (syscall(SYS_capset, &hdr, d) < 0) {
		fprintf(stderr, "%s: capset: %s\n", tool, strerror(errno));
		return -1;
	}
	return 0;
}

/* "^N" names bit N of any table. */
static int caret_bit(const char *name, uint64_t *bit)
{
	long long v;

	if (name[0] != '^' || vc_parse_num(name + 1, 0, 63, &v))
		return -1;
	*bit = 1ULL << v;
	return 0;
}

int vc_cap_bit(const char *name, uint64_t *bit)
{
	size_t i;

	if (!strncasecmp(name, "CAP_", 4))
		name += 4;
	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		if (!strcasecmp(name, caps[i].name)) {
			*bit = 1ULL << caps[i].nr;
			return 0;
		}
	}
	return caret_bit(name, bit);
}

/* --- flags and ccaps: name, bits, and whether it is printed --- */

struct bitname {
	const char *name;
	uint64_t bits;
	int alias;	/* accepted, never printed */
};

/*
 * util-vserver's flag names (ABI §5.1).  Three bits have no util-vserver
 * name; we call them virt_time, hide_vinfo and state_admin.  "secure"
 * and "default" are pseudo-flags (hide_netif, virt_uptime).
 */
static const struct bitname flag_names[] = {
	{ "lock", VXF_INFO_LOCK, 0 },
	{ "sched", VXF_INFO_SCHED, 0 },
	{ "nproc", VXF_INFO_NPROC, 0 },
	{ "private", VXF_INFO_PRIVATE, 0 },
	{ "fakeinit", VXF_INFO_INIT, 0 },
	{ "hideinfo", VXF_INFO_HIDE, 0 },
	{ "ulimit", VXF_INFO_ULIMIT, 0 },
	{ "namespace", VXF_INFO_NSPACE, 0 },
	{ "sched_hard", VXF_SCHED_HARD, 0 },
	{ "sched_prio", VXF_SCHED_PRIO, 0 },
	{ "sched_pause", VXF_SCHED_PAUSE, 0 },
	{ "virt_mem", VXF_VIRT_MEM, 0 },
	{ "virt_uptime", VXF_VIRT_UPTIME, 0 },
	{ "virt_cpu", VXF_VIRT_CPU, 0 },
	{ "virt_load", VXF_VIRT_LOAD, 0 },
	{ "virt_time", VXF_VIRT_TIME, 0 },
	{ "hide_mount", VXF_HIDE_MOUNT, 0 },
	{ "hide_netif", VXF_HIDE_NETIF, 0 },
	{ "hide_vinfo", VXF_HIDE_VINFO, 0 },
	{ "state_setup", VXF_STATE_SETUP, 0 },
	{ "state_init", VXF_STATE_INIT, 0 },
	{ "state_admin", VXF_STATE_ADMIN, 0 },
	{ "sc_helper", VXF_SC_HELPER, 0 },
	{ "reboot_kill", VXF_REBOOT_KILL, 0 },
	{ "persistent", VXF_PERSISTENT, 0 },
	{ "fork_rss", VXF_FORK_RSS, 0 },
	{ "prolific", VXF_PROLIFIC, 0 },
	{ "igneg_nice", VXF_IGNEG_NICE, 0 },
	{ "secure", VXF_HIDE_NETIF, 1 },
	{ "default", VXF_VIRT_UPTIME, 1 },
};

/* Context capabilities (ABI §5.2) and their old aliases. */
static const struct bitname ccap_names[] = {
	{ "set_utsname", VXC_SET_UTSNAME, 0 },
	{ "set_rlimit", VXC_SET_RLIMIT, 0 },
	{ "fs_security", VXC_FS_SECURITY, 0 },
	{ "fs_trusted", VXC_FS_TRUSTED, 0 },
	{ "tiocsti", VXC_TIOCSTI, 0 },
	{ "raw_icmp", VXC_RAW_ICMP, 0 },
	{ "syslog", VXC_SYSLOG, 0 },
	{ "oom_adjust", VXC_OOM_ADJUST, 0 },
	{ "audit_control", VXC_AUDIT_CONTROL, 0 },
	{ "secure_mount", VXC_SECURE_MOUNT, 0 },
	{ "secure_remount", VXC_SECURE_REMOUNT, 0 },
	{ "binary_mount", VXC_BINARY_MOUNT, 0 },
	{ "quota_ctl", VXC_QUOTA_CTL, 0 },
	{ "admin_mapper", VXC_ADMIN_MAPPER, 0 },
	{ "admin_cloop", VXC_ADMIN_CLOOP, 0 },
	{ "kthread", VXC_KTHREAD, 0 },
	{ "namespace", VXC_NAMESPACE, 0 },
	{ "utsname", VXC_SET_UTSNAME, 1 },
	{ "rlimit", VXC_SET_RLIMIT, 1 },
	{ "icmp", VXC_RAW_ICMP, 1 },
	{ "ping", VXC_RAW_ICMP, 1 },
	{ "mount", VXC_SECURE_MOUNT, 1 },
	{ "remount", VXC_SECURE_REMOUNT, 1 },
};

/*
 * Network context flags (ABI §5.4).  "lock" is a legacy word with no bit:
 * accepted, changes nothing.
 */
static const struct bitname nflag_names[] = {
	{ "private", NXF_INFO_PRIVATE, 0 },
	{ "single_ip", NXF_SINGLE_IP, 0 },
	{ "lback_remap", NXF_LBACK_REMAP, 0 },
	{ "lback_allow", NXF_LBACK_ALLOW, 0 },
	{ "hide_netif", NXF_HIDE_NETIF, 0 },
	{ "hide_lback", NXF_HIDE_LBACK, 0 },
	{ "state_setup", NXF_STATE_SETUP, 0 },
	{ "state_admin", NXF_STATE_ADMIN, 0 },
	{ "sc_helper", NXF_SC_HELPER, 0 },
	{ "persistent", NXF_PERSISTENT, 0 },
	{ "remap_lback", NXF_LBACK_REMAP, 1 },
	{ "lock", 0, 1 },
};

/* Network capabilities (ABI §5.4); icmp and ping as for the ccap. */
static const struct bitname ncap_names[] = {
	{ "tun_create", NXC_TUN_CREATE, 0 },
	{ "raw_icmp", NXC_RAW_ICMP, 0 },
	{ "multicast", NXC_MULTICAST, 0 },
	{ "icmp", NXC_RAW_ICMP, 1 },
	{ "ping", NXC_RAW_ICMP, 1 },
};

static int lookup_bit(const struct bitname *t, size_t n, const char *name,
		      uint64_t *bit)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!strcasecmp(name, t[i].name)) {
			*bit = t[i].bits;
			return 0;
		}
	}
	return caret_bit(name, bit);
}

int vc_flag_bit(const char *name, uint64_t *bit)
{
	return lookup_bit(flag_names, ARRAY_SIZE(flag_names), name, bit);
}

int vc_ccap_bit(const char *name, uint64_t *bit)
{
	return lookup_bit(ccap_names, ARRAY_SIZE(ccap_names), name, bit);
}

int vc_nflag_bit(const char *name, uint64_t *bit)
{
	return lookup_bit(nflag_names, ARRAY_SIZE(nflag_names), name, bit);
}

int vc_ncap_bit(const char *name, uint64_t *bit)
{
	return lookup_bit(ncap_names, ARRAY_SIZE(ncap_names), name, bit);
}

/* Print "a,b,^N" for the bits of set; names via name_of(bit) or NULL. */
static void print_bits(FILE *f, uint64_t set, const char *empty,
		       void (*print_name)(FILE *, int, void *), void *arg)
{
	int bit, first = 1;

	if (!set) {
		fputs(empty, f);
		return;
	}
	for (bit = 0; bit < 64; bit++) {
		if (!(set & (1ULL << bit)))
			continue;
		if (!first)
			fputc(',', f);
		first = 0;
		print_name(f, bit, arg);
	}
}

struct cap_style {
	const char *prefix;
	int upper;
};

static void print_cap(FILE *f, int bit, void *arg)
{
	const struct cap_style *st = arg;
	const char *name = vc_cap_name(bit), *p;

	if (!name) {
		fprintf(f, "^%d", bit);
		return;
	}
	fputs(st->prefix, f);
	for (p = name; *p; p++)
		fputc(st->upper ? *p : tolower((unsigned char)*p), f);
}

void vc_print_caps(FILE *f, uint64_t set, const char *prefix, int upper,
		   const char *empty)
{
	struct cap_style st = { prefix, upper };

	print_bits(f, set, empty, print_cap, &st);
}

struct table {
	const struct bitname *t;
	size_t n;
};

static void print_table_bit(FILE *f, int bit, void *arg)
{
	const struct table *tab = arg;
	size_t i;

	for (i = 0; i < tab->n; i++) {
		if (!tab->t[i].alias && tab->t[i].bits == 1ULL << bit) {
			fputs(tab->t[i].name, f);
			return;
		}
	}
	fprintf(f, "^%d", bit);
}

void vc_print_flags(FILE *f, uint64_t flags, const char *empty)
{
	struct table tab = { flag_names, ARRAY_SIZE(flag_names) };

	print_bits(f, flags, empty, print_table_bit, &tab);
}

void vc_print_ccaps(FILE *f, uint64_t ccaps, const char *empty)
{
	struct table tab = { ccap_names, ARRAY_SIZE(ccap_names) };

	print_bits(f, ccaps, empty, print_table_bit, &tab);
}

void vc_print_nflags(FILE *f, uint64_t flags, const char *empty)
{
	struct table tab = { nflag_names, ARRAY_SIZE(nflag_names) };

	print_bits(f, flags, empty, print_table_bit, &tab);
}

void vc_print_ncaps(FILE *f, uint64_t ncaps, const char *empty)
{
	struct table tab = { ncap_names, ARRAY_SIZE(ncap_names) };

	print_bits(f, ncaps, empty, print_table_bit, &tab);
}

int vc_apply_list(const char *list, int (*lookup)(const char *, uint64_t *),
		  uint64_t *value, uint64_t *mask, const char **bad)
{
	static char word[128];
	const char *p = list;

	while (*p) {
		size_t len = strcspn(p, ",");
		const char *w = word;
		uint64_t bit;
		int clear = 0;

		if (len >= sizeof(word))
			len = sizeof(word) - 1;
		memcpy(word, p, len);
		word[len] = '\0';
		p += strcspn(p, ",");
		if (*p)
			p++;
		if (!*w)
			continue;
		if (*w == '!' || *w == '~') {
			clear = 1;
			w++;
		}
		if (lookup(w, &bit)) {
			*bad = w;
			return -1;
		}
		*mask |= bit;
		if (clear)
			*value &= ~bit;
		else
			*value |= bit;
	}
	return 0;
}

/* --- signals --- */

static const struct {
	int nr;
	const char *name;
} signals[] = {
#define S(x) { SIG##x, #x }
	S(HUP), S(INT), S(QUIT), S(ILL), S(TRAP), S(ABRT), S(BUS), S(FPE),
	S(KILL), S(USR1), S(SEGV), S(USR2), S(PIPE), S(ALRM), S(TERM),
	S(CHLD), S(CONT), S(STOP), S(TSTP), S(TTIN), S(TTOU),
	S(URG), S(XCPU), S(XFSZ), S(VTALRM), S(PROF), S(WINCH), S(IO),
	S(PWR), S(SYS),
	/* MIPS has SIGEMT (7) and no SIGSTKFLT; its other numbers differ too */
#ifdef SIGSTKFLT
	S(STKFLT),
#endif
#ifdef SIGEMT
	S(EMT),
#endif
#undef S
};

int vc_signal_nr(const char *name)
{
	long long v;
	size_t i;

	if (!vc_parse_num(name, 0, 64, &v))
		return (int)v;
	if (!strncasecmp(name, "SIG", 3))
		name += 3;
	for (i = 0; i < ARRAY_SIZE(signals); i++)
		if (!strcasecmp(name, signals[i].name))
			return signals[i].nr;
	return -1;
}
