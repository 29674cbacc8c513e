// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers shared by every part of vfio-client.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

int vc_fail(struct vc_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int vc_fail_errno(struct vc_err *err, const char *fmt, ...)
{
	int saved = errno;	/* vsnprintf() may change it */
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len, ": %s",
		 strerror(saved));
	errno = saved;
	return -1;
}

int vc_err_prefix(struct vc_err *err, const char *fmt, ...)
{
	char old[sizeof(err->msg)];
	size_t len, n;
	va_list ap;

	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	/* Append by hand: a truncated tail is fine, a warning about it is not. */
	len = strlen(err->msg);
	n = strnlen(old, sizeof(old) - 1);
	if (n > sizeof(err->msg) - 1 - len)
		n = sizeof(err->msg) - 1 - len;
	memcpy(err->msg + len, old, n);
	err->msg[len + n] = '\0';
	return -1;
}

int vc_path(char *buf, size_t size, struct vc_err *err, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= size)
		return vc_fail(err, "path too long: %.64s...", buf);
	return 0;
}

int vc_parse_ulong(const char *s, unsigned long min, unsigned long max,
		   unsigned long *out)
{
	unsigned long val;
	const char *p;
	char *end;

	/* strtoul() alone would accept " 7", "+7" and "-7" (as ULONG_MAX - 6). */
	if (!*s)
		return -1;
	for (p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return -1;
	errno = 0;
	val = strtoul(s, &end, 10);
	if (errno || *end || val < min || val > max)
		return -1;
	*out = val;
	return 0;
}

uint64_t vc_now_ns(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail with a valid clock id and pointer. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void vc_sleep_us(unsigned int us)
{
	struct timespec ts = {
		.tv_sec = us / 1000000,
		.tv_nsec = (long)(us % 1000000) * 1000,
	};

	/* Resume after a signal: callers poll against their own deadline. */
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static const char sigbus_tap[] =
	"Bail out! SIGBUS on a BAR access (memory decoding off or device gone)\n";
static const char sigbus_msg[] =
	"vfio-client: SIGBUS on a BAR access (memory decoding off or device gone)\n";
static bool sigbus_as_tap;

static void vc_sigbus(int sig)
{
	const char *msg = sigbus_as_tap ? sigbus_tap : sigbus_msg;
	size_t len = sigbus_as_tap ? sizeof(sigbus_tap) : sizeof(sigbus_msg);
	ssize_t ret;

	(void)sig;
	/* Only async-signal-safe calls here. */
	ret = write(sigbus_as_tap ? STDOUT_FILENO : STDERR_FILENO, msg, len - 1);
	(void)ret;	/* nothing left to do about a failed write */
	_exit(VC_EXIT_FAIL);
}

void vc_trap_sigbus(bool tap)
{
	struct sigaction sa = { .sa_handler = vc_sigbus };

	sigbus_as_tap = tap;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}
