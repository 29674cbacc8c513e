/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * What sysfs says about one PCI function and its mdev side. Every @bdf must
 * have passed vmp_check_bdf(); these functions only read.
 */
char *vmp_pci_path(const char *bdf, const char *leaf);
gboolean vmp_pci_exists(const char *bdf);
gboolean vmp_pci_check_exists(const char *bdf, GError **error);
GPtrArray *vmp_pci_list_all(void);
/*
 * Entries of /sys/class/@class (net, block, tty, graphics) whose device
 * lives below the function: its interfaces, disks and their partitions,
 * serial ports, framebuffers.
 */
GPtrArray *vmp_pci_class_members(const char *bdf, const char *class);

/*
 * The lookups that decide what to rebind tell "none" from "could not be
 * read", as libvirt's do: TRUE with *@out NULL where the device has no
 * driver, no driver_override set, or no IOMMU group; FALSE with @error set
 * where sysfs could not be read.  *@out is always set.
 */
gboolean vmp_pci_get_driver(const char *bdf, char **out, GError **error);
gboolean vmp_pci_get_driver_override(const char *bdf, char **out,
				     GError **error);
gboolean vmp_pci_get_iommu_group(const char *bdf, char **out, GError **error);
GPtrArray *vmp_pci_group_members(const char *group);
/* "8086:100e" from the vendor and device files, or NULL. */
char *vmp_pci_id(const char *bdf);
guint vmp_pci_num_vfs(const char *bdf);
gboolean vmp_pci_driver_loaded(const char *driver);

/* Our mdev parent side: is the type registered, which mdevs are active. */
gboolean vmp_mdev_parent_registered(const char *bdf);
GPtrArray *vmp_mdev_active_on(const char *bdf);
gboolean vmp_mdev_is_active(const char *uuid);
