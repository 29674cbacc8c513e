/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * Run a subcommand in-process as main() would: @input on stdin, stdout
 * into @out, the exit status main() would return, the error message (if
 * any) in @message.
 */
int run_cmd(const char *input, GString *out, char **message,
	    const char * const *argv);

/*
 * Compare @actual with tests/unit/golden/@name; with
 * VFIO_MDEV_PCI_REGENERATE=1 in the environment, rewrite the file instead.
 */
void assert_golden(const char *name, const char *actual);

/*
 * What the tool prints with g_printerr() (its warnings) between
 * printerr_catch() and printerr_release(), which returns it.
 */
void printerr_catch(void);
char *printerr_release(void);
