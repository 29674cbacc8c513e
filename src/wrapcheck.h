/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * Whether a PCI function can be wrapped now, check by check: list shows
 * the failures, doctor every check. They call what bind calls (parity.h,
 * inuse.h), and add what the kernel and VFIO refuse later, so that a
 * device that "can be wrapped" can also be given to a VM:
 *  - iommu-group: vfio-mdev-pci's probe refuses a device without an IOMMU
 *    group (the IOMMU is off, or does not cover it);
 *  - group-peers: VFIO opens a group only when every other member is on
 *    a driver that leaves the group's DMA to VFIO (driver_managed_dma:
 *    the vfio drivers, ours, pci-stub, pcieport) or on none;
 *  - sriov: probe (and bind) refuse a PF with VFs enabled;
 *  - denylist, variant: parity.h, passed where [policy] lifts them;
 *  - in-use: inuse.h.
 * On a device already on vfio-mdev-pci bind does nothing, so what only
 * bind refuses (sriov, denylist, variant, in-use) is a warning there.
 */
typedef enum {
	VMP_WRAP_OK,
	VMP_WRAP_WARN,		/* goes ahead, but worth knowing */
	VMP_WRAP_FAIL,		/* bind, the kernel or VFIO refuses */
} VmpWrapStatus;

typedef struct {
	char *name;		/* stable: "iommu-group", "in-use", ... */
	VmpWrapStatus status;
	char *detail;		/* one or more sentences */
} VmpWrapCheck;

void vmp_wrap_check_free(VmpWrapCheck *check);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmpWrapCheck, vmp_wrap_check_free)

/* "ok", "warn", "fail": what --json and the text show. */
const char *vmp_wrap_status_name(VmpWrapStatus status);

/* Append a check to @checks (an array of VmpWrapCheck). */
void vmp_wrap_check_add(GPtrArray *checks, const char *name,
			VmpWrapStatus status, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);

/*
 * The checks above for @bdf, in that order; NULL with @error only for a
 * broken config file, which is read for a device that is denylisted or
 * has a variant driver (as bind reads it).
 */
GPtrArray *vmp_wrap_checks(const char *bdf, GError **error);

/* The first failed check of @checks, or NULL. */
const VmpWrapCheck *vmp_wrap_first_failure(GPtrArray *checks);
