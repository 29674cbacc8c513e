// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <string.h>

#include "inuse.h"
#include "join.h"
#include "parity.h"
#include "pci.h"
#include "root.h"
#include "sysfs.h"
#include "vmp.h"
#include "wrapcheck.h"

static const char * const status_names[] = {
	[VMP_WRAP_OK] = "ok",
	[VMP_WRAP_WARN] = "warn",
	[VMP_WRAP_FAIL] = "fail",
};

void vmp_wrap_check_free(VmpWrapCheck *check)
{
	if (!check)
		return;
	g_free(check->name);
	g_free(check->detail);
	g_free(check);
}

const char *vmp_wrap_status_name(VmpWrapStatus status)
{
	return status_names[status];
}

void vmp_wrap_check_add(GPtrArray *checks, const char *name,
			VmpWrapStatus status, const char *fmt, ...)
{
	VmpWrapCheck *check = g_new0(VmpWrapCheck, 1);
	va_list ap;

	check->name = g_strdup(name);
	check->status = status;
	va_start(ap, fmt);
	check->detail = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_ptr_array_add(checks, check);
}

/*
 * Drivers with driver_managed_dma, which leave the group's DMA to VFIO:
 * vfio-pci, its variant drivers (mlx5_vfio_pci, ...) and ours all have
 * "vfio" in their name; pci-stub and pcieport (bridges) are the others.
 * Any other driver holds the group's DMA, and VFIO cannot claim it.
 */
static gboolean leaves_dma_to_vfio(const char *driver)
{
	return !driver || strstr(driver, "vfio") ||
	       g_str_equal(driver, "pci-stub") || g_str_equal(driver, "pcieport");
}

/*
 * The group's other members with their drivers, read through the
 * group's own links so that a member on another bus counts too.
 */
static void check_group(const char *bdf, const char *group, GPtrArray *checks)
{
	g_autoptr(GPtrArray) members = vmp_pci_group_members(group);
	g_autoptr(GPtrArray) peers = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) blocking = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *peer_list = NULL;
	g_autofree char *blocking_list = NULL;

	if (!group) {
		vmp_wrap_check_add(checks, "iommu-group", VMP_WRAP_FAIL,
				   "No IOMMU group: the IOMMU is off or does not cover the device, and vfio-mdev-pci's probe refuses it.");
		vmp_wrap_check_add(checks, "group-peers", VMP_WRAP_OK,
				   "No IOMMU group, so no peers.");
		return;
	}
	vmp_wrap_check_add(checks, "iommu-group", VMP_WRAP_OK, "IOMMU group %s.", group);
	for (guint i = 0; i < members->len; i++) {
		const char *member = g_ptr_array_index(members, i);
		g_autofree char *link = NULL;
		g_autofree char *driver = NULL;
		char *shown;

		if (g_str_equal(member, bdf))
			continue;
		link = vmp_path("sys/kernel/iommu_groups/%s/devices/%s/driver",
				group, member);
		driver = vmp_sysfs_link_name(link);
		shown = g_strdup_printf("%s (%s)", member, driver ? driver : "no driver");
		g_ptr_array_add(peers, shown);
		if (!leaves_dma_to_vfio(driver))
			g_ptr_array_add(blocking, g_strdup(shown));
	}
	peer_list = vmp_join(peers, ", ");
	blocking_list = vmp_join(blocking, ", ");
	if (blocking->len)
		vmp_wrap_check_add(checks, "group-peers", VMP_WRAP_FAIL,
				   "IOMMU group %s also holds devices on host drivers: %s. VFIO opens a group only when every member is on a vfio driver, pci-stub, pcieport or none.",
				   group, blocking_list);
	else if (peers->len)
		vmp_wrap_check_add(checks, "group-peers", VMP_WRAP_WARN,
				   "IOMMU group %s also holds %s: the group goes to one VM as a whole.",
				   group, peer_list);
	else
		vmp_wrap_check_add(checks, "group-peers", VMP_WRAP_OK,
				   "Alone in IOMMU group %s.", group);
}

