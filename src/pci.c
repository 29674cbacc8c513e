// SPDX-License-Identifier: GPL-2.0-only
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "pci.h"
#include "root.h"
#include "sysfs.h"
#include "validate.h"
#include "vmp.h"

char *vmp_pci_path(const char *bdf, const char *leaf)
{
	g_return_val_if_fail(vmp_bdf_is_valid(bdf), NULL);
	return vmp_path("sys/bus/pci/devices/%s/%s", bdf, leaf ? leaf : "");
}

gboolean vmp_pci_exists(const char *bdf)
{
	g_autofree char *path = vmp_pci_path(bdf, NULL);

	return g_file_test(path, G_FILE_TEST_IS_DIR);
}

gboolean vmp_pci_check_exists(const char *bdf, GError **error)
{
	if (!vmp_check_bdf(bdf, error))
		return FALSE;
	if (vmp_pci_exists(bdf))
		return TRUE;
	g_set_error(error, VMP_ERROR, VMP_ERROR_NOT_FOUND,
		    "There is no PCI device %s.", bdf);
	return FALSE;
}

GPtrArray *vmp_pci_list_all(void)
{
	g_autofree char *dir = vmp_path("sys/bus/pci/devices");

	/* Anything that is not a canonical address is not a PCI function. */
	return vmp_sysfs_list_dir_valid(dir, vmp_bdf_is_valid);
}

GPtrArray *vmp_pci_class_members(const char *bdf, const char *class)
{
	g_autofree char *class_dir = vmp_path("sys/class/%s", class);
	g_autofree char *dev_path = vmp_pci_path(bdf, NULL);
	g_autoptr(GPtrArray) all = vmp_sysfs_list_dir(class_dir);
	GPtrArray *below = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *prefix = NULL;
	char dev_real[PATH_MAX];

	if (!realpath(dev_path, dev_real))
		return below;
	prefix = g_strconcat(dev_real, "/", NULL);
	for (guint i = 0; i < all->len; i++) {
		const char *name = g_ptr_array_index(all, i);
		g_autofree char *entry = g_build_filename(class_dir, name, NULL);
		char real[PATH_MAX];

		if (realpath(entry, real) && g_str_has_prefix(real, prefix))
			g_ptr_array_add(below, g_strdup(name));
	}
	return below;
}

gboolean vmp_pci_get_driver(const char *bdf, char **out, GError **error)
{
	g_autofree char *path = vmp_pci_path(bdf, "driver");

	return vmp_sysfs_get_link_name(path, out, error);
}

gboolean vmp_pci_get_driver_override(const char *bdf, char **out,
				     GError **error)
{
	g_autofree char *path = vmp_pci_path(bdf, "driver_override");
	g_autoptr(GError) local = NULL;
	g_autofree char *value = vmp_sysfs_read(path, &local);

	*out = NULL;
	/* Kernels before 3.16 have no such file: nothing is set there. */
	if (!value && !g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
		g_propagate_prefixed_error(error, g_steal_pointer(&local),
					   "Could not read the driver_override of PCI device %s: ",
					   bdf);
		return FALSE;
	}
	/* The kernel shows an unset override as "(null)". */
	if (value && *value && !g_str_equal(value, "(null)"))
		*out = g_steal_pointer(&value);
	return TRUE;
}

gboolean vmp_pci_get_iommu_group(const char *bdf, char **out, GError **error)
{
	g_autofree char *path = vmp_pci_path(bdf, "iommu_group");

	return vmp_sysfs_get_link_name(path, out, error);
}

GPtrArray *vmp_pci_group_members(const char *group)
{
	g_autofree char *dir = NULL;

	if (!group || !*group || strchr(group, '/') || *group == '.')
		return g_ptr_array_new_with_free_func(g_free);
	dir = vmp_path("sys/kernel/iommu_groups/%s/devices", group);
	return vmp_sysfs_list_dir(dir);
}

static char *read_id(const char *bdf, const char *leaf)
{
	g_autofree char *path = vmp_pci_path(bdf, leaf);
	g_autofree char *value = vmp_sysfs_read(path, NULL);

	/* sysfs shows "0x8086"; we compare and print "8086". */
	if (!value || !g_str_has_prefix(value, "0x") || strlen(value) != 6)
		return NULL;
	return g_ascii_strdown(value + 2, -1);
}

char *vmp_pci_id(const char *bdf)
{
	g_autofree char *vendor = read_id(bdf, "vendor");
	g_autofree char *device = read_id(bdf, "device");

	if (!vendor || !device)
		return NULL;
	return g_strdup_printf("%s:%s", vendor, device);
}

guint vmp_pci_num_vfs(const char *bdf)
{
	g_autofree char *path = vmp_pci_path(bdf, "sriov_numvfs");
	g_autofree char *value = vmp_sysfs_read(path, NULL);

	return value ? (guint)g_ascii_strtoull(value, NULL, 10) : 0;
}

gboolean vmp_pci_driver_loaded(const char *driver)
{
	g_autofree char *path = vmp_path("sys/bus/pci/drivers/%s", driver);

	return g_file_test(path, G_FILE_TEST_IS_DIR);
}

/* Every parent of ours offers the legacy type, whatever its model's. */
gboolean vmp_mdev_parent_registered(const char *bdf)
{
	g_autofree char *path = vmp_pci_path(bdf, "mdev_supported_types/"
					     VMP_LEGACY_TYPE);

	return g_file_test(path, G_FILE_TEST_IS_DIR);
}

GPtrArray *vmp_mdev_active_on(const char *bdf)
{
	g_autofree char *dir = vmp_pci_path(bdf, "mdev_supported_types");
	g_autoptr(GPtrArray) types = vmp_sysfs_list_dir(dir);
	GPtrArray *active = g_ptr_array_new_with_free_func(g_free);

	/* The one instance is under the type it was created through. */
	for (guint i = 0; i < types->len; i++) {
		g_autofree char *devices = NULL;
		g_autoptr(GPtrArray) some = NULL;

		if (!g_str_has_prefix(types->pdata[i], VMP_TYPE_PREFIX))
			continue;
		devices = g_build_filename(dir, types->pdata[i], "devices", NULL);
		some = vmp_sysfs_list_dir_valid(devices, vmp_uuid_is_valid);
		g_ptr_array_extend_and_steal(active, g_steal_pointer(&some));
	}
	return active;
}

gboolean vmp_mdev_is_active(const char *uuid)
{
	g_autofree char *path = NULL;

	g_return_val_if_fail(vmp_uuid_is_valid(uuid), FALSE);
	path = vmp_path("sys/bus/mdev/devices/%s", uuid);
	return g_file_test(path, G_FILE_TEST_EXISTS);
}
