/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * Run a helper program (modprobe, mdevctl) and wait for it. Its stderr is
 * passed through so that its own messages reach the user; its stdout is
 * discarded because ours may be a protocol (callout, udev IMPORT).
 */
gboolean vmp_spawn(const char * const *argv, GError **error);

/* The program named by environment variable @env, else @fallback, in PATH. */
char *vmp_find_program(const char *env, const char *fallback, const char *hint,
		       GError **error);
