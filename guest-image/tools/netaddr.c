// SPDX-License-Identifier: GPL-2.0
/*
 * Addresses of network contexts: parsing "IP[/MASK]" the way naddress and
 * chbind take it, and printing it back.  See lib.h.
 *
 * IP may be written three ways, tried in this order:
 *   - a numeric IPv4 or IPv6 address;
 *   - the name of a network interface, checked against /proc/net/dev: its
 *     IPv4 address, as the kernel reports it (SIOCGIFADDR);
 *   - a host name, looked up in /etc/hosts.  The guest has no DNS and a
 *     static C library cannot load NSS modules, so the file is read here:
 *     the first line naming the host wins.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "lib.h"

uint32_t vc_prefix_mask4(unsigned int prefix)
{
	if (prefix == 0)
		return 0;
	if (prefix >= 32)
		return 0xFFFFFFFFU;
	return htonl(0xFFFFFFFFU << (32 - prefix));
}

uint32_t vc_addr_ip4(const struct vc_addr *a)
{
	uint32_t ip;

	memcpy(&ip, a->ip, sizeof(ip));
	return ip;
}

const char *vc_addr_str(const struct vc_addr *a, char *buf, size_t size)
{
	if (!inet_ntop(a->family, a->ip, buf, (socklen_t)size))
		snprintf(buf, size, "?");
	return buf;
}

/* A dotted IPv4 mask with contiguous ones; its prefix length, or -1. */
static int dotted_prefix(const char *text)
{
	struct in_addr m;
	uint32_t v;
	int n = 0;

	if (inet_pton(AF_INET, text, &m) != 1)
		return -1;
	v = ntohl(m.s_addr);
	while (v & 0x80000000U) {
		v <<= 1;
		n++;
	}
	return v ? -1 : n;
}

int vc_parse_mask(const char *text, unsigned int *prefix, int *dotted)
{
	long long v;
	int n;

	if (!vc_parse_num(text, 0, 128, &v) && text[0] != '-' &&
	    strncmp(text, "0x", 2)) {
		*prefix = (unsigned int)v;
		*dotted = 0;
		return 0;
	}
	n = dotted_prefix(text);
	if (n < 0)
		return -1;
	*prefix = (unsigned int)n;
	*dotted = 1;
	return 0;
}

/* Is name an interface listed in /proc/net/dev? */
static int is_interface(const char *name)
{
	char line[256];
	FILE *f;
	int found = 0;

	f = fopen("/proc/net/dev", "r");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char *p = line, *colon = strchr(line, ':');

		if (!colon)
			continue;	/* the two header lines */
		*colon = '\0';
		while (*p == ' ')
			p++;
		found = !strcmp(p, name);
	}
	fclose(f);
	return found;
}

/* The IPv4 address of interface name; 0 or -1 with *why. */
static int interface_addr(const char *name, struct vc_addr *a, const char **why)
{
	struct ifreq ifr;
	int fd, ret;

	if (strlen(name) >= sizeof(ifr.ifr_name)) {
		*why = "interface name too long";
		return -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*why = strerror(errno);
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, name);
	ret = ioctl(fd, SIOCGIFADDR, &ifr);
	close(fd);
	if (ret < 0) {
		*why = errno == EADDRNOTAVAIL ? "interface has no IPv4 address"
					      : strerror(errno);
		return -1;
	}
	a->family = AF_INET;
	memcpy(a->ip, &((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr, 4);
	return 0;
}

/* Numeric IPv4 or IPv6; 0, or -1 if text is neither. */
static int numeric_addr(const char *text, struct vc_addr *a)
{
	memset(a->ip, 0, sizeof(a->ip));
	if (inet_pton(AF_INET, text, a->ip) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, a->ip) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -1;
}

/* Look name up in /etc/hosts; 0, or -1. */
static int hosts_addr(const char *name, struct vc_addr *a)
{
	char line[512];
	FILE *f;
	int found = 0;

	f = fopen("/etc/hosts", "r");
	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f)) {
		char *save, *addr, *host;

		line[strcspn(line, "#\n")] = '\0';
		addr = strtok_r(line, " \t", &save);
		if (!addr)
			continue;
		while (!found && (host = strtok_r(NULL, " \t", &save)))
			found = !strcasecmp(host, name) && !numeric_addr(addr, a);
	}
	fclose(f);
	return found ? 0 : -1;
}

int vc_parse_addr(const char *text, int opts, struct vc_addr *a,
		  const char **why)
{
	char host[256];
	const char *slash = strchr(text, '/');
	size_t len = slash ? (size_t)(slash - text) : strlen(text);
	int dotted;

	memset(a, 0, sizeof(*a));
	*why = "not an address, interface or host name";
	if (len == 0 || len >= sizeof(host))
		return -1;
	memcpy(host, text, len);
	host[len] = '\0';

	if (numeric_addr(host, a)) {
		if (is_interface(host)) {
			if (interface_addr(host, a, why))
				return -1;
		} else if (hosts_addr(host, a)) {
			return -1;
		}
	}
	if ((opts & VC_ADDR_IPV4_ONLY) && a->family != AF_INET) {
		*why = "not an IPv4 address";
		return -1;
	}
	if (slash) {
		if (vc_parse_mask(slash + 1, &a->prefix, &dotted) ||
		    a->prefix > (a->family == AF_INET ? 32U : 128U) ||
		    (dotted && a->family != AF_INET)) {
			*why = "bad mask";
			return -1;
		}
		a->has_prefix = 1;
	}
	return 0;
}
