/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * Every /sys, /proc, /etc and /run path the tool touches is built here,
 * under one root: "/", or in the tests a fake tree (seams.h), so that they
 * run the real code on it (as mdevctl does with MDEVCTL_ENV_ROOT).
 * Callers validate BDFs and UUIDs before building paths.
 */
const char *vmp_root(void);
char *vmp_path(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
