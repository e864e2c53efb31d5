// SPDX-License-Identifier: GPL-2.0
/*
 * escape-net: one attack on the network, IPC, signal or terminal
 * isolation of a context per call, for the escape battery
 * (tests/security/escape-net.test.ts).
 *
 *   escape-net ATTACK [ARG]...
 *
 * Each attack tries one thing a guest must not be able to do and says
 * whether it worked: "OK ..." and exit 0 when it did, "REFUSED CALL
 * ERRNO" (or "REFUSED WHAT DETAIL") and exit 1 when not; 255 on usage or
 * set-up errors.  Run as plain root on the host (the control) every
 * attack works.  Some attacks need a peer that the test starts on the
 * host (listed with the attack); the "serve" helpers below are those
 * peers.
 *
 * Network (the guest is bound to 10.42.0.2 only):
 *   udp ADDR PORT [--lite]   an unbound UDP (UDP-Lite) socket sends one
 *                            datagram to ADDR (IPv4 or IPv6); works if it
 *                            left from an address other than 10.42.0.2
 *   tcp ADDR PORT            connect to a listener; works if the local
 *                            address is not 10.42.0.2
 *   listen-any               listen() on an unbound TCP socket; works if
 *                            it listens on the wildcard
 *   pktinfo SRC ADDR PORT    send with IP_PKTINFO's ipi_spec_dst = SRC
 *   pktinfo6 SRC ADDR PORT   send with IPV6_PKTINFO's ipi6_addr = SRC
 *   sockopt NAME             setsockopt freebind, transparent,
 *                            freebind6, transparent6 or pktinfo6
 *   bind ADDR PORT           bind a UDP socket to ADDR
 *   tcp ADDR PORT sctp|mptcp the same over an SCTP or MPTCP stream socket
 *   stream-serve PROTO ADDR PORT
 *                            host side: listen on ADDR:PORT with a tcp,
 *                            sctp or mptcp stream socket, go to the
 *                            background once listening, accept forever
 *   rawsniff DST             a raw ICMP socket sees, within 3 s, an ICMP
 *                            packet addressed to DST
 *   raw PROTO                open a raw socket of protocol PROTO
 *   packet                   open a packet socket
 * IPC (the peer: ipc-make on the host, which prints the ids):
 *   ipc-make KEY             host side: make a shm segment, a message
 *                            queue with one message and a semaphore set,
 *                            all with KEY, mode 0666; prints their ids as
 *                            SHM=, MSG=, SEM= lines
 *   shmget KEY               shmget by key, then shmat
 *   shmat ID                 shmat by id
 *   msgrcv ID                receive a message by queue id
 *   semop ID                 increment semaphore 0 by id
 *   mq-make NAME             host side: make a POSIX queue, one message
 *   mq-recv NAME             mq_open + mq_receive
 *   unix-serve NAME          host side: abstract stream and datagram
 *                            sockets "@NAME" and "@NAME.d", serve forever
 *   unix-connect NAME        connect to the abstract stream socket
 *   unix-send NAME           sendto the abstract datagram socket
 * Tasks (PID is a host task):
 *   sigio SIG                O_ASYNC + F_SETOWN -(own process group) +
 *                            F_SETSIG SIG on a pipe, then write to it;
 *                            the host decides whether its member got SIG
 *   kill0 SIG                kill(0, SIG) (SIG ignored here)
 *   getprio-pgrp             getpriority(PRIO_PGRP, 0): works if it sees
 *                            a nice value below our own
 *   ptrace PID, vmread PID, pidfd PID, kill PID, renice PID,
 *   affinity PID, ioprio PID
 * Capabilities and the rest:
 *   sysadmin                 holds CAP_SYS_ADMIN (umount2("/",
 *                            MNT_EXPIRE) answers EINVAL, not EPERM)
 *   capset                   raise CAP_SYS_ADMIN with capset(2)
 *   ambient                  raise CAP_SYS_ADMIN as an ambient capability
 *   exec-regain              exec ourselves as "sysadmin" after capset
 *   setns PATH               setns() into the namespace file PATH
 *   setns-self-mnt           setns(pidfd_open(getpid()), CLONE_NEWNS):
 *                            rejoining its own mount namespace sets the
 *                            root to that namespace's; works if the
 *                            host's /.host-marker can then be read
 *   unshare-mnt              unshare(CLONE_NEWNS)
 *   userns-mount             unshare(CLONE_NEWUSER), then with the
 *                            capabilities it gives unshare(CLONE_NEWNS)
 *                            and mount a tmpfs on /tmp
 *   rlimit-raise             raise the hard RLIMIT_NOFILE by one
 *   settime                  settimeofday() to now
 *   vhangup                  vhangup(2)
 *   tiocsti                  push a byte into the controlling terminal
 *   pgrp-run [--signal] [--nice N] [--] CMD [ARG]...
 *                            host side: CMD leads a process group that a
 *                            host task (sleep, nice N) joined first; with
 *                            --signal "OK host task killed by signal N"
 *                            when it died, else CMD's status
 *   ptyrun [--hangup] CMD [ARG]...
 *                            host side: run CMD on a new pty whose session
 *                            a host task leads; with --hangup "OK tty hung
 *                            up" when that terminal was hung up afterwards,
 *                            else CMD's status
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

#define GUEST_ADDR	"10.42.0.2"

#ifndef IP_FREEBIND
#define IP_FREEBIND	15
#endif
#ifndef IP_TRANSPARENT
#define IP_TRANSPARENT	19
#endif
#ifndef IPV6_TRANSPARENT
#define IPV6_TRANSPARENT 75
#endif
#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND	78
#endif
#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE	136
#endif
#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP	262
#endif
#ifndef SOCK_DCCP
#define SOCK_DCCP	6
#endif
#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP	132
#endif

static const char usage_line[] = "usage: escape-net ATTACK [ARG]...\n";

static int usage(void)
{
	fputs(usage_line, stderr);
	return 255;
}

/* "REFUSED CALL ERRNO", exit status 1. */
static int refused(const char *call)
{
	const char *name = vc_errname(errno);

	if (name)
		printf("REFUSED %s %s\n", call, name);
	else
		printf("REFUSED %s errno %d\n", call, errno);
	return 1;
}

