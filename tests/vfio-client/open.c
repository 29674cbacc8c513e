// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-client open: open devices in one container, one TAP line a step.
 * vfio-client group-status: is a group viable, or why does it not open.
 *
 * Scenarios use "open --expect-fail" to prove a refusal (a busy group, a
 * device opened by the wrong name) and grep the errno text it prints.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "cmd.h"
#include "tap.h"
#include "vfio.h"

int cmd_open(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "expect-fail", no_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vc_dev devs[VC_MAX_DEVICES];
	bool expect_fail = false;
	struct tap tap = { 0 };
	struct vc_session s;
	struct vc_err err;
	size_t ndevs, i;
	int c;

	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'x':
			expect_fail = true;
			break;
		case 'h':
			return vc_help("open");
		default:
			return vc_bad_option("open", c, argv);
		}
	}
	ndevs = (size_t)(argc - optind);
	if (!ndevs || ndevs > VC_MAX_DEVICES)
		return vc_usage("open", "expected 1 to %d DEVICEs",
				VC_MAX_DEVICES);
	/*
	 * A malformed name is a usage error even with --expect-fail: an
	 * expected failure must come from the kernel, not from a typo.
	 */
	for (i = 0; i < ndevs; i++)
		if (vc_dev_parse(argv[optind + (int)i], &devs[i], &err))
			return vc_usage("open", "%s", err.msg);

	vc_session_init(&s);
	if (vc_session_open(&s, devs, ndevs, tap_step, &tap, &err)) {
		if (expect_fail)
			tap_result(&tap, true, "open failed as expected: %s",
				   err.msg);
		else
			tap_result(&tap, false, "%s", err.msg);
	} else if (expect_fail) {
		tap_result(&tap, false,
			   "everything opened, but a failure was expected");
	}
	if (vc_session_close(&s, &err))
		tap_result(&tap, false, "close: %s", err.msg);
	/* The number of steps is known only now; TAP allows a trailing plan. */
	tap_plan(tap.n);
	return tap.failed ? VC_EXIT_FAIL : VC_EXIT_OK;
}

int cmd_group_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long group;
	struct vc_err err;
	bool viable = false;
	int c, fd, ret;

	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'h')
			return vc_help("group-status");
		return vc_bad_option("group-status", c, argv);
	}
	if (argc - optind != 1)
		return vc_usage("group-status", "expected one GROUP number");
	if (vc_parse_ulong(argv[optind], 0, INT_MAX, &group))
		return vc_usage("group-status", "invalid group number '%.32s'",
				argv[optind]);

	/* The answer, error text included, goes to stdout for scenarios. */
	if (vc_group_open((unsigned int)group, &fd, &err)) {
		puts(err.msg);
		return VC_EXIT_GROUP_ERROR;
	}
	ret = vc_group_viable(fd, (unsigned int)group, &viable, &err);
	close(fd);
	if (ret) {
		puts(err.msg);
		return VC_EXIT_GROUP_ERROR;
	}
	puts(viable ? "viable" : "not-viable");
	return viable ? VC_EXIT_OK : VC_EXIT_FAIL;
}
