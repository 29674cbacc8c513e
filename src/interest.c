// SPDX-License-Identifier: GPL-2.0-only
#include "interest.h"
#include "mdevdef.h"
#include "pci.h"
#include "vmp.h"

static gboolean of_interest(const char *bdf, const VmpConfig *config,
			    gboolean *interesting, GError **error)
{
	g_autofree char *driver = NULL;
	g_autofree char *override = NULL;
	g_autofree char *id = vmp_pci_id(bdf);
	g_autoptr(GPtrArray) defs = NULL;

	if (!vmp_pci_get_driver(bdf, &driver, error) ||
	    !vmp_pci_get_driver_override(bdf, &override, error))
		return FALSE;
	defs = vmp_mdev_defs_for_parent(bdf, error);
	if (!defs)
		return FALSE;
	*interesting = g_strcmp0(driver, VMP_DRIVER) == 0 ||
		       g_strcmp0(override, VMP_DRIVER) == 0 ||
		       defs->len > 0 || vmp_config_names(config, bdf, id);
	return TRUE;
}

GPtrArray *vmp_pci_list_of_interest(const VmpConfig *config, gboolean all,
				    GError **error)
{
	g_autoptr(GPtrArray) bdfs = vmp_pci_list_all();

	for (guint i = bdfs->len; i > 0; i--) {
		gboolean interesting = FALSE;

		if (!of_interest(g_ptr_array_index(bdfs, i - 1), config,
				 &interesting, error))
			return NULL;
		if (!all && !interesting)
			g_ptr_array_remove_index(bdfs, i - 1);
	}
	return g_steal_pointer(&bdfs);
}
