/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

/* Names shared with the kernel module; they must match kernel/. */
#define VMP_DRIVER	"vfio-mdev-pci"		/* PCI driver name */
#define VMP_MODULE	"vfio_mdev_pci"		/* module name for modprobe */
#define VMP_TYPE_PREFIX	"vfio-mdev-pci-"	/* every type we answer for */
/* The type every parent offers beside its model's, as before types had names. */
#define VMP_LEGACY_TYPE_NAME	"type1"
#define VMP_LEGACY_TYPE	VMP_TYPE_PREFIX VMP_LEGACY_TYPE_NAME
#define VMP_TYPE_NAME_MAX	32	/* a type name's length, after the prefix */