static int setup_error(const char *call)
{
	fprintf(stderr, "escape-net: %s: %s\n", call, strerror(errno));
	return 255;
}

/* ADDR PORT into @ss (IPv4 or IPv6); false if ADDR is neither. */
static int parse_addr(const char *addr, const char *port,
		      struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(atoi(port));
		*len = sizeof(*sin);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(atoi(port));
		*len = sizeof(*sin6);
		return AF_INET6;
	}
	return 0;
}

/* The socket's local address as text (v4-mapped shown as IPv4). */
static const char *local_addr(int fd, char *buf, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return "?";
	if (ss.ss_family == AF_INET)
		return inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
				 buf, size);
	if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr))
		return inet_ntop(AF_INET, &sin6->sin6_addr.s6_addr[12], buf,
				 size);
	return inet_ntop(AF_INET6, &sin6->sin6_addr, buf, size);
}

/* Worked if the socket's source is not the guest's address. */
static int verdict_source(int fd)
{
	char buf[INET6_ADDRSTRLEN];
	const char *a = local_addr(fd, buf, sizeof(buf));

	if (!strcmp(a, GUEST_ADDR)) {
		printf("REFUSED source %s\n", a);
		return 1;
	}
	printf("OK source %s\n", a);
	return 0;
}

static int attack_udp(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fam, fd, proto = IPPROTO_UDP;

	if (argc < 3)
		return usage();
	if (argc > 3 && !strcmp(argv[3], "--lite"))
		proto = IPPROTO_UDPLITE;
	fam = parse_addr(argv[1], argv[2], &ss, &len);
	if (!fam)
		return usage();
	fd = socket(fam, SOCK_DGRAM, proto);
	if (fd < 0)
		return refused("socket");
	if (sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len) < 0)
		return refused("sendto");
	return verdict_source(fd);
}

/* The protocol number of a stream protocol name; -1 if unknown. */
static int stream_proto(const char *name)
{
	if (!strcmp(name, "tcp"))
		return IPPROTO_TCP;
	if (!strcmp(name, "sctp"))
		return IPPROTO_SCTP;
	if (!strcmp(name, "mptcp"))
		return IPPROTO_MPTCP;
	return -1;
}

static int attack_tcp(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fam, fd, proto;

	if (argc < 3)
		return usage();
	fam = parse_addr(argv[1], argv[2], &ss, &len);
	if (!fam)
		return usage();
	proto = argc > 3 ? stream_proto(argv[3]) : 0;
	if (proto < 0)
		return usage();
	fd = socket(fam, SOCK_STREAM, proto);
	if (fd < 0)
		return refused("socket");
	if (connect(fd, (struct sockaddr *)&ss, len) < 0)
		return refused("connect");
	return verdict_source(fd);
}

