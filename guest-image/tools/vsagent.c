// SPDX-License-Identifier: GPL-2.0
/*
 * vsagent: the guest end of vslab's console protocol (the host end is
 * harness/console/protocol.ts and shell.ts).
 *
 * init starts it on the serial console.  It puts the console in protocol
 * mode (no echo, no output processing, whole lines, Ctrl-C still a
 * signal), prints the ready marker and then serves one request per line:
 *
 *   vsx NONCE TEXT         run TEXT with sh; TEXT is one word: every byte
 *                          but printable ASCII, and space, backslash, colon
 *                          and '@', is written as \0ooo (octal)
 *   vsx NONCE @PATH        run the commands in PATH (uploaded first), then
 *                          remove it
 *   vsx -r NONCE           print the last answer again, under NONCE
 *   vsx -q                 leave: restore the console and exit (init then
 *                          starts an interactive shell there)
 *   vsxr NONCE PATH SIZE   receive a file: base64 lines, acknowledged every
 *                          32 lines, ended by a line "."
 *
 * An answer is "VSLAB{NONCE:out:LEN}" and stdout in base64 (76 characters
 * a line, only if there is any), the same for stderr, then
 * "VSLAB{NONCE:end:STATUS:OUTLEN:ERRLEN}".
 *
 * Commands never run in this process: a resident "runner", a plain
 * non-interactive busybox sh reading a script from a pipe, gets one line
 * per command and runs it in a subshell, stdin from /dev/null, stdout and
 * stderr on pipes this process drains, then writes the subshell's status
 * on a fourth pipe.  A command's exit, cd or exec thus ends with its
 * subshell, and each command costs one fork of that small shell and no
 * exec.  Under emulation (v86) that is what a round trip pays for: of the
 * ~275k guest instructions of running "true", the fork, the subshell and
 * its exit take ~180k, the runner's line ~60k, reading the request and
 * writing the answer here ~17k; an exec of even a tiny static program
 * costs ~220k more.  The shell functions this replaces (in the interactive
 * console shell, with framing done by sh, wc and base64) took 484k for
 * "true" and 1.7M for "echo hi".
 *
 * Ctrl-C from the host (after a command timed out) is a signal, as on any
 * terminal: the runner and the command die of it, this process only
 * notices, answers the interrupted request with status 130 and starts a
 * new runner.  The console is not read while a command runs, so a command
 * may use it (a raw read from /dev/ttyS0); protocol mode is set again
 * after each command in case the command changed it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "applets.h"

#define MARK		"VSLAB"
#define LINE_MAX_LEN	8192
#define B64_LINE	76
#define ACK_EVERY	32
/* A command's output beyond this is dropped (and said so on its stderr). */
#define OUTPUT_MAX	(64 << 20)

struct buf {
	char *data;
	size_t len, cap;
};

/* The resident shell and our ends of its pipes. */
struct runner {
	pid_t pid;
	int script;		/* its stdin: one line per command */
	int out, err;		/* its stdout and stderr */
	int status;		/* its fd 3: "STATUS\n" after each command */
};

struct answer {
	int status;
	struct buf out, err;
};

static struct termios saved_tio, proto_tio;
static int have_tty;
static struct runner rn = { .pid = -1, .script = -1, .out = -1, .err = -1, .status = -1 };
static struct answer last;
/* Console input not yet consumed: lines are taken from here. */
static char inbuf[LINE_MAX_LEN];
static size_t inlen;

static volatile sig_atomic_t interrupted;

/* SIGINT (the host's Ctrl-C) is noted; SIGPIPE shows as EPIPE where it happens. */
static void on_signal(int sig)
{
	if (sig == SIGINT)
		interrupted = 1;
}

static int buf_add(struct buf *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap < b->len + len)
			cap *= 2;
		p = realloc(b->data, cap);
		if (!p)
			return -1;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

