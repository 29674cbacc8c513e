/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * Every /sys, /proc, /etc and /run path the tool touches is built here,
 * under one root taken from $VFIO_MDEV_PCI_ROOT (default "/"), so that the
 * unit tests can run the real code on a fake tree (as mdevctl does with
 * MDEVCTL_ENV_ROOT). Callers validate BDFs and UUIDs before building paths.
 */
const char *vmp_root(void);
gboolean vmp_root_is_real(void);
char *vmp_path(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