/* Host side: a stream listener of PROTO on ADDR:PORT, in the background. */
static int stream_serve(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fam, fd, proto, c, one = 1;

	if (argc < 4)
		return usage();
	proto = stream_proto(argv[1]);
	fam = parse_addr(argv[2], argv[3], &ss, &len);
	if (proto < 0 || !fam)
		return usage();
	fd = socket(fam, SOCK_STREAM, proto);
	if (fd < 0)
		return setup_error("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		return setup_error("bind");
	if (listen(fd, 16) < 0)
		return setup_error("listen");
	if (fork() > 0)
		return 0;
	setsid();
	c = open("/dev/null", O_RDWR);
	if (c >= 0) {
		dup2(c, 0);
		dup2(c, 1);
		dup2(c, 2);
		if (c > 2)
			close(c);
	}
	for (;;) {
		c = accept(fd, NULL, NULL);
		if (c >= 0)
			close(c);
	}
}

static int attack_listen_any(void)
{
	char buf[INET6_ADDRSTRLEN];
	const char *a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return refused("socket");
	if (listen(fd, 1) < 0)
		return refused("listen");
	a = local_addr(fd, buf, sizeof(buf));
	if (strcmp(a, "0.0.0.0")) {
		printf("REFUSED listen %s\n", a);
		return 1;
	}
	puts("OK listens on 0.0.0.0");
	return 0;
}

static int attack_pktinfo(int argc, char **argv, int v6)
{
	char cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo))] = { 0 };
	struct sockaddr_storage ss;
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	struct msghdr msg = { 0 };
	struct cmsghdr *cmsg;
	socklen_t len;
	int fam, fd;

	if (argc < 4)
		return usage();
	fam = parse_addr(argv[2], argv[3], &ss, &len);
	if (!fam || (fam == AF_INET6) != v6)
		return usage();
	fd = socket(fam, SOCK_DGRAM, 0);
	if (fd < 0)
		return refused("socket");
	msg.msg_name = &ss;
	msg.msg_namelen = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	cmsg = (struct cmsghdr *)cbuf;
	if (v6) {
		struct in6_pktinfo pi = { 0 };

		if (inet_pton(AF_INET6, argv[1], &pi.ipi6_addr) != 1)
			return usage();
		msg.msg_controllen = CMSG_SPACE(sizeof(pi));
		cmsg->cmsg_level = IPPROTO_IPV6;
		cmsg->cmsg_type = IPV6_PKTINFO;
		cmsg->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cmsg), &pi, sizeof(pi));
	} else {
		struct in_pktinfo pi = { 0 };

		if (inet_pton(AF_INET, argv[1], &pi.ipi_spec_dst) != 1)
			return usage();
		msg.msg_controllen = CMSG_SPACE(sizeof(pi));
		cmsg->cmsg_level = IPPROTO_IP;
		cmsg->cmsg_type = IP_PKTINFO;
		cmsg->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cmsg), &pi, sizeof(pi));
	}
	if (sendmsg(fd, &msg, 0) < 0)
		return refused("sendmsg");
	printf("OK sent from %s\n", argv[1]);
	return 0;
}

static int attack_sockopt(const char *name)
{
	struct in6_pktinfo pi = { 0 };
	int one = 1, fd, level = IPPROTO_IP, opt, fam = AF_INET;
	const void *val = &one;
	socklen_t len = sizeof(one);

	if (!strcmp(name, "freebind")) {
		opt = IP_FREEBIND;
	} else if (!strcmp(name, "transparent")) {
		opt = IP_TRANSPARENT;
	} else if (!strcmp(name, "freebind6")) {
		fam = AF_INET6, level = IPPROTO_IPV6, opt = IPV6_FREEBIND;
	} else if (!strcmp(name, "transparent6")) {
		fam = AF_INET6, level = IPPROTO_IPV6, opt = IPV6_TRANSPARENT;
	} else if (!strcmp(name, "pktinfo6")) {
		fam = AF_INET6, level = IPPROTO_IPV6, opt = IPV6_PKTINFO;
		inet_pton(AF_INET6, "fd42::1", &pi.ipi6_addr);
		val = &pi;
		len = sizeof(pi);
	} else {
		return usage();
	}
	fd = socket(fam, SOCK_DGRAM, 0);
	if (fd < 0)
		return refused("socket");
	if (setsockopt(fd, level, opt, val, len) < 0)
		return refused("setsockopt");
	printf("OK %s set\n", name);
	return 0;
}

