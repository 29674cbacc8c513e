/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * Read a configuration file (ours, or one of mdevctl's definitions) that
 * must be a regular file of at most @max bytes. It is opened with
 * O_NONBLOCK and checked with fstat() before anything is read, so a FIFO
 * or device node put there is refused instead of hanging the tool. A
 * missing file is G_FILE_ERROR_NOENT, as g_file_get_contents() says.
 */
gboolean vmp_read_regular_file(const char *path, gsize max, char **contents,
			       gsize *len, GError **error);
