// SPDX-License-Identifier: GPL-2.0
/*
 * escape-caps: one attack per call with a capability util-vserver's
 * secure bound leaves a guest, on a socket listing, or on a host
 * interface, for the escape battery (tests/security/escape-caps.test.ts).
 *
 *   escape-caps ATTACK [ARG]...
 *
 * As escape-net: "OK ..." and exit 0 when the attack worked, "REFUSED
 * CALL ERRNO" (or "REFUSED WHAT DETAIL") and exit 1 when not, 255 on
 * usage or set-up errors.
 *
 * Capabilities in the bound (vattribute --secure keeps them):
 *   bpf-map                  bpf(BPF_MAP_CREATE) of an array (BPF)
 *   bpf-prog                 bpf(BPF_PROG_LOAD) of a socket filter (BPF)
 *   perf-cpu                 perf_event_open of every task on CPU 0 (PERFMON)
 *   perf-task PID            perf_event_open of the host task PID (a
 *                            software counter that follows it)
 *   userfaultfd              userfaultfd(2) without UFFD_USER_MODE_ONLY:
 *                            a handler for the kernel's own page faults
 *                            (with vm.unprivileged_userfaultfd 0, only
 *                            for CAP_SYS_PTRACE, which the bound leaves)
 *   audit-set                AUDIT_GET, then AUDIT_SET of the same backlog
 *                            limit over NETLINK_AUDIT (AUDIT_CONTROL)
 *   audit-read               join the audit log multicast group (AUDIT_READ)
 *   alarm-timer              timerfd_create(CLOCK_BOOTTIME_ALARM) (WAKE_ALARM)
 *   epoll-wakeup             EPOLLWAKEUP on an epoll entry (BLOCK_SUSPEND):
 *                            works if /proc/self/fdinfo keeps the flag
 *   set-tid PID              clone3() a child with the pid PID
 *                            (CHECKPOINT_RESTORE)
 *   fcap-exec FILE           give FILE (a copy of vstool) the file
 *                            capability SYS_ADMIN (SETFCAP), then run it as
 *                            uid 1000 as "escape-net sysadmin"
 *   setpcap-inh              raise SYS_ADMIN in the inheritable set (SETPCAP)
 *   kptr                     /proc/net/netlink shows a kernel address (%pK
 *                            with kptr_restrict 1 needs SYSLOG)
 *   key-add DESC DATA        host side: a "user" key in uid 0's user keyring
 *   key-read DESC            find that key and read it
 * Host interfaces:
 *   cgroup-clone DIR         clone3(CLONE_INTO_CGROUP) a child into the
 *                            cgroup v2 directory DIR (no write open of its
 *                            cgroup.procs); prints the child's cgroup2
 *                            line of /proc/PID/cgroup
 *   quotaoff DEV             quotactl(Q_QUOTAOFF) of user quotas on DEV's
 *                            filesystem
 * Socket listings over NETLINK_SOCK_DIAG (works if another context's or
 * the host's socket is listed):
 *   diag tcp PORT | diag udp PORT   an IPv4 socket with local port PORT
 *   diag unix NAME           the abstract unix socket "@NAME"
 *   diag packet              any packet socket
 *   diag netlink             a netlink socket with another port id than ours
 *   hold packet | hold udp ADDR PORT
 *                            host side: hold a packet socket, or a UDP
 *                            socket bound to ADDR:PORT, for 60 s
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/netlink_diag.h>
#include <linux/packet_diag.h>
#include <linux/perf_event.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/quota.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

#ifndef SYS_clone3
#define SYS_clone3		435
#endif
#ifndef CLOCK_BOOTTIME_ALARM
#define CLOCK_BOOTTIME_ALARM	9
#endif
#ifndef EPOLLWAKEUP
#define EPOLLWAKEUP		(1u << 29)
#endif
#ifndef AF_PACKET
#define AF_PACKET		17
#endif
#define VX_KEY_SPEC_USER_KEYRING	-4
#define VX_KEYCTL_SEARCH		10
#define VX_KEYCTL_READ			11

static const char usage_line[] = "usage: escape-caps ATTACK [ARG]...\n";

static int usage(void)
{
	fputs(usage_line, stderr);
	return 255;
}

/* "REFUSED CALL ERRNO", exit status 1. */
static int refused(const char *call)
{
	const char *name = errno == ENOKEY ? "ENOKEY" : vc_errname(errno);

	if (name)
		printf("REFUSED %s %s\n", call, name);
	else
		printf("REFUSED %s errno %d\n", call, errno);
	return 1;
}

