// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-mdev-pci: userspace side of the vfio-mdev-pci module. Every piece of
 * logic lives here; the udev rules, systemd units, mdevctl callout and
 * libvirt hook only exec this tool.
 */
#include <locale.h>
#include <stdio.h>
#include <gio/gunixinputstream.h>

#include "cmd.h"
#include "error.h"

static void usage(FILE *to)
{
	fprintf(to, "Usage: vfio-mdev-pci COMMAND [OPTION…] [ARG…]\n\nCommands:\n");
	for (const VmpCmd *cmd = vmp_commands; cmd->name; cmd++)
		fprintf(to, "  %-14s %s\n", cmd->name, cmd->summary);
	fprintf(to, "\nRun 'vfio-mdev-pci COMMAND --help' for a command's options.\n");
}

static const VmpCmd *find_command(const char *name)
{
	for (const VmpCmd *cmd = vmp_commands; cmd->name; cmd++) {
		if (g_str_equal(cmd->name, name))
			return cmd;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	g_autoptr(GInputStream) in = g_unix_input_stream_new(0, FALSE);
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GError) error = NULL;
	VmpIo io = { .in = in, .out = out };
	g_auto(GStrv) args = NULL;
	const VmpCmd *cmd;

	setlocale(LC_ALL, "");
	if (argc < 2 || g_str_equal(argv[1], "--help") || g_str_equal(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 1 : 0;
	}
	cmd = find_command(argv[1]);
	if (!cmd) {
		fprintf(stderr, "vfio-mdev-pci: error: Unknown command '%s'.\n", argv[1]);
		usage(stderr);
		return 1;
	}
	args = g_strdupv(argv + 1);
	if (!cmd->func(&io, argc - 1, args, &error)) {
		/* mdevctl's "not my type": quiet, exit 2. */
		if (g_error_matches(error, VMP_ERROR, VMP_ERROR_NOT_OURS))
			return 2;
		fprintf(stderr, "vfio-mdev-pci: error: %s\n", error->message);
		return 1;
	}
	fwrite(out->str, 1, out->len, stdout);
	return fflush(stdout) == 0 ? io.status : 1;
}
