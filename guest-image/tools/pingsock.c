// SPDX-License-Identifier: GPL-2.0
/*
 * pingsock: one echo request through an ICMP datagram ("ping") socket,
 * the kind busybox's ping never opens.
 *
 *   pingsock [--connect] ADDR
 *
 * Opens socket(AF_INET[6], SOCK_DGRAM, IPPROTO_ICMP[V6]) (the host must
 * allow the caller's group in net.ipv4.ping_group_range), sends one echo
 * request to ADDR with sendto(), or with connect() and send() under
 * --connect, then prints "local A" (the socket's own address after the
 * send, from getsockname()) and waits up to 2 s for the reply: "reply"
 * and exit 0 when it came, "no reply" and exit 1 when not.  A refused
 * call prints "pingsock: CALL: <errno text>" and exits 1; 255 on usage
 * or set-up errors.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "applets.h"
#include "lib.h"

static const char usage_line[] = "usage: pingsock [--connect] ADDR\n";

/* "pingsock: CALL: <errno text>" on stdout, exit status 1. */
static int refused(const char *call)
{
	printf("pingsock: %s: %s\n", call, strerror(errno));
	return 1;
}

int pingsock_main(int argc, char **argv)
{
	struct sockaddr_storage dst = { 0 }, me;
	struct sockaddr_in *sin = (struct sockaddr_in *)&dst;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&dst;
	/* An echo request: type, code, checksum (the kernel's), id, seq. */
	unsigned char req[8] = { 8, 0, 0, 0, 0, 0, 0, 1 }, buf[256];
	struct timeval tv = { 2, 0 };
	char shown[INET6_ADDRSTRLEN];
	socklen_t dstlen, len = sizeof(me);
	int conn = 0, s;

	if (argc == 3 && !strcmp(argv[1], "--connect"))
		conn = 1;
	else if (argc != 2 || !strcmp(argv[1], "--help"))
		return vs_usage(usage_line);
	if (inet_pton(AF_INET, argv[argc - 1], &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		dstlen = sizeof(*sin);
		s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
	} else if (inet_pton(AF_INET6, argv[argc - 1], &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		dstlen = sizeof(*sin6);
		req[0] = 128;
		s = socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6);
	} else {
		fprintf(stderr, "pingsock: '%s': not an address\n", argv[argc - 1]);
		return 255;
	}
	if (s < 0)
		return refused("socket");
	if (conn && connect(s, (struct sockaddr *)&dst, dstlen) < 0)
		return refused("connect");
	if (conn ? send(s, req, sizeof(req), 0) < 0 :
		   sendto(s, req, sizeof(req), 0, (struct sockaddr *)&dst, dstlen) < 0)
		return refused(conn ? "send" : "sendto");
	if (getsockname(s, (struct sockaddr *)&me, &len) < 0)
		return vs_fail("pingsock", "getsockname");
	inet_ntop(me.ss_family, me.ss_family == AF_INET ?
		  (void *)&((struct sockaddr_in *)&me)->sin_addr :
		  (void *)&((struct sockaddr_in6 *)&me)->sin6_addr,
		  shown, sizeof(shown));
	printf("local %s\n", shown);
	if (setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return vs_fail("pingsock", "SO_RCVTIMEO");
	if (recv(s, buf, sizeof(buf), 0) < 0) {
		puts("no reply");
		return 1;
	}
	puts("reply");
	return 0;
}