static int setup_error(const char *call)
{
	fprintf(stderr, "escape-caps: %s: %s\n", call, strerror(errno));
	return 255;
}

/* ---- bpf, perf ------------------------------------------------------- */

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int attack_bpf_map(void)
{
	union bpf_attr a;
	long fd;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	fd = sys_bpf(BPF_MAP_CREATE, &a);
	if (fd < 0)
		return refused("bpf");
	puts("OK bpf map created");
	return 0;
}

static int attack_bpf_prog(void)
{
	/* r0 = 0; exit */
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a;
	long fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insn_cnt = 2;
	a.insns = (uintptr_t)insns;
	a.license = (uintptr_t)"GPL";
	fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd < 0)
		return refused("bpf");
	puts("OK bpf program loaded");
	return 0;
}

static int attack_perf_cpu(void)
{
	struct perf_event_attr a;
	long fd;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_CPU_CLOCK;
	/* pid -1, cpu 0: every task on the CPU, the host's too */
	fd = syscall(SYS_perf_event_open, &a, -1, 0, -1, 0);
	if (fd < 0)
		return refused("perf_event_open");
	puts("OK counting every task on cpu 0");
	return 0;
}

static int attack_perf_task(int pid)
{
	struct perf_event_attr a;
	long fd;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_TASK_CLOCK;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	fd = syscall(SYS_perf_event_open, &a, pid, -1, -1, 0);
	if (fd < 0)
		return refused("perf_event_open");
	printf("OK counting task %d\n", pid);
	return 0;
}

static int attack_userfaultfd(void)
{
	long fd = syscall(SYS_userfaultfd, O_CLOEXEC);

	if (fd < 0)
		return refused("userfaultfd");
	puts("OK userfaultfd for kernel faults");
	return 0;
}

/* ---- audit ------------------------------------------------------------ */

/* Send one audit request with @len bytes of @data; 0 or -errno of the ack. */
static int audit_request(int fd, int type, const void *data, size_t len,
			 void *reply, size_t reply_len)
{
	struct {
		struct nlmsghdr nlh;
		char data[256];
	} req, ans;
	struct nlmsgerr *err;
	ssize_t n;
	int got_reply = reply == NULL;

	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = NLMSG_LENGTH(len);
	req.nlh.nlmsg_type = type;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nlh.nlmsg_seq = 1;
	memcpy(req.data, data, len);
	if (send(fd, &req, req.nlh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(fd, &ans, sizeof(ans), 0);
		if (n < 0)
			return -errno;
		if (ans.nlh.nlmsg_type == NLMSG_ERROR) {
			err = NLMSG_DATA(&ans.nlh);
			if (err->error || got_reply)
				return err->error;
			continue;
		}
		if (reply && ans.nlh.nlmsg_type == type) {
			memcpy(reply, NLMSG_DATA(&ans.nlh), reply_len);
			got_reply = 1;
			return 0;
		}
	}
}

static int attack_audit_set(void)
{
	struct audit_status s;
	int fd, err;

	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);
	if (fd < 0)
		return refused("socket");
	memset(&s, 0, sizeof(s));
	err = audit_request(fd, AUDIT_GET, NULL, 0, &s, sizeof(s));
	if (err) {
		errno = -err;
		return refused("audit-get");
	}
	s.mask = AUDIT_STATUS_BACKLOG_LIMIT;
	err = audit_request(fd, AUDIT_SET, &s, sizeof(s), NULL, 0);
	if (err) {
		errno = -err;
		return refused("audit-set");
	}
	printf("OK audit backlog limit set to %u\n", s.backlog_limit);
	return 0;
}

static int attack_audit_read(void)
{
	struct sockaddr_nl sa;
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);
	if (fd < 0)
		return refused("socket");
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return refused("bind");
	puts("OK joined the audit log group");
	return 0;
}

/* ---- timers, suspend, pids ------------------------------------------- */

static int attack_alarm_timer(void)
{
	int fd = timerfd_create(CLOCK_BOOTTIME_ALARM, 0);

	if (fd < 0)
		return refused("timerfd_create");
	puts("OK alarm timer that wakes the machine");
	return 0;
}

