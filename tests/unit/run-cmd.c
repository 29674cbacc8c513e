// SPDX-License-Identifier: GPL-2.0-only
#include <gio/gio.h>
#include <string.h>

#include "cmd.h"
#include "error.h"
#include "run-cmd.h"

int run_cmd(const char *input, GString *out, char **message,
	    const char * const *argv)
{
	g_autoptr(GInputStream) in =
		g_memory_input_stream_new_from_data(g_strdup(input ? input : ""),
						    -1, g_free);
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) args = g_strdupv((char **)argv);
	VmpIo io = { .in = in, .out = out };
	const VmpCmd *cmd = vmp_commands;

	while (cmd->name && !g_str_equal(cmd->name, argv[0]))
		cmd++;
	g_assert_nonnull(cmd->name);
	if (message)
		*message = NULL;
	if (cmd->func(&io, g_strv_length(args), args, &error))
		return io.status;
	if (message)
		*message = g_strdup(error->message);
	/* Nothing is printed on failure. */
	g_string_truncate(out, 0);
	return g_error_matches(error, VMP_ERROR, VMP_ERROR_NOT_OURS) ? 2 : 1;
}

void assert_golden(const char *name, const char *actual)
{
	g_autofree char *path = g_test_build_filename(G_TEST_DIST, "golden", name, NULL);
	g_autofree char *expected = NULL;
	g_autoptr(GError) error = NULL;

	if (g_strcmp0(g_getenv("VFIO_MDEV_PCI_REGENERATE"), "1") == 0) {
		g_assert_true(g_file_set_contents(path, actual, -1, &error));
		return;
	}
	if (!g_file_get_contents(path, &expected, NULL, &error))
		g_error("%s (regenerate with VFIO_MDEV_PCI_REGENERATE=1)", error->message);
	g_assert_cmpstr(actual, ==, expected);
}

static GString *caught;
static GPrintFunc previous;

static void catch_text(const char *text)
{
	g_string_append(caught, text);
}

void printerr_catch(void)
{
	g_assert_null(caught);
	caught = g_string_new(NULL);
	previous = g_set_printerr_handler(catch_text);
}

char *printerr_release(void)
{
	g_set_printerr_handler(previous);
	return g_string_free(g_steal_pointer(&caught), FALSE);
}
