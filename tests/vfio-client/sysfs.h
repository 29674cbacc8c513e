/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DEVICE arguments (an mdev UUID or a PCI address) and what sysfs says
 * about them. Every path starts at one root, $VFIO_CLIENT_SYSFS or /sys,
 * so that the unit tests can run against a fake tree.
 */
#ifndef VC_SYSFS_H
#define VC_SYSFS_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

#define VC_UUID_LEN 36		/* 8-4-4-4-12 */
#define VC_BDF_LEN 12		/* DDDD:BB:DD.F */

enum vc_dev_kind {
	VC_DEV_PCI,
	VC_DEV_MDEV,
};

struct vc_dev {
	enum vc_dev_kind kind;
	/* The name VFIO_GROUP_GET_DEVICE_FD is given; checked characters only. */
	char name[VC_UUID_LEN + 1];
};

/* Syntax only: nothing is looked up before the whole argument is valid. */
int vc_dev_parse(const char *arg, struct vc_dev *dev, struct vc_err *err);
bool vc_bdf_valid(const char *s);

const char *vc_sysfs_root(void);

/* The IOMMU group: basename of the device's iommu_group link. */
int vc_dev_group(const struct vc_dev *dev, unsigned int *group,
		 struct vc_err *err);
/* The PCI device behind DEVICE: itself, or the parent of an mdev. */
int vc_dev_pci_name(const struct vc_dev *dev, char bdf[VC_BDF_LEN + 1],
		    struct vc_err *err);
/* vendor and device of a PCI device, from its sysfs attributes. */
int vc_pci_ids(const char *bdf, uint16_t *vendor, uint16_t *device,
	       struct vc_err *err);

#endif /* VC_SYSFS_H */
