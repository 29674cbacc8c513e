/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * What the unit and fuzz tests replace so that they run the real code on
 * a fake system: the root every /sys, /proc, /etc and /run path is taken
 * under (root.h), the mdevctl and modprobe programs, the schema directory.
 *
 * The installed tool links seams-fixed.c, which replaces nothing: no
 * environment variable can point the root binary at another tree or
 * another program.  The tests link seams-env.c, which reads the
 * VFIO_MDEV_PCI_TEST_* variables; the tests' build of the tool
 * (vfio-mdev-pci-test, never installed) too.
 */
typedef enum {
	VMP_SEAM_ROOT,		/* a directory that stands for "/" */
	VMP_SEAM_MDEVCTL,	/* the mdevctl program */
	VMP_SEAM_MODPROBE,	/* run as PROGRAM MODULE instead of modprobe */
	VMP_SEAM_SCHEMADIR,	/* the RelaxNG schemas */
} VmpSeam;

/* The replacement for @seam, or NULL where the real one is used. */
const char *vmp_seam(VmpSeam seam);
