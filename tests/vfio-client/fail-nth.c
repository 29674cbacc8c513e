// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-client fail-nth N FILE VALUE: one write(2) of VALUE to FILE (a
 * sysfs attribute such as a driver's bind or an mdev type's create), with
 * the Nth fault-injection point of that write failing
 * (Documentation/fault-injection/fault-injection.rst, "fail-nth").
 *
 * The counter counts every injection point this task meets, so FILE and
 * the counter are opened first and nothing but the write runs between
 * arming the counter and reading it back. That is why this is C: a
 * shell's redirections open the file (and may fork) after the counter is
 * armed, and a shell cannot read the counter back at offset 0 from the
 * descriptor it armed it through.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

#define FAIL_NTH "/proc/thread-self/fail-nth"

static int set_nth(int fd, unsigned long n)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%lu", n);

	return write(fd, buf, (size_t)len) == len ? 0 : -1;
}

int cmd_fail_nth(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long n, left;
	int c, fd, nth, saved;
	char buf[32] = "";
	ssize_t len, r;

	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'h')
			return vc_help("fail-nth");
		return vc_bad_option("fail-nth", c, argv);
	}
	if (argc - optind != 3)
		return vc_usage("fail-nth", "expected N, FILE and VALUE");
	if (vc_parse_ulong(argv[optind], 1, 1000000, &n))
		return vc_usage("fail-nth", "N must be 1..1000000, not '%s'",
				argv[optind]);

	fd = open(argv[optind + 1], O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "vfio-client fail-nth: %s: %s\n",
			argv[optind + 1], strerror(errno));
		return VC_EXIT_FAIL;
	}
	nth = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	if (nth < 0) {
		fprintf(stderr, "vfio-client fail-nth: %s: %s (a kernel without CONFIG_FAULT_INJECTION?)\n",
			FAIL_NTH, strerror(errno));
		return VC_EXIT_FAIL;
	}
	len = (ssize_t)strlen(argv[optind + 2]);

	if (set_nth(nth, n)) {
		fprintf(stderr, "vfio-client fail-nth: arming %s: %s\n",
			FAIL_NTH, strerror(errno));
		return VC_EXIT_FAIL;
	}
	r = write(fd, argv[optind + 2], (size_t)len);
	saved = errno;
	/* Left non-zero: fewer than N points were met; disarm before anything else. */
	if (pread(nth, buf, sizeof(buf) - 1, 0) <= 0 || set_nth(nth, 0)) {
		fprintf(stderr, "vfio-client fail-nth: reading %s back: %s\n",
			FAIL_NTH, strerror(errno));
		return VC_EXIT_FAIL;
	}
	left = strtoul(buf, NULL, 10);

	/* One line: did the fault happen, and what the write returned. */
	printf("%s %lu: ", left ? "not-injected" : "injected", n);
	if (r == len)
		printf("write succeeded\n");
	else if (r < 0)
		printf("write failed: %s\n", strerror(saved));
	else
		printf("short write: %zd of %zd bytes\n", r, len);
	close(fd);
	close(nth);
	return left ? VC_EXIT_NOT_INJECTED : VC_EXIT_OK;
}
