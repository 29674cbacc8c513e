// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-client: a small static VFIO user for the VM scenarios and the
 * benchmarks. It opens a device through the legacy group/container API,
 * by mdev UUID or by PCI address, and drives it (QEMU's edu device where
 * a test needs a device that does something).
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static const struct vc_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
	const char *help;
} cmds[] = {
	{
		"test", cmd_test,
		"test DEVICE [--tests LIST] [--dma-size N]",
		"Run the test cases on DEVICE and print TAP; exit 0 iff none failed.\n"
		"  --tests LIST    comma-separated subset, run in this order:\n"
		"                  open,info,config,bar0,edu-ident,edu-liveness,\n"
		"                  edu-factorial,dma,msi,intx,reset,hot-reset-info,request\n"
		"  --dma-size N    bytes per edu DMA transfer, 1..4096 (default 4096)\n",
	},
	{
		"open", cmd_open,
		"open DEVICE... [--expect-fail]",
		"Open all DEVICEs in one container, each group once; TAP per step.\n"
		"  --expect-fail   succeed only if some step fails, naming it and the error\n",
	},
	{
		"hold", cmd_hold,
		"hold DEVICE [--seconds N] [--ready-file PATH] [--msi]",
		"Open DEVICE, arm its request eventfd and wait for the kernel to ask\n"
		"for it back (exit 0), for SIGTERM/SIGINT (exit 0) or N seconds (exit 3).\n"
		"  --seconds N       how long to wait (default 60)\n"
		"  --ready-file PATH written (with our pid) once the device is held\n"
		"  --msi             also enable MSI while holding\n",
	},
	{
		"group-status", cmd_group_status,
		"group-status GROUP",
		"Print viable (exit 0) or not-viable (exit 1) for /dev/vfio/GROUP,\n"
		"or why it did not open (exit 2).\n",
	},
	{
		"bench", cmd_bench,
		"bench DEVICE [--iterations N] [--samples M] [--rounds R] [--dma-size N]",
		"Time an edu DEVICE and print one JSON object with per-round values\n"
		"and medians.\n"
		"  --iterations N  operations per round of the throughput metrics (default 10000)\n"
		"  --samples M     samples per round of the latency metrics (default 10)\n"
		"  --rounds R      rounds, 1..100 (default 5)\n"
		"  --dma-size N    bytes per edu DMA transfer, 1..4096 (default 4096)\n",
	},
	{
		"fail-nth", cmd_fail_nth,
		"fail-nth N FILE VALUE",
		"Write VALUE to FILE in one write(2) whose Nth fault-injection point\n"
		"fails (/proc/thread-self/fail-nth). Prints \"injected N: ...\" (exit 0)\n"
		"or, when the write met fewer than N points, \"not-injected N: ...\"\n"
		"(exit 4); either way with what the write returned.\n",
	},
};

static const struct vc_cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < VC_ARRAY_SIZE(cmds); i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

static void print_usage(FILE *out)
{
	size_t i;

	fputs("usage:\n", out);
	for (i = 0; i < VC_ARRAY_SIZE(cmds); i++)
		fprintf(out, "  vfio-client %s\n", cmds[i].usage);
	fputs("DEVICE is an mdev UUID or a PCI address DDDD:BB:DD.F.\n"
	      "Environment: VFIO_CLIENT_SYSFS (default /sys), VFIO_CLIENT_DEV (default /dev).\n",
	      out);
}

int vc_usage(const char *cmd, const char *fmt, ...)
{
	const struct vc_cmd *c = find_cmd(cmd);
	va_list ap;

	fprintf(stderr, "vfio-client %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (c)
		fprintf(stderr, "usage: vfio-client %s\n", c->usage);
	return VC_EXIT_USAGE;
}

int vc_bad_option(const char *cmd, int c, char **argv)
{
	/* getopt_long() has moved optind past the option it complains about. */
	if (c == ':')
		return vc_usage(cmd, "option '%s' needs a value", argv[optind - 1]);
	/* optopt is set for an unknown short option only. */
	if (optopt)
		return vc_usage(cmd, "unknown option '-%c'", optopt);
	return vc_usage(cmd, "unknown option '%s'", argv[optind - 1]);
}

int vc_help(const char *cmd)
{
	const struct vc_cmd *c = find_cmd(cmd);

	if (!c)
		return vc_usage(cmd, "no help");
	printf("usage: vfio-client %s\n%s", c->usage, c->help);
	return VC_EXIT_OK;
}

int main(int argc, char **argv)
{
	const struct vc_cmd *c;

	/* Each line out at once, also into a pipe: see tap.c. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Handlers report getopt errors themselves, with the subcommand. */
	opterr = 0;

	if (argc < 2) {
		print_usage(stderr);
		return VC_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		print_usage(stdout);
		return VC_EXIT_OK;
	}
	c = find_cmd(argv[1]);
	if (!c) {
		fprintf(stderr, "vfio-client: unknown subcommand '%s'\n", argv[1]);
		print_usage(stderr);
		return VC_EXIT_USAGE;
	}
	return c->run(argc - 1, argv + 1);
}
