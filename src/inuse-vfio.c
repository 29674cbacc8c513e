// SPDX-License-Identifier: GPL-2.0-only
/*
 * A function on vfio-pci (or another vfio driver) may belong to a running
 * VM. VFIO keeps no user count in sysfs, so we look for processes with
 * the function's device nodes open: its IOMMU group's /dev/vfio/GROUP
 * (or /dev/vfio/noiommu-GROUP), and its iommufd character device
 * /dev/vfio/devices/vfioN (from the function's vfio-dev/ directory). A
 * group node open elsewhere may be for another member of the group; it
 * still counts, since that user holds the whole group.
 */
#include <string.h>

#include "inuse-checks.h"
#include "pci.h"
#include "root.h"
#include "sysfs.h"

static gboolean is_pid(const char *name)
{
	for (const char *p = name; *p; p++) {
		if (!g_ascii_isdigit(*p))
			return FALSE;
	}
	return *name != '\0';
}

/* /dev/vfio/devices/vfioN for each entry of the vfio-dev/ directory @dir. */
static void add_cdevs(GPtrArray *nodes, const char *dir)
{
	g_autoptr(GPtrArray) cdevs = vmp_sysfs_list_dir(dir);

	for (guint i = 0; i < cdevs->len; i++)
		g_ptr_array_add(nodes, g_strdup_printf("/dev/vfio/devices/%s",
						       (char *)g_ptr_array_index(cdevs, i)));
}

/*
 * The nodes that give access to @bdf, in IOMMU group @group, through VFIO:
 * on vfio-mdev-pci the character device is its mdev's, not the function's.
 */
static GPtrArray *vfio_nodes(const char *bdf, const char *group)
{
	GPtrArray *nodes = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *cdev_dir = vmp_pci_path(bdf, "vfio-dev");
	g_autoptr(GPtrArray) mdevs = vmp_mdev_active_on(bdf);

	if (group) {
		g_ptr_array_add(nodes, g_strdup_printf("/dev/vfio/%s", group));
		g_ptr_array_add(nodes, g_strdup_printf("/dev/vfio/noiommu-%s", group));
	}
	add_cdevs(nodes, cdev_dir);
	for (guint i = 0; i < mdevs->len; i++) {
		g_autofree char *dir = vmp_path("sys/bus/mdev/devices/%s/vfio-dev",
						(char *)g_ptr_array_index(mdevs, i));

		add_cdevs(nodes, dir);
	}
	return nodes;
}

static gboolean has_node(GPtrArray *nodes, const char *target)
{
	for (guint i = 0; i < nodes->len; i++) {
		if (g_str_equal(g_ptr_array_index(nodes, i), target))
			return TRUE;
	}
	return FALSE;
}

/* One sentence per node @pid has open, however many descriptors. */
static void check_process(const char *pid, GPtrArray *nodes, GPtrArray *uses)
{
	g_autofree char *fd_dir = vmp_path("proc/%s/fd", pid);
	g_autofree char *comm_path = vmp_path("proc/%s/comm", pid);
	g_autoptr(GPtrArray) fds = vmp_sysfs_list_dir(fd_dir);
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal,
							   g_free, NULL);
	g_autofree char *comm = NULL;

	for (guint i = 0; i < fds->len; i++) {
		g_autofree char *link = g_build_filename(fd_dir, g_ptr_array_index(fds, i), NULL);
		g_autofree char *target = g_file_read_link(link, NULL);

		if (!target || !has_node(nodes, target) ||
		    !g_hash_table_add(seen, g_strdup(target)))
			continue;
		if (!comm)
			comm = vmp_sysfs_read(comm_path, NULL);
		g_ptr_array_add(uses, g_strdup_printf("Process %s (%s) has %s open.",
						      pid, comm ? comm : "?", target));
	}
}

void vmp_inuse_vfio(const char *bdf, GPtrArray *uses)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *driver = NULL;
	g_autofree char *group = NULL;
	g_autofree char *proc = vmp_path("proc");
	g_autoptr(GPtrArray) nodes = NULL;
	g_autoptr(GPtrArray) pids = NULL;

	if (!vmp_pci_get_driver(bdf, &driver, &error))
		goto unknown;
	if (!driver || !g_str_has_prefix(driver, "vfio"))
		return;
	if (!vmp_pci_get_iommu_group(bdf, &group, &error))
		goto unknown;
	nodes = vfio_nodes(bdf, group);
	if (nodes->len == 0)
		return;
	/* Descriptors of processes we may not read are not seen. */
	pids = vmp_sysfs_list_dir_valid(proc, is_pid);
	for (guint i = 0; i < pids->len; i++)
		check_process(g_ptr_array_index(pids, i), nodes, uses);
	return;

unknown:
	/* What cannot be read cannot be ruled out. */
	g_ptr_array_add(uses, g_strdup_printf("A VFIO user cannot be ruled out: %s",
					      error->message));
}
