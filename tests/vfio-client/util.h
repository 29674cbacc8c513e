/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small helpers shared by every part of vfio-client: error text, exit
 * codes, number parsing, paths and the monotonic clock.
 */
#ifndef VC_UTIL_H
#define VC_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VC_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define VC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit codes of all subcommands; README.md documents them. */
enum {
	VC_EXIT_OK = 0,
	VC_EXIT_FAIL = 1,
	VC_EXIT_GROUP_ERROR = 2,	/* group-status: the group did not open */
	VC_EXIT_TIMEOUT = 3,		/* hold: nobody asked for the device */
	VC_EXIT_NOT_INJECTED = 4,	/* fail-nth: fewer than N fault points */
	VC_EXIT_USAGE = 64,		/* EX_USAGE: bad option or argument */
};

/*
 * Why a step failed, as one line: "what: why". The layer that sees the
 * failure writes it; only the subcommands print it, so that the text ends
 * up where the caller wants it (a TAP line, a diagnostic, stderr).
 */
struct vc_err {
	char msg[512];
};

/* Both return -1 so that "return vc_fail(...)" ends a failing function. */
int vc_fail(struct vc_err *err, const char *fmt, ...) VC_PRINTF(2, 3);
/* As vc_fail(), with ": strerror(errno)" of the errno at entry appended. */
int vc_fail_errno(struct vc_err *err, const char *fmt, ...) VC_PRINTF(2, 3);

/* Put "prefix" in front of the message already in err; returns -1. */
int vc_err_prefix(struct vc_err *err, const char *fmt, ...) VC_PRINTF(2, 3);

/* snprintf() into a path buffer; a truncated path is an error, not a guess. */
int vc_path(char *buf, size_t size, struct vc_err *err,
	    const char *fmt, ...) VC_PRINTF(4, 5);

/* Strict decimal: digits only, no sign, no spaces, within [min, max]. */
int vc_parse_ulong(const char *s, unsigned long min, unsigned long max,
		   unsigned long *out);

uint64_t vc_now_ns(void);
void vc_sleep_us(unsigned int us);

/*
 * A BAR access through an mmap() raises SIGBUS when vfio-pci has memory
 * decoding off or the device went away; say so instead of dying silently:
 * as a TAP "Bail out!" on stdout, or as a message on stderr.
 */
void vc_trap_sigbus(bool tap);

#endif /* VC_UTIL_H */
