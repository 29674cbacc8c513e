// SPDX-License-Identifier: GPL-2.0-only
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "cmd.h"
#include "fuzz-root.h"
#include "rm-tree.h"

static char *root;

static void remove_root(void)
{
	test_rm_tree(root);
}

static void drop_text(const char *text)
{
	(void)text;
}

/*
 * Runs write files (the input itself, the hook's record), and GLib fsyncs
 * a file it replaces: on tmpfs that costs nothing, on a disk it would
 * dominate each run. So /dev/shm unless $TMPDIR says where (run.sh gives
 * a folder it removes, as a crash leaves the root behind).
 */
static const char *tmp_dir(void)
{
	const char *env = g_getenv("TMPDIR");

	if ((!env || !*env) && access("/dev/shm", W_OK) == 0)
		return "/dev/shm";
	return g_get_tmp_dir();
}

const char *fuzz_root(void)
{
	if (root)
		return root;
	root = g_build_filename(tmp_dir(), "vmp-fuzz-XXXXXX", NULL);
	if (!g_mkdtemp(root)) {
		fprintf(stderr, "fuzz: cannot make %s\n", root);
		abort();
	}
	atexit(remove_root);
	g_setenv("VFIO_MDEV_PCI_TEST_ROOT", root, TRUE);
	/* vmp_warn() on every foreign definition would flood the log. */
	g_set_printerr_handler(drop_text);
	return root;
}

void fuzz_root_write(const char *rel, const uint8_t *data, size_t size)
{
	g_autofree char *path = g_build_filename(fuzz_root(), rel, NULL);
	g_autofree char *dir = g_path_get_dirname(path);
	g_autoptr(GError) error = NULL;

	if (g_mkdir_with_parents(dir, 0755) < 0 ||
	    !g_file_set_contents(path, (const char *)data, size, &error)) {
		fprintf(stderr, "fuzz: cannot write %s: %s\n", path,
			error ? error->message : g_strerror(errno));
		abort();
	}
}

gboolean fuzz_run_cmd(const uint8_t *data, size_t size,
		      const char * const *argv, GError **error)
{
	/* @data itself, not a copy: the tool's reading and its limit are fuzzed. */
	g_autoptr(GInputStream) in = g_memory_input_stream_new_from_data(data, size, NULL);
	g_autoptr(GString) out = g_string_new(NULL);
	g_auto(GStrv) args = g_strdupv((char **)argv);
	VmpIo io = { .in = in, .out = out };
	const VmpCmd *cmd = vmp_commands;

	fuzz_root();
	while (cmd->name && !g_str_equal(cmd->name, argv[0]))
		cmd++;
	g_assert_nonnull(cmd->name);
	return cmd->func(&io, g_strv_length(args), args, error);
}
