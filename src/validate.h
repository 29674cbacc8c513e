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

gboolean vmp_check_bdf(const char *bdf, GError **error);
gboolean vmp_check_uuid(const char *uuid, GError **error);
gboolean vmp_check_domain_name(const char *name, GError **error);