static int buf_str(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		write_all(1, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

/* --- base64 --- */

static const char b64_chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Appends data as base64 lines of B64_LINE characters, each ended by '\n'. */
static int b64_encode(struct buf *o, const unsigned char *s, size_t len)
{
	char line[B64_LINE + 1];
	size_t i = 0, n = 0;

	while (i < len) {
		unsigned int v = s[i] << 16;
		size_t left = len - i;

		if (left > 1)
			v |= s[i + 1] << 8;
		if (left > 2)
			v |= s[i + 2];
		line[n++] = b64_chars[v >> 18 & 63];
		line[n++] = b64_chars[v >> 12 & 63];
		line[n++] = left > 1 ? b64_chars[v >> 6 & 63] : '=';
		line[n++] = left > 2 ? b64_chars[v & 63] : '=';
		i += left > 2 ? 3 : left;
		if (n == B64_LINE || i == len) {
			line[n++] = '\n';
			if (buf_add(o, line, n))
				return -1;
			n = 0;
		}
	}
	return 0;
}

static int b64_value(char c)
{
	const char *p = c ? strchr(b64_chars, c) : NULL;

	return p ? (int)(p - b64_chars) : -1;
}

/* Decodes one base64 line in place; returns its byte count or -1. */
static ssize_t b64_decode(char *s, size_t len)
{
	size_t i, n = 0;

	if (len % 4)
		return -1;
	for (i = 0; i < len; i += 4) {
		int a = b64_value(s[i]), b = b64_value(s[i + 1]);
		int c = s[i + 2] == '=' ? 0 : b64_value(s[i + 2]);
		int d = s[i + 3] == '=' ? 0 : b64_value(s[i + 3]);
		int pad = (s[i + 2] == '=') + (s[i + 3] == '=');

		if (a < 0 || b < 0 || c < 0 || d < 0 || (pad && i + 4 != len) ||
		    (s[i + 2] == '=' && s[i + 3] != '='))
			return -1;
		s[n++] = a << 2 | b >> 4;
		if (pad < 2)
			s[n++] = (b << 4 | c >> 2) & 0xff;
		if (pad < 1)
			s[n++] = (c << 6 | d) & 0xff;
	}
	return n;
}

/* --- the console --- */

/*
 * Protocol mode: no echo and no output processing (answers go out as
 * they are), whole lines from the kernel, Ctrl-C a signal that does not
 * flush what the host typed after it.
 */
static void console_setup(void)
{
	if (tcgetattr(0, &saved_tio))
		return;
	have_tty = 1;
	proto_tio = saved_tio;
	proto_tio.c_lflag &= ~(ECHO | ECHOE | ECHOK | ECHONL | IEXTEN);
	proto_tio.c_lflag |= ICANON | ISIG | NOFLSH;
	proto_tio.c_iflag &= ~(IXON | IXOFF | INLCR | IGNCR);
	proto_tio.c_oflag &= ~OPOST;
	proto_tio.c_cc[VINTR] = 3;
	tcsetattr(0, TCSANOW, &proto_tio);
}

/* A command may have changed the console (stty); set protocol mode again. */
static void console_check(void)
{
	struct termios now;

	if (have_tty && !tcgetattr(0, &now) && memcmp(&now, &proto_tio, sizeof(now)))
		tcsetattr(0, TCSANOW, &proto_tio);
}

/*
 * The next console line, without its '\n' (a '\r' before it is dropped
 * too); NULL at end of input, or at a Ctrl-C if stop_at_intr.  Longer
 * lines are cut at LINE_MAX_LEN - 1.  The line stays valid until the next
 * call.
 */
static char *console_line(int stop_at_intr)
{
	static char line[LINE_MAX_LEN];
	char *nl;
	size_t len;

	while (!(nl = memchr(inbuf, '\n', inlen))) {
		ssize_t n;

		if (inlen == sizeof(inbuf)) {
			nl = inbuf + inlen - 1;
			break;
		}
		n = read(0, inbuf + inlen, sizeof(inbuf) - inlen);
		if (n < 0 && errno == EINTR && !(stop_at_intr && interrupted))
			continue;
		if (n <= 0)
			return NULL;
		inlen += n;
	}
	len = nl - inbuf;
	memcpy(line, inbuf, len);
	line[len] = '\0';
	if (len && line[len - 1] == '\r')
		line[len - 1] = '\0';
	inlen -= len + 1;
	memmove(inbuf, nl + 1, inlen);
	return line;
}

/* --- the runner --- */

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void runner_close(void)
{
	close_fd(&rn.script);
	close_fd(&rn.out);
	close_fd(&rn.err);
	close_fd(&rn.status);
}

/* Ends the runner (if any) and reaps it; returns its wait status. */
static int runner_stop(void)
{
	int st = 0;

	runner_close();
	if (rn.pid > 0) {
		kill(rn.pid, SIGKILL);
		while (waitpid(rn.pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	rn.pid = -1;
	return st;
}

static int runner_start(void)
{
	int script[2], out[2], err[2], status[2];

	if (pipe2(script, O_CLOEXEC))
		return -1;
	if (pipe2(out, O_CLOEXEC))
		goto close_script;
	if (pipe2(err, O_CLOEXEC))
		goto close_out;
	if (pipe2(status, O_CLOEXEC))
		goto close_err;
	rn.pid = fork();
	if (rn.pid < 0)
		goto close_status;
	if (rn.pid == 0) {
		/* dup2 clears close-on-exec on the copies only. */
		if (dup2(script[0], 0) < 0 || dup2(out[1], 1) < 0 ||
		    dup2(err[1], 2) < 0 || dup2(status[1], 3) < 0)
			_exit(127);
		execl("/bin/sh", "sh", "-s", (char *)NULL);
		_exit(127);
	}
	close(script[0]);
	close(out[1]);
	close(err[1]);
	close(status[1]);
	rn.script = script[1];
	rn.out = out[0];
	rn.err = err[0];
	rn.status = status[0];
	fcntl(rn.out, F_SETFL, O_NONBLOCK);
	fcntl(rn.err, F_SETFL, O_NONBLOCK);
	return 0;

close_status:
	close(status[0]);
	close(status[1]);
close_err:
	close(err[0]);
	close(err[1]);
close_out:
	close(out[0]);
	close(out[1]);
close_script:
	close(script[0]);
	close(script[1]);
	return -1;
}

/* Moves what is readable now from fd into b; 0 at EOF, 1 otherwise. */
static int drain(int fd, struct buf *b, size_t *dropped)
{
	char chunk[16384];

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n == 0)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return 1;
		if (b->len + n > OUTPUT_MAX || buf_add(b, chunk, n))
			*dropped += n;
	}
}

/*
 * The runner's script line for one command: the text single-quoted for
 * eval, in a subshell without our status pipe.
 */
static int script_line(struct buf *s, const char *text, size_t len)
{
	static const char head[] = "(eval '", tail[] = "') </dev/null 3>&-; echo $? >&3\n";
	size_t i, start = 0;

	s->len = 0;
	if (buf_add(s, head, sizeof(head) - 1))
		return -1;
	for (i = 0; i <= len; i++) {
		if (i < len && text[i] != '\'')
			continue;
		if (buf_add(s, text + start, i - start))
			return -1;
		if (i < len && buf_add(s, "'\\''", 4))
			return -1;
		start = i + 1;
	}
	return buf_add(s, tail, sizeof(tail) - 1);
}

/*
 * Runs one command through the runner; fills a with its status and
 * output.  A runner that dies (Ctrl-C) is replaced.
 */
static void run(const char *text, size_t len, struct answer *a)
{
	static struct buf script;
	struct pollfd pf[3];
	char st[16];
	size_t stlen = 0, dropped = 0;
	int done = 0;

	a->out.len = 0;
	a->err.len = 0;
	a->status = 127;
	/* A Ctrl-C while no command ran has ended the runner. */
	if (rn.pid > 0 && waitpid(rn.pid, NULL, WNOHANG) == rn.pid) {
		rn.pid = -1;
		runner_close();
	}
	if (rn.pid < 0 && runner_start()) {
		buf_str(&a->err, "vsagent: cannot start sh\n");
		return;
	}
	/* Late output of an earlier command's background jobs is not ours. */
	drain(rn.out, &a->out, &dropped);
	drain(rn.err, &a->err, &dropped);
	a->out.len = 0;
	a->err.len = 0;
	dropped = 0;
	interrupted = 0;
	if (script_line(&script, text, len) || write_all(rn.script, script.data, script.len))
		goto runner_died;

	pf[0] = (struct pollfd){ .fd = rn.status, .events = POLLIN };
	pf[1] = (struct pollfd){ .fd = rn.out, .events = POLLIN };
	pf[2] = (struct pollfd){ .fd = rn.err, .events = POLLIN };
	while (!done) {
		if (poll(pf, 3, -1) < 0) {
			if (errno != EINTR)
				goto runner_died;
			/* Ctrl-C: make sure the runner ends even if it survived SIGINT. */
			if (interrupted)
				kill(rn.pid, SIGKILL);
			continue;
		}
		if (pf[1].revents)
			drain(rn.out, &a->out, &dropped);
		if (pf[2].revents)
			drain(rn.err, &a->err, &dropped);
		if (pf[0].revents) {
			ssize_t n = read(rn.status, st + stlen, sizeof(st) - 1 - stlen);

			if (n <= 0)
				goto runner_died;
			stlen += n;
			done = memchr(st, '\n', stlen) != NULL || stlen == sizeof(st) - 1;
		}
	}
	/* The subshell has ended: what it wrote is in the pipes now. */
	drain(rn.out, &a->out, &dropped);
	drain(rn.err, &a->err, &dropped);
	st[stlen] = '\0';
	a->status = atoi(st) & 0xff;
	goto out;

runner_died:
	drain(rn.out, &a->out, &dropped);
	drain(rn.err, &a->err, &dropped);
	a->status = 128 + SIGINT;
	runner_stop();
out:
	if (dropped) {
		char note[80];
		int n = snprintf(note, sizeof(note), "vsagent: %zu bytes of output dropped\n", dropped);

		buf_add(&a->err, note, n);
	}
	console_check();
}

/* --- requests --- */

static void send_answer(const char *nonce, const struct answer *a)
{
	static struct buf o;
	char head[96];
	int n;

	o.len = 0;
	if (a->out.len) {
		n = snprintf(head, sizeof(head), "\n" MARK "{%s:out:%zu}\n", nonce, a->out.len);
		buf_add(&o, head, n);
		b64_encode(&o, (const unsigned char *)a->out.data, a->out.len);
	}
	if (a->err.len) {
		n = snprintf(head, sizeof(head), "\n" MARK "{%s:err:%zu}\n", nonce, a->err.len);
		buf_add(&o, head, n);
		b64_encode(&o, (const unsigned char *)a->err.data, a->err.len);
	}
	n = snprintf(head, sizeof(head), "\n" MARK "{%s:end:%d:%zu:%zu}\n",
		     nonce, a->status, a->out.len, a->err.len);
	buf_add(&o, head, n);
	write_all(1, o.data, o.len);
}

/* Undoes the host's escaping in place: \0ooo is one byte. */
static size_t unescape(char *s)
{
	size_t i, n = 0;

	for (i = 0; s[i]; i++) {
		if (s[i] == '\\' && s[i + 1] == '0' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' &&
		    s[i + 3] >= '0' && s[i + 3] <= '7' &&
		    s[i + 4] >= '0' && s[i + 4] <= '7') {
			s[n++] = (s[i + 2] - '0') << 6 | (s[i + 3] - '0') << 3 | (s[i + 4] - '0');
			i += 4;
		} else {
			s[n++] = s[i];
		}
	}
	return n;
}

/* The contents of an uploaded command file, which is removed; NULL on error. */
static char *take_file(const char *path, size_t *len)
{
	struct stat sb;
	char *data;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	data = fstat(fd, &sb) ? NULL : malloc(sb.st_size + 1);
	n = data ? read(fd, data, sb.st_size) : -1;
	close(fd);
	unlink(path);
	if (n != sb.st_size) {
		free(data);
		return NULL;
	}
	*len = n;
	return data;
}

static void request_run(const char *nonce, char *arg)
{
	char *file = NULL;
	size_t len;

	if (arg[0] == '@') {
		file = take_file(arg + 1, &len);
		if (!file) {
			last.out.len = 0;
			last.err.len = 0;
			buf_str(&last.err, "vsagent: cannot read the uploaded command\n");
			last.status = 127;
			send_answer(nonce, &last);
			return;
		}
		run(file, len, &last);
		free(file);
	} else {
		len = unescape(arg);
		run(arg, len, &last);
	}
	send_answer(nonce, &last);
}

/*
 * vsxr NONCE PATH SIZE: the lines that follow are the file in base64, up
 * to a line "."; a Ctrl-C (the host gave up) abandons the file.
 */
static void request_receive(const char *nonce_arg, const char *path_arg, const char *size)
{
	char nonce[64], path[4096], tmp[4096 + 8];
	unsigned long long total = 0, want = strtoull(size, NULL, 10);
	unsigned long lines = 0;
	int fd, bad = 0;
	ssize_t n;
	char *l;

	/* The request line is gone with the next console_line(). */
	snprintf(nonce, sizeof(nonce), "%s", nonce_arg);
	snprintf(path, sizeof(path), "%s", path_arg);
	snprintf(tmp, sizeof(tmp), "%s.vsxr", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	bad = fd < 0;
	interrupted = 0;
	say("\n" MARK "{%s:ready:0}\n", nonce);
	for (;;) {
		l = console_line(1);
		if (!l) {
			bad = 1;
			break;
		}
		if (!strcmp(l, "."))
			break;
		n = b64_decode(l, strlen(l));
		if (n < 0 || (!bad && write_all(fd, l, n)))
			bad = 1;
		else
			total += n;
		if (++lines % ACK_EVERY == 0)
			say(MARK "{%s:ack:%lu}\n", nonce, lines);
	}
	if (fd >= 0 && close(fd))
		bad = 1;
	bad |= total != want;
	if (!bad && rename(tmp, path))
		bad = 1;
	if (bad && fd >= 0)
		unlink(tmp);
	say("\n" MARK "{%s:end:%d}\n", nonce, bad);
}

/* Splits off the next space-separated word of *s; "" when there is none. */
static char *word(char **s)
{
	char *w = *s, *sp = strchr(w, ' ');

	if (sp) {
		*sp = '\0';
		*s = sp + 1;
	} else {
		*s = w + strlen(w);
	}
	return w;
}

int vsagent_main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	char *l;

	(void)argc;
	(void)argv;
	/* Handlers, not SIG_IGN: the runner and its commands get the defaults. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	if (chdir("/"))
		return 1;
	console_setup();
	runner_start();
	say(MARK "{boot:ready}\n");

	while ((l = console_line(0))) {
		char *cmd = word(&l);

		if (!strcmp(cmd, "vsx")) {
			char *nonce = word(&l);

			if (!strcmp(nonce, "-q"))
				break;
			if (!strcmp(nonce, "-r"))
				send_answer(word(&l), &last);
			else if (*nonce)
				request_run(nonce, l);
		} else if (!strcmp(cmd, "vsxr")) {
			char *nonce = word(&l), *path = word(&l);

			request_receive(nonce, path, word(&l));
		}
		/* Anything else (an empty line after Ctrl-C) is skipped. */
	}
	runner_stop();
	if (have_tty)
		tcsetattr(0, TCSANOW, &saved_tio);
	return 0;
}