static int attack_epoll_wakeup(void)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLWAKEUP };
	char path[64], line[256];
	unsigned int events;
	int ep, p[2], found = 0;
	FILE *f;

	ep = epoll_create1(0);
	if (ep < 0 || pipe(p) < 0)
		return setup_error("epoll/pipe");
	if (epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) < 0)
		return refused("epoll_ctl");
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", ep);
	f = fopen(path, "r");
	if (!f)
		return setup_error(path);
	while (fgets(line, sizeof(line), f)) {
		char *e = strstr(line, "events:");

		if (e && sscanf(e, "events: %x", &events) == 1) {
			found = 1;
			break;
		}
	}
	fclose(f);
	if (!found)
		return setup_error("fdinfo has no events");
	if (!(events & EPOLLWAKEUP)) {
		puts("REFUSED epollwakeup dropped");
		return 1;
	}
	printf("OK EPOLLWAKEUP kept (events %x)\n", events);
	return 0;
}

/* struct clone_args of clone3(2), up to cgroup (CLONE_ARGS_SIZE_VER2). */
struct vx_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP	0x200000000ULL
#endif

static int attack_set_tid(int want)
{
	pid_t tid = want;
	struct vx_clone_args a;
	long pid;
	int status;

	memset(&a, 0, sizeof(a));
	a.exit_signal = SIGCHLD;
	a.set_tid = (uintptr_t)&tid;
	a.set_tid_size = 1;
	pid = syscall(SYS_clone3, &a, sizeof(a));
	if (pid < 0)
		return refused("clone3");
	if (pid == 0)
		_exit(0);
	waitpid(pid, &status, 0);
	printf("OK child got pid %ld\n", pid);
	return 0;
}

/*
 * clone3() with CLONE_INTO_CGROUP asks for write permission on the
 * common ancestor's cgroup.procs without opening it: the child waits on
 * a pipe while the parent reads its /proc/PID/cgroup.
 */
