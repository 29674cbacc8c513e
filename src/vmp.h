/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

/* Names shared with the kernel module; they must match kernel/. */
#define VMP_DRIVER	"vfio-mdev-pci"		/* PCI driver name */
#define VMP_MODULE	"vfio_mdev_pci"		/* module name for modprobe */
#define VMP_TYPE	"vfio-mdev-pci-type1"	/* our only mdev type */
#define VMP_TYPE_PREFIX	"vfio-mdev-pci-"	/* every type we answer for */