static int attack_bind(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fam, fd;

	if (argc < 3)
		return usage();
	fam = parse_addr(argv[1], argv[2], &ss, &len);
	if (!fam)
		return usage();
	fd = socket(fam, SOCK_DGRAM, 0);
	if (fd < 0)
		return refused("socket");
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		return refused("bind");
	printf("OK bound to %s\n", argv[1]);
	return 0;
}

static int attack_raw(const char *proto)
{
	int fd = socket(AF_INET, SOCK_RAW, atoi(proto));

	if (fd < 0)
		return refused("socket");
	printf("OK raw socket of protocol %s\n", proto);
	return 0;
}

static int attack_packet(void)
{
	int fd = socket(AF_PACKET, SOCK_RAW, htons(0x0003));

	if (fd < 0)
		return refused("socket");
	puts("OK packet socket");
	return 0;
}

static int attack_rawsniff(const char *dst)
{
	unsigned char pkt[2048];
	struct in_addr want;
	struct timeval start, now;
	struct pollfd pfd;
	int fd;

	if (inet_pton(AF_INET, dst, &want) != 1)
		return usage();
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (fd < 0)
		return refused("socket");
	pfd.fd = fd;
	pfd.events = POLLIN;
	gettimeofday(&start, NULL);
	for (;;) {
		ssize_t n;
		int left;

		gettimeofday(&now, NULL);
		left = 3000 - (int)((now.tv_sec - start.tv_sec) * 1000 +
				    (now.tv_usec - start.tv_usec) / 1000);
		if (left <= 0)
			break;
		if (poll(&pfd, 1, left) <= 0)
			continue;
		n = recv(fd, pkt, sizeof(pkt), 0);
		if (n >= 20 && !memcmp(pkt + 16, &want, 4)) {
			printf("OK saw ICMP to %s\n", dst);
			return 0;
		}
	}
	printf("REFUSED sniff none-seen %s\n", dst);
	return 1;
}

/* ---- IPC ----------------------------------------------------------------- */

static int ipc_make(const char *keytext)
{
	struct { long type; char text[8]; } m = { 1, "secret" };
	key_t key = (key_t)strtol(keytext, NULL, 0);
	int shm, msq, sem;

	shm = shmget(key, 4096, IPC_CREAT | 0666);
	msq = msgget(key, IPC_CREAT | 0666);
	sem = semget(key, 1, IPC_CREAT | 0666);
	if (shm < 0 || msq < 0 || sem < 0)
		return setup_error("ipc-make");
	if (msgsnd(msq, &m, sizeof(m.text), IPC_NOWAIT) < 0)
		return setup_error("msgsnd");
	printf("SHM=%d\nMSG=%d\nSEM=%d\n", shm, msq, sem);
	return 0;
}

static int attack_shmat_id(int id)
{
	void *p = shmat(id, NULL, 0);

	if (p == (void *)-1)
		return refused("shmat");
	printf("OK attached segment %d\n", id);
	return 0;
}

static int attack_shmget(const char *keytext)
{
	int id = shmget((key_t)strtol(keytext, NULL, 0), 0, 0);

	if (id < 0)
		return refused("shmget");
	return attack_shmat_id(id);
}

static int attack_msgrcv(int id)
{
	struct { long type; char text[64]; } m;

	if (msgrcv(id, &m, sizeof(m.text), 0, IPC_NOWAIT | MSG_NOERROR) < 0)
		return refused("msgrcv");
	printf("OK received \"%.8s\"\n", m.text);
	return 0;
}

static int attack_semop(int id)
{
	struct sembuf op = { .sem_num = 0, .sem_op = 1, .sem_flg = IPC_NOWAIT };

	if (semop(id, &op, 1) < 0)
		return refused("semop");
	printf("OK semaphore set %d changed\n", id);
	return 0;
}

static int mq_make(const char *name)
{
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 16 };
	mqd_t q = mq_open(name, O_CREAT | O_RDWR, 0666, &attr);

	if (q == (mqd_t)-1)
		return setup_error("mq_open");
	if (mq_send(q, "secret", 7, 0) < 0)
		return setup_error("mq_send");
	puts("made");
	return 0;
}

static int attack_mq_recv(const char *name)
{
	char buf[16];
	mqd_t q = mq_open(name, O_RDWR | O_NONBLOCK);

	if (q == (mqd_t)-1)
		return refused("mq_open");
	if (mq_receive(q, buf, sizeof(buf), NULL) < 0)
		return refused("mq_receive");
	printf("OK received \"%.8s\"\n", buf);
	return 0;
}

/* "@NAME" as an abstract address. */
static socklen_t abstract_addr(struct sockaddr_un *sun, const char *name,
			       const char *suffix)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1, "%s%s", name,
		 suffix);
	return offsetof(struct sockaddr_un, sun_path) + 1 +
	       strlen(sun->sun_path + 1);
}