static int attack_cgroup_clone(const char *dir)
{
	struct vx_clone_args a;
	char path[64], buf[1024], *line;
	int fd, p[2], status;
	ssize_t n;
	long pid;

	fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return refused("open");
	if (pipe(p))
		return setup_error("pipe");
	memset(&a, 0, sizeof(a));
	a.flags = CLONE_INTO_CGROUP;
	a.exit_signal = SIGCHLD;
	a.cgroup = fd;
	pid = syscall(SYS_clone3, &a, sizeof(a));
	if (pid < 0)
		return refused("clone3");
	if (pid == 0) {
		char c;

		close(p[1]);
		while (read(p[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(p[0]);
	snprintf(path, sizeof(path), "/proc/%ld/cgroup", pid);
	fd = open(path, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	close(p[1]);
	waitpid(pid, &status, 0);
	if (n <= 0)
		return setup_error("read cgroup");
	buf[n] = 0;
	/* the cgroup2 line; named v1 hierarchies come first */
	line = strstr(buf, "0::");
	if (!line || (line != buf && line[-1] != '\n'))
		return setup_error("no cgroup2 line");
	line[strcspn(line, "\n")] = 0;
	printf("OK child in %s\n", line);
	return 0;
}

/* ---- capability sets -------------------------------------------------- */

static int attack_fcap_exec(const char *file)
{
	struct vfs_cap_data cap;
	pid_t pid;
	int status;

	memset(&cap, 0, sizeof(cap));
	cap.magic_etc = VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE;
	cap.data[0].permitted = 1u << CAP_SYS_ADMIN;
	if (setxattr(file, "security.capability", &cap, sizeof(cap), 0) < 0)
		return refused("setxattr");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return setup_error("fork");
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(1000, 1000, 1000) < 0 ||
		    setresuid(1000, 1000, 1000) < 0)
			_exit(setup_error("setresuid"));
		execl(file, "escape-net", "sysadmin", (char *)NULL);
		/* exec refuses a file whose capabilities cannot all be had */
		_exit(refused("execve"));
	}
	if (waitpid(pid, &status, 0) < 0)
		return setup_error("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

static int attack_setpcap_inh(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return setup_error("capget");
	d[0].inheritable |= 1u << CAP_SYS_ADMIN;
	if (syscall(SYS_capset, &h, d) < 0)
		return refused("capset");
	puts("OK SYS_ADMIN inheritable");
	return 0;
}

/* A kernel address in the sk column of /proc/net/netlink (ours included). */
static int attack_kptr(void)
{
	char line[512], sk[32];
	int fd, seen = 0;
	FILE *f;

	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	/* bound (a port id given), so /proc/net/netlink lists it */
	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return setup_error("socket");
	f = fopen("/proc/net/netlink", "r");
	if (!f)
		return refused("open");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s", sk) != 1 || !strcmp(sk, "sk"))
			continue;
		seen = 1;
		if (strspn(sk, "0") != strlen(sk)) {
			printf("OK kernel address %s\n", sk);
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	if (!seen)
		return setup_error("no socket in /proc/net/netlink");
	puts("REFUSED kptr zeroed");
	return 1;
}

/* ---- keys ------------------------------------------------------------- */

static int key_add(const char *desc, const char *data)
{
	long id = syscall(SYS_add_key, "user", desc, data, strlen(data),
			  VX_KEY_SPEC_USER_KEYRING);

	if (id < 0)
		return setup_error("add_key");
	printf("KEY=%ld\n", id);
	return 0;
}

static int attack_key_read(const char *desc)
{
	char buf[128];
	long id, n;

	id = syscall(SYS_keyctl, VX_KEYCTL_SEARCH, VX_KEY_SPEC_USER_KEYRING,
		     "user", desc, 0);
	if (id < 0)
		return refused("keyctl-search");
	n = syscall(SYS_keyctl, VX_KEYCTL_READ, id, buf, sizeof(buf) - 1);
	if (n < 0)
		return refused("keyctl-read");
	buf[n < (long)sizeof(buf) - 1 ? n : (long)sizeof(buf) - 1] = 0;
	printf("OK %s\n", buf);
	return 0;
}

/* ---- quotas --------------------------------------------------------- */

static int attack_quotaoff(const char *dev)
{
	if (quotactl(QCMD(Q_QUOTAOFF, USRQUOTA), dev, 0, NULL) < 0)
		return refused("quotactl");
	puts("OK user quotas off");
	return 0;
}

/* ---- NETLINK_SOCK_DIAG ------------------------------------------------ */

/*
 * Send @req (@len bytes, a sock_diag request) as a dump and call @match
 * on every answer; 0 when @match said yes, 1 when the dump ended without.
 */
static int diag_dump(const void *req, size_t len, int type,
		     int (*match)(const struct nlmsghdr *, const void *),
		     const void *arg)
{
	struct {
		struct nlmsghdr nlh;
		char data[128];
	} msg;
	static char buf[32768];
	struct nlmsghdr *h;
	int fd, found = 0;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return refused("socket");
	memset(&msg, 0, sizeof(msg));
	msg.nlh.nlmsg_len = NLMSG_LENGTH(len);
	msg.nlh.nlmsg_type = type;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.nlh.nlmsg_seq = 1;
	memcpy(msg.data, req, len);
	if (send(fd, &msg, msg.nlh.nlmsg_len, 0) < 0)
		return refused("send");
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return refused("recv");
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				goto done;
			if (h->nlmsg_type == NLMSG_ERROR) {
				errno = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
				return refused("dump");
			}
			if (!found && match(h, arg))
				found = 1;
		}
	}
done:
	close(fd);
	if (!found) {
		puts("REFUSED listing none-seen");
		return 1;
	}
	return 0;
}

static int match_inet(const struct nlmsghdr *h, const void *arg)
{
	const struct inet_diag_msg *m = NLMSG_DATA(h);
	int port = *(const int *)arg;

	if (ntohs(m->id.idiag_sport) != port)
		return 0;
	printf("OK listed port %d\n", port);
	return 1;
}

static int match_unix(const struct nlmsghdr *h, const void *arg)
{
	const struct unix_diag_msg *m = NLMSG_DATA(h);
	const char *name = arg;
	int len = h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
	const struct rtattr *a = (const void *)(m + 1);

	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		const char *p = RTA_DATA(a);
		size_t n = RTA_PAYLOAD(a);

		if (a->rta_type != UNIX_DIAG_NAME || n < 2 || p[0])
			continue;
		if (n - 1 == strlen(name) && !memcmp(p + 1, name, n - 1)) {
			printf("OK listed @%s\n", name);
			return 1;
		}
	}
	return 0;
}

static int match_any(const struct nlmsghdr *h, const void *arg)
{
	(void)h;
	(void)arg;
	puts("OK listed a packet socket");
	return 1;
}

static int match_netlink(const struct nlmsghdr *h, const void *arg)
{
	const struct netlink_diag_msg *m = NLMSG_DATA(h);
	unsigned int me = *(const unsigned int *)arg;

	if (m->ndiag_portid == me)
		return 0;
	printf("OK listed netlink protocol %u port %u\n", m->ndiag_protocol,
	       m->ndiag_portid);
	return 1;
}

static int attack_diag(int argc, char **argv)
{
	const char *kind = argv[1];

	if (argc < 2)
		return usage();
	if ((!strcmp(kind, "tcp") || !strcmp(kind, "udp")) && argc > 2) {
		struct inet_diag_req_v2 r;
		int port = atoi(argv[2]);

		memset(&r, 0, sizeof(r));
		r.sdiag_family = AF_INET;
		r.sdiag_protocol = !strcmp(kind, "tcp") ? IPPROTO_TCP : IPPROTO_UDP;
		r.idiag_states = ~0u;
		return diag_dump(&r, sizeof(r), SOCK_DIAG_BY_FAMILY, match_inet,
				 &port);
	}
	if (!strcmp(kind, "unix") && argc > 2) {
		struct unix_diag_req r;

		memset(&r, 0, sizeof(r));
		r.sdiag_family = AF_UNIX;
		r.udiag_states = ~0u;
		r.udiag_show = UDIAG_SHOW_NAME;
		return diag_dump(&r, sizeof(r), SOCK_DIAG_BY_FAMILY, match_unix,
				 argv[2]);
	}
	if (!strcmp(kind, "packet")) {
		struct packet_diag_req r;

		memset(&r, 0, sizeof(r));
		r.sdiag_family = AF_PACKET;
		return diag_dump(&r, sizeof(r), SOCK_DIAG_BY_FAMILY, match_any,
				 NULL);
	}
	if (!strcmp(kind, "netlink")) {
		struct netlink_diag_req r;
		unsigned int me = getpid();

		memset(&r, 0, sizeof(r));
		r.sdiag_family = AF_NETLINK;
		r.sdiag_protocol = NDIAG_PROTO_ALL;
		return diag_dump(&r, sizeof(r), SOCK_DIAG_BY_FAMILY,
				 match_netlink, &me);
	}
	return usage();
}

/* Host side: hold a packet socket, or a UDP socket on ADDR:PORT, 60 s. */
static int hold(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd;

	if (!strcmp(argv[1], "packet")) {
		fd = socket(AF_PACKET, SOCK_DGRAM, 0);
	} else if (!strcmp(argv[1], "udp") && argc > 3) {
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0 || inet_pton(AF_INET, argv[2], &sin.sin_addr) != 1)
			return setup_error("udp");
		sin.sin_port = htons(atoi(argv[3]));
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
			return setup_error("bind");
	} else {
		return usage();
	}
	if (fd < 0)
		return setup_error("socket");
	puts("holding");
	fflush(stdout);
	sleep(60);
	return 0;
}

int escape_caps_main(int argc, char **argv)
{
	const char *a;

	if (argc < 2 || !strcmp(argv[1], "--help")) {
		fputs(usage_line, argc < 2 ? stderr : stdout);
		return argc < 2 ? 255 : 0;
	}
	a = argv[1];
	argc--;
	argv++;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(a, "bpf-map"))
		return attack_bpf_map();
	if (!strcmp(a, "bpf-prog"))
		return attack_bpf_prog();
	if (!strcmp(a, "perf-cpu"))
		return attack_perf_cpu();
	if (!strcmp(a, "perf-task") && argc > 1)
		return attack_perf_task(atoi(argv[1]));
	if (!strcmp(a, "userfaultfd"))
		return attack_userfaultfd();
	if (!strcmp(a, "audit-set"))
		return attack_audit_set();
	if (!strcmp(a, "audit-read"))
		return attack_audit_read();
	if (!strcmp(a, "alarm-timer"))
		return attack_alarm_timer();
	if (!strcmp(a, "epoll-wakeup"))
		return attack_epoll_wakeup();
	if (!strcmp(a, "set-tid") && argc > 1)
		return attack_set_tid(atoi(argv[1]));
	if (!strcmp(a, "fcap-exec") && argc > 1)
		return attack_fcap_exec(argv[1]);
	if (!strcmp(a, "setpcap-inh"))
		return attack_setpcap_inh();
	if (!strcmp(a, "kptr"))
		return attack_kptr();
	if (!strcmp(a, "key-add") && argc > 2)
		return key_add(argv[1], argv[2]);
	if (!strcmp(a, "key-read") && argc > 1)
		return attack_key_read(argv[1]);
	if (!strcmp(a, "cgroup-clone") && argc > 1)
		return attack_cgroup_clone(argv[1]);
	if (!strcmp(a, "quotaoff") && argc > 1)
		return attack_quotaoff(argv[1]);
	if (!strcmp(a, "diag"))
		return attack_diag(argc, argv);
	if (!strcmp(a, "hold") && argc > 1)
		return hold(argc, argv);
	return usage();
}
