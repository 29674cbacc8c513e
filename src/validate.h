/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * Strict checks for every name that ends up in a path: a PCI address in
 * canonical form (0000:00:00.0, lowercase hex, function 0-7), a canonical
 * lowercase UUID (8-4-4-4-12), a libvirt domain name that is safe as a file
 * name, a vendor:device id pair. Anything else, "../" included, is refused.
 */
gboolean vmp_bdf_is_valid(const char *bdf);
gboolean vmp_uuid_is_valid(const char *uuid);
gboolean vmp_pci_id_is_valid(const char *id);
/* vendor:device:subvendor:subdevice, lowercase hex. */
gboolean vmp_pci_subsys_id_is_valid(const char *id);
/*
 * An mdev type name of ours (the id is "vfio-mdev-pci-" and the name):
 * 1 to VMP_TYPE_NAME_MAX letters, digits, '-' or '_', so that it is a
 * sysfs directory name and, as "mdev_" and the id, an OpenStack Nova
 * config section; "type1" is the legacy type's.  Sets @error saying
 * which rule @name breaks.
 */
gboolean vmp_check_type_name(const char *name, GError **error);
/* Is @name of the form the kernel gives a model by default, vvvv-dddd? */
gboolean vmp_type_name_is_default(const char *name);

gboolean vmp_check_bdf(const char *bdf, GError **error);
gboolean vmp_check_uuid(const char *uuid, GError **error);
gboolean vmp_check_domain_name(const char *name, GError **error);