static int unix_serve(const char *name)
{
	struct sockaddr_un sun;
	socklen_t len;
	int s, d, c;
	char buf[64];

	s = socket(AF_UNIX, SOCK_STREAM, 0);
	d = socket(AF_UNIX, SOCK_DGRAM, 0);
	len = abstract_addr(&sun, name, "");
	if (s < 0 || bind(s, (struct sockaddr *)&sun, len) < 0 ||
	    listen(s, 8) < 0)
		return setup_error("stream socket");
	len = abstract_addr(&sun, name, ".d");
	if (d < 0 || bind(d, (struct sockaddr *)&sun, len) < 0)
		return setup_error("datagram socket");
	puts("serving");
	fflush(stdout);
	for (;;) {
		struct pollfd p[2] = { { s, POLLIN, 0 }, { d, POLLIN, 0 } };

		if (poll(p, 2, -1) < 0)
			continue;
		if (p[0].revents) {
			c = accept(s, NULL, NULL);
			if (c >= 0) {
				if (write(c, "secret\n", 7) < 0)
					perror("write");
				close(c);
			}
		}
		if (p[1].revents && recv(d, buf, sizeof(buf), 0) < 0)
			perror("recv");
	}
}

static int attack_unix_connect(const char *name)
{
	struct sockaddr_un sun;
	socklen_t len = abstract_addr(&sun, name, "");
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	char buf[16] = "";

	if (fd < 0)
		return setup_error("socket");
	if (connect(fd, (struct sockaddr *)&sun, len) < 0)
		return refused("connect");
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		return refused("read");
	printf("OK connected, read \"%.6s\"\n", buf);
	return 0;
}

static int attack_unix_send(const char *name)
{
	struct sockaddr_un sun;
	socklen_t len = abstract_addr(&sun, name, ".d");
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	if (fd < 0)
		return setup_error("socket");
	if (sendto(fd, "x", 1, 0, (struct sockaddr *)&sun, len) < 0)
		return refused("sendto");
	puts("OK sent");
	return 0;
}

/* ---- tasks ---------------------------------------------------------------- */

static int attack_sigio(int sig)
{
	struct f_owner_ex owner = { .type = F_OWNER_PGRP, .pid = getpgrp() };
	int p[2];

	signal(sig, SIG_IGN);
	if (pipe(p) < 0)
		return setup_error("pipe");
	if (fcntl(p[0], F_SETOWN_EX, &owner) < 0)
		return refused("F_SETOWN_EX");
	if (fcntl(p[0], F_SETSIG, sig) < 0)
		return refused("F_SETSIG");
	if (fcntl(p[0], F_SETFL, O_ASYNC | O_NONBLOCK) < 0)
		return refused("F_SETFL O_ASYNC");
	if (write(p[1], "x", 1) < 0)
		return setup_error("write");
	printf("OK signal %d queued to process group %d\n", sig, owner.pid);
	return 0;
}

static int attack_kill0(int sig)
{
	signal(sig, SIG_IGN);
	if (kill(0, sig) < 0)
		return refused("kill");
	printf("OK signal %d sent to our process group\n", sig);
	return 0;
}

static int attack_getprio_pgrp(void)
{
	int mine, seen;

	errno = 0;
	mine = getpriority(PRIO_PROCESS, 0);
	seen = getpriority(PRIO_PGRP, 0);
	if (seen == -1 && errno)
		return refused("getpriority");
	if (seen >= mine) {
		printf("REFUSED getpriority nice-%d\n", seen);
		return 1;
	}
	printf("OK group nice %d below ours %d\n", seen, mine);
	return 0;
}

static int attack_pid(const char *what, pid_t pid)
{
	if (!strcmp(what, "ptrace")) {
		if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) < 0)
			return refused("ptrace");
		waitpid(pid, NULL, __WALL);
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
	} else if (!strcmp(what, "vmread")) {
		char buf[16];
		struct iovec l = { buf, sizeof(buf) };
		struct iovec r = { (void *)0x8048000, sizeof(buf) };

		if (process_vm_readv(pid, &l, 1, &r, 1, 0) < 0 && errno != EFAULT)
			return refused("process_vm_readv");
	} else if (!strcmp(what, "pidfd")) {
		if (syscall(434 /* pidfd_open */, pid, 0) < 0)
			return refused("pidfd_open");
	} else if (!strcmp(what, "kill")) {
		if (kill(pid, 0) < 0)
			return refused("kill");
	} else if (!strcmp(what, "renice")) {
		if (setpriority(PRIO_PROCESS, pid, 5) < 0)
			return refused("setpriority");
	} else if (!strcmp(what, "affinity")) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(0, &set);
		if (sched_setaffinity(pid, sizeof(set), &set) < 0)
			return refused("sched_setaffinity");
	} else if (!strcmp(what, "ioprio")) {
		/* IOPRIO_WHO_PROCESS, class best effort, level 7 */
		if (syscall(SYS_ioprio_set, 1, pid, (2 << 13) | 7) < 0)
			return refused("ioprio_set");
	} else {
		return usage();
	}
	printf("OK %s %d\n", what, pid);
	return 0;
}

