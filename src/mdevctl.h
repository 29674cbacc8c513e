/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * Run mdevctl (in PATH; in the tests, their seam: seams.h) with the
 * arguments given, NULL-terminated. We never write mdevctl's files
 * ourselves: mdevctl runs the callouts (ours and others') around every
 * change.
 */
gboolean vmp_mdevctl(GError **error, ...) G_GNUC_NULL_TERMINATED;

/* Start @uuid on @parent unless it is active; success if it ends up active. */
gboolean vmp_mdevctl_start(const char *parent, const char *uuid, GError **error);
