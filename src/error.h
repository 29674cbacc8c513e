/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * One error domain for the whole tool. main() turns a GError into the exit
 * status: VMP_ERROR_NOT_OURS is mdevctl's "not my type" (exit 2, silent),
 * everything else is printed and exits 1.
 */
#define VMP_ERROR (vmp_error_quark())
GQuark vmp_error_quark(void);

typedef enum {
	VMP_ERROR_FAILED,	/* an operation did not work */
	VMP_ERROR_INVALID,	/* bad argument, file or input */
	VMP_ERROR_IN_USE,	/* the host is using the device */
	VMP_ERROR_NOT_FOUND,	/* no such device, definition or program */
	VMP_ERROR_NOT_OURS,	/* callout for a foreign mdev type */
	VMP_ERROR_REFUSED,	/* vfio-pci would refuse it or leave it to a variant */
} VmpError;

/*
 * "vfio-mdev-pci: warning: ..." on standard error, for what goes ahead
 * anyway: an override the user asked for, a foreign file skipped. The
 * tests catch it with g_set_printerr_handler().
 */
void vmp_warn(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