static void check_sriov(const char *bdf, VmpWrapStatus refused, GPtrArray *checks)
{
	guint vfs = vmp_pci_num_vfs(bdf);

	if (vfs == 0)
		vmp_wrap_check_add(checks, "sriov", VMP_WRAP_OK,
				   "No SR-IOV virtual functions are enabled.");
	else
		vmp_wrap_check_add(checks, "sriov", refused,
				   "%u SR-IOV virtual functions are enabled; disable them first (echo 0 > sriov_numvfs).",
				   vfs);
}

/*
 * One of parity's refusals, @clause (NULL: none; freed here), lifted by
 * bind's @option or [policy] @key. The config file is read only for a
 * refusal that is not moot, as bind reads it.
 */
static gboolean check_parity(const char *bdf, const char *name, char *clause,
			     const char *option, const char *key,
			     VmpWrapStatus refused, const char *none,
			     GPtrArray *checks, GError **error)
{
	g_autofree char *what = clause;
	g_autofree char *path = NULL;
	gboolean allowed = FALSE;

	if (!what) {
		vmp_wrap_check_add(checks, name, VMP_WRAP_OK, "%s", none);
		return TRUE;
	}
	if (refused == VMP_WRAP_WARN) {
		vmp_wrap_check_add(checks, name, VMP_WRAP_WARN, "Wrapped although %s.", what);
		return TRUE;
	}
	if (!vmp_pci_policy_allows(bdf, key, &allowed, &path, error))
		return FALSE;
	if (allowed)
		vmp_wrap_check_add(checks, name, VMP_WRAP_WARN,
				   "Allowed by [policy] %s= in %s, although %s.",
				   key, path, what);
	else
		vmp_wrap_check_add(checks, name, VMP_WRAP_FAIL,
				   "Refused: %s (bind %s, or [policy] %s= in %s, lifts this).",
				   what, option, key, path);
	return TRUE;
}

static void check_in_use(const char *bdf, VmpWrapStatus refused, GPtrArray *checks)
{
	g_autoptr(GPtrArray) uses = vmp_pci_host_uses(bdf);
	g_autofree char *list = vmp_join(uses, " ");

	if (uses->len == 0)
		vmp_wrap_check_add(checks, "in-use", VMP_WRAP_OK,
				   "The host does not use it.");
	else if (refused == VMP_WRAP_WARN)
		vmp_wrap_check_add(checks, "in-use", VMP_WRAP_WARN, "In use: %s", list);
	else
		vmp_wrap_check_add(checks, "in-use", VMP_WRAP_FAIL,
				   "In use by the host: %s", list);
}

GPtrArray *vmp_wrap_checks(const char *bdf, GError **error)
{
	g_autoptr(GPtrArray) checks =
		g_ptr_array_new_with_free_func((GDestroyNotify)vmp_wrap_check_free);
	g_autofree char *driver = NULL;
	g_autofree char *group = NULL;
	VmpWrapStatus refused;

	if (!vmp_pci_get_driver(bdf, &driver, error) ||
	    !vmp_pci_get_iommu_group(bdf, &group, error))
		return NULL;
	/* Bind does nothing for a wrapped device: its refusals are moot. */
	refused = g_strcmp0(driver, VMP_DRIVER) == 0 ? VMP_WRAP_WARN :
						       VMP_WRAP_FAIL;
	check_group(bdf, group, checks);
	check_sriov(bdf, refused, checks);
	if (!check_parity(bdf, "denylist", vmp_pci_denylist_clause(bdf),
			  "--allow-denylisted", VMP_POLICY_ALLOW_DENYLISTED, refused,
			  "Not on vfio-pci's denylist.", checks, error) ||
	    !check_parity(bdf, "variant", vmp_pci_variant_clause(bdf),
			  "--allow-variant", VMP_POLICY_ALLOW_VARIANT, refused,
			  "No vfio-pci variant driver is made for it.", checks, error))
		return NULL;
	check_in_use(bdf, refused, checks);
	return g_steal_pointer(&checks);
}

const VmpWrapCheck *vmp_wrap_first_failure(GPtrArray *checks)
{
	for (guint i = 0; i < checks->len; i++) {
		const VmpWrapCheck *check = g_ptr_array_index(checks, i);

		if (check->status == VMP_WRAP_FAIL)
			return check;
	}
	return NULL;
}
