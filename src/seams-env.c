// SPDX-License-Identifier: GPL-2.0-only
/* The tests' seams (seams.h), from the environment. */
#include "seams.h"

const char *vmp_seam(VmpSeam seam)
{
	static const char * const names[] = {
		[VMP_SEAM_ROOT] = "VFIO_MDEV_PCI_TEST_ROOT",
		[VMP_SEAM_MDEVCTL] = "VFIO_MDEV_PCI_TEST_MDEVCTL",
		[VMP_SEAM_MODPROBE] = "VFIO_MDEV_PCI_TEST_MODPROBE",
		[VMP_SEAM_SCHEMADIR] = "VFIO_MDEV_PCI_TEST_SCHEMADIR",
	};
	const char *value;

	g_return_val_if_fail(seam < G_N_ELEMENTS(names), NULL);
	/* Read every time: the tests move the root between cases. */
	value = g_getenv(names[seam]);
	return value && *value ? value : NULL;
}