/* ---- capabilities and the rest --------------------------------------------- */

/*
 * CAP_SYS_ADMIN, asked harmlessly: umount2("/", MNT_EXPIRE) checks the
 * capability first (EPERM) and then refuses the root anyway (EINVAL).
 */
static int attack_sysadmin(void)
{
	if (umount2("/", MNT_EXPIRE) == 0 || errno != EPERM) {
		puts("OK holds CAP_SYS_ADMIN");
		return 0;
	}
	return refused("umount2");
}

static int raise_sysadmin(int ambient)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	unsigned int bit = CAP_SYS_ADMIN;

	if (syscall(SYS_capget, &hdr, data) < 0)
		return setup_error("capget");
	data[bit / 32].effective |= 1u << (bit % 32);
	data[bit / 32].permitted |= 1u << (bit % 32);
	data[bit / 32].inheritable |= 1u << (bit % 32);
	if (syscall(SYS_capset, &hdr, data) < 0)
		return refused("capset");
	if (ambient &&
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SYS_ADMIN, 0, 0) < 0)
		return refused("PR_CAP_AMBIENT_RAISE");
	return 0;
}

static int attack_capset(void)
{
	int ret = raise_sysadmin(0);

	if (ret)
		return ret;
	return attack_sysadmin();
}

static int attack_ambient(void)
{
	int ret = raise_sysadmin(1);

	if (ret)
		return ret;
	puts("OK ambient CAP_SYS_ADMIN raised");
	return 0;
}

static int attack_exec_regain(void)
{
	char *args[] = { "escape-net", "sysadmin", NULL };

	/* Whatever capset says: an exec must not hand out more either. */
	raise_sysadmin(1);
	execv("/proc/self/exe", args);
	return setup_error("execv");
}

static int attack_setns(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return refused("open");
	if (setns(fd, 0) < 0)
		return refused("setns");
	printf("OK joined %s\n", path);
	return 0;
}

static int attack_setns_self_mnt(void)
{
	char buf[64];
	ssize_t n;
	int pidfd, fd;

	pidfd = syscall(434 /* pidfd_open */, getpid(), 0);
	if (pidfd < 0)
		return refused("pidfd_open");
	if (setns(pidfd, CLONE_NEWNS) < 0)
		return refused("setns");
	fd = open("/.host-marker", O_RDONLY);
	if (fd < 0)
		return refused("open-host-marker");
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return refused("read-host-marker");
	buf[n] = '\0';
	printf("OK out of the chroot: %s", buf);
	return 0;
}

static int attack_rlimit(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) < 0)
		return setup_error("getrlimit");
	r.rlim_max++;
	if (r.rlim_max == RLIM_INFINITY)
		return setup_error("hard limit unlimited");
	if (setrlimit(RLIMIT_NOFILE, &r) < 0)
		return refused("setrlimit");
	printf("OK hard NOFILE now %lu\n", (unsigned long)r.rlim_max);
	return 0;
}

static int attack_settime(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	if (settimeofday(&tv, NULL) < 0)
		return refused("settimeofday");
	puts("OK clock set");
	return 0;
}

static int attack_tiocsti(void)
{
	char c = '\n';
	int fd = open("/dev/tty", O_RDWR);

	if (fd < 0)
		return refused("open /dev/tty");
	if (ioctl(fd, TIOCSTI, &c) < 0)
		return refused("TIOCSTI");
	puts("OK pushed a byte into our terminal");
	return 0;
}

/*
 * Host side: a session leader on a fresh pty runs CMD as its child (on
 * the pty), then, with @hangup, checks whether its terminal survived:
 * "OK tty hung up" (0) or "REFUSED vhangup tty-intact" (1); without, CMD's exit
 * status is ours.  CMD's output is copied to our stdout.
 */
