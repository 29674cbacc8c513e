/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * Moving a PCI function between its driver and vfio-mdev-pci, in
 * driverctl's order: driver_override, unbind, drivers_probe, verify. The
 * original driver's name is remembered in /run/vfio-mdev-pci/BDF.driver
 * (empty: it had none), and its driver_override in BDF.override (empty:
 * none), so that both can be given back later.
 */
typedef enum {
	VMP_BIND_FORCE = 1 << 0,	/* past the host-in-use check, with a warning */
	VMP_BIND_ALLOW_DENYLISTED = 1 << 1,	/* past vfio-pci's denylist (parity.h) */
	VMP_BIND_ALLOW_VARIANT = 1 << 2,	/* past a vfio-pci variant driver */
} VmpBindFlags;

typedef enum {
	VMP_UNBIND_RESTORE = 1 << 0,	/* re-probe so the original driver binds */
} VmpUnbindFlags;

gboolean vmp_bind(const char *bdf, VmpBindFlags flags, GError **error);
gboolean vmp_unbind(const char *bdf, VmpUnbindFlags flags, GError **error);

/* The remembered original driver: NULL if none was recorded. */
char *vmp_remembered_driver(const char *bdf);
/* The remembered original driver_override: NULL if none. */
char *vmp_remembered_override(const char *bdf);
