// SPDX-License-Identifier: GPL-2.0-only
/*
 * TAP output. stdout is line-buffered (main() sets it), so each line is
 * out as soon as it is complete, also into a pipe or a file: a scenario
 * that waits for a line, or a crash right after one, still sees it.
 */
#include <stdarg.h>
#include <stdio.h>

#include "tap.h"

void tap_plan(unsigned int count)
{
	printf("1..%u\n", count);
}

static void tap_line(struct tap *tap, bool ok, const char *directive,
		     const char *fmt, va_list ap)
{
	tap->n++;
	if (!ok)
		tap->failed++;
	printf("%s %u - ", ok ? "ok" : "not ok", tap->n);
	vprintf(fmt, ap);
	if (directive)
		printf(" # %s", directive);
	putchar('\n');
}

void tap_result(struct tap *tap, bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_line(tap, ok, NULL, fmt, ap);
	va_end(ap);
}

void tap_skip(struct tap *tap, const char *reason, const char *fmt, ...)
{
	char directive[600];
	va_list ap;

	snprintf(directive, sizeof(directive), "SKIP %s", reason);
	va_start(ap, fmt);
	tap_line(tap, true, directive, fmt, ap);
	va_end(ap);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void tap_step(void *tap, const char *step)
{
	tap_result(tap, true, "%s", step);
}