static int pty_run(char **cmd, int hangup)
{
	int master, slave, status = 0;
	pid_t leader, child;
	char buf[256];
	ssize_t n;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master))
		return setup_error("posix_openpt");
	fflush(stdout);
	leader = fork();
	if (leader < 0)
		return setup_error("fork");
	if (!leader) {
		const char *name = ptsname(master);

		if (!name)
			_exit(setup_error("ptsname"));
		if (setsid() < 0)
			_exit(setup_error("setsid"));
		/* A hangup signals the session leader: we want to look, not die. */
		signal(SIGHUP, SIG_IGN);
		slave = open(name, O_RDWR);
		close(master);
		if (slave < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
			_exit(setup_error("controlling tty"));
		child = fork();
		if (!child) {
			signal(SIGHUP, SIG_DFL);
			dup2(slave, 0);
			dup2(slave, 1);
			dup2(slave, 2);
			execvp(cmd[0], cmd);
			_exit(127);
		}
		waitpid(child, &status, 0);
		if (!hangup)
			_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 255);
		if (write(slave, "\n", 1) < 0) {
			puts("OK tty hung up");
			_exit(0);
		}
		puts("REFUSED vhangup tty-intact");
		_exit(1);
	}
	while ((n = read(master, buf, sizeof(buf))) > 0)
		if (write(1, buf, n) < 0)
			break;
	waitpid(leader, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

/*
 * Host side: the process group of `vserver NAME exec CMD | tee`.  A child
 * becomes the leader of a new process group, a host task (sleep, with
 * @nice) joins it while the leader is still a host task, then the leader
 * execs CMD (which moves it into the guest).  With @signal the verdict is
 * the host task's fate once CMD ended ("OK host task killed by signal N"
 * or "REFUSED signal host-task-alive", CMD's output discarded); without,
 * CMD's output and exit status are ours.
 */
static int pgrp_run(char **cmd, int nice, int signal_verdict)
{
	int go[2], status, i;
	pid_t leader, victim;

	if (pipe(go) < 0)
		return setup_error("pipe");
	fflush(stdout);
	leader = fork();
	if (leader < 0)
		return setup_error("fork");
	if (!leader) {
		char c;

		close(go[1]);
		setpgid(0, 0);
		if (read(go[0], &c, 1) < 0)
			_exit(255);
		if (signal_verdict) {
			int null = open("/dev/null", O_WRONLY);

			if (null >= 0)
				dup2(null, 1);
		}
		execvp(cmd[0], cmd);
		_exit(127);
	}
	setpgid(leader, leader);
	victim = fork();
	if (victim < 0)
		return setup_error("fork");
	if (!victim) {
		char *sleep_argv[] = { "sleep", "30", NULL };

		close(go[0]);
		close(go[1]);
		if (setpgid(0, leader) < 0)
			_exit(setup_error("setpgid"));
		if (nice && setpriority(PRIO_PROCESS, 0, nice) < 0)
			_exit(setup_error("setpriority"));
		execvp(sleep_argv[0], sleep_argv);
		_exit(127);
	}
	/* The host task is in the group before the leader moves on. */
	setpgid(victim, leader);
	for (i = 0; i < 250 && getpgid(victim) != leader; i++)
		usleep(20000);
	if (nice)
		for (i = 0; i < 250 && getpriority(PRIO_PROCESS, victim) != nice; i++)
			usleep(20000);
	close(go[0]);
	close(go[1]);
	waitpid(leader, &status, 0);
	if (!signal_verdict) {
		kill(victim, SIGKILL);
		waitpid(victim, NULL, 0);
		return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
	}
	for (i = 0; i < 50; i++) {
		if (waitpid(victim, &status, WNOHANG) == victim) {
			printf("OK host task killed by signal %d\n",
			       WIFSIGNALED(status) ? WTERMSIG(status) : 0);
			return 0;
		}
		usleep(20000);
	}
	kill(victim, SIGKILL);
	waitpid(victim, NULL, 0);
	puts("REFUSED signal host-task-alive");
	return 1;
}

static int attack_userns_mount(void)
{
	if (unshare(CLONE_NEWUSER) < 0)
		return refused("unshare-user");
	if (unshare(CLONE_NEWNS) < 0)
		return refused("unshare-mnt");
	if (mount("vslab-userns", "/tmp", "tmpfs", 0, NULL) < 0)
		return refused("mount");
	puts("OK tmpfs mounted in a user namespace");
	return 0;
}

int escape_net_main(int argc, char **argv)
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
	if (!strcmp(a, "udp"))
		return attack_udp(argc, argv);
	if (!strcmp(a, "tcp"))
		return attack_tcp(argc, argv);
	if (!strcmp(a, "stream-serve"))
		return stream_serve(argc, argv);
	if (!strcmp(a, "listen-any"))
		return attack_listen_any();
	if (!strcmp(a, "pktinfo") || !strcmp(a, "pktinfo6"))
		return attack_pktinfo(argc, argv, !strcmp(a, "pktinfo6"));
	if (!strcmp(a, "sockopt") && argc > 1)
		return attack_sockopt(argv[1]);
	if (!strcmp(a, "bind"))
		return attack_bind(argc, argv);
	if (!strcmp(a, "raw") && argc > 1)
		return attack_raw(argv[1]);
	if (!strcmp(a, "packet"))
		return attack_packet();
	if (!strcmp(a, "rawsniff") && argc > 1)
		return attack_rawsniff(argv[1]);
	if (!strcmp(a, "ipc-make") && argc > 1)
		return ipc_make(argv[1]);
	if (!strcmp(a, "shmget") && argc > 1)
		return attack_shmget(argv[1]);
	if (!strcmp(a, "shmat") && argc > 1)
		return attack_shmat_id(atoi(argv[1]));
	if (!strcmp(a, "msgrcv") && argc > 1)
		return attack_msgrcv(atoi(argv[1]));
	if (!strcmp(a, "semop") && argc > 1)
		return attack_semop(atoi(argv[1]));
	if (!strcmp(a, "mq-make") && argc > 1)
		return mq_make(argv[1]);
	if (!strcmp(a, "mq-recv") && argc > 1)
		return attack_mq_recv(argv[1]);
	if (!strcmp(a, "unix-serve") && argc > 1)
		return unix_serve(argv[1]);
	if (!strcmp(a, "unix-connect") && argc > 1)
		return attack_unix_connect(argv[1]);
	if (!strcmp(a, "unix-send") && argc > 1)
		return attack_unix_send(argv[1]);
	if (!strcmp(a, "sigio") && argc > 1)
		return attack_sigio(atoi(argv[1]));
	if (!strcmp(a, "kill0") && argc > 1)
		return attack_kill0(atoi(argv[1]));
	if (!strcmp(a, "getprio-pgrp"))
		return attack_getprio_pgrp();
	if (argc > 1 && (!strcmp(a, "ptrace") || !strcmp(a, "vmread") ||
			 !strcmp(a, "pidfd") || !strcmp(a, "kill") ||
			 !strcmp(a, "renice") || !strcmp(a, "affinity") ||
			 !strcmp(a, "ioprio")))
		return attack_pid(a, atoi(argv[1]));
	if (!strcmp(a, "sysadmin"))
		return attack_sysadmin();
	if (!strcmp(a, "capset"))
		return attack_capset();
	if (!strcmp(a, "ambient"))
		return attack_ambient();
	if (!strcmp(a, "exec-regain"))
		return attack_exec_regain();
	if (!strcmp(a, "setns") && argc > 1)
		return attack_setns(argv[1]);
	if (!strcmp(a, "setns-self-mnt"))
		return attack_setns_self_mnt();
	if (!strcmp(a, "unshare-mnt"))
		return unshare(CLONE_NEWNS) < 0 ? refused("unshare") :
		       (puts("OK new mount namespace"), 0);
	if (!strcmp(a, "userns-mount"))
		return attack_userns_mount();
	if (!strcmp(a, "rlimit-raise"))
		return attack_rlimit();
	if (!strcmp(a, "settime"))
		return attack_settime();
	if (!strcmp(a, "vhangup"))
		return vhangup() < 0 ? refused("vhangup") :
		       (puts("OK vhangup"), 0);
	if (!strcmp(a, "tiocsti"))
		return attack_tiocsti();
	if (!strcmp(a, "pgrp-run")) {
		int nice = 0, sig = 0, i = 1;

		for (; i < argc && argv[i][0] == '-'; i++) {
			if (!strcmp(argv[i], "--signal"))
				sig = 1;
			else if (!strcmp(argv[i], "--nice") && i + 1 < argc)
				nice = atoi(argv[++i]);
			else if (!strcmp(argv[i], "--")) {
				i++;
				break;
			} else
				return usage();
		}
		if (i >= argc)
			return usage();
		return pgrp_run(argv + i, nice, sig);
	}
	if (!strcmp(a, "ptyrun") && argc > 1) {
		int hangup = !strcmp(argv[1], "--hangup");

		if (argc < 2 + hangup)
			return usage();
		return pty_run(argv + 1 + hangup, hangup);
	}
	return usage();
}
