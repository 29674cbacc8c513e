/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

#include "config.h"

/*
 * Our mdev types. A device bound to vfio-mdev-pci offers two, which share
 * its one instance (kernel/type_name.c): its model's,
 * "vfio-mdev-pci-NAME", and the legacy VMP_LEGACY_TYPE. NAME is the
 * config's [types] name for the device (by address, else by
 * vendor:device:subvendor:subdevice, else by vendor:device), or
 * "vvvv-dddd" from its ids. The tool hands [types] to the module (its
 * type_names parameter) before each bind; the kernel applies it at probe,
 * so a bound device keeps the type it was bound with.
 */

/*
 * The model type id of @bdf: the one it offers if bound to us (read from
 * sysfs; VMP_LEGACY_TYPE from a module older than named types), else the
 * one it will offer when bound under @config. NULL with @error if its
 * ids cannot be read.
 */
char *vmp_type_of(const VmpConfig *config, const char *bdf, GError **error);
/* The same for a caller without a config: loads it. */
char *vmp_type_of_device(const char *bdf, GError **error);
/*
 * Is @type offered by @bdf (its model type or the legacy one)? FALSE
 * with @error saying which it offers, or why that is not known.
 */
gboolean vmp_type_check_offered(const char *bdf, const char *type,
				GError **error);
/* Hand @config's [types] to the loaded module, where they differ. */
gboolean vmp_types_apply(const VmpConfig *config, GError **error);
