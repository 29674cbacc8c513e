// SPDX-License-Identifier: GPL-2.0-only
/*
 * Everything back to the host, as the package's removal needs it: stop
 * the active mdevs of every device on (or overridden to) vfio-mdev-pci
 * and give each device back to the driver it had, with the
 * driver_override it had. Definitions stay: they are the administrator's.
 *
 * A VFIO user of any of the devices (a running guest) refuses the whole
 * run before anything changes: stopping its mdev would have the kernel
 * ask QEMU to unplug the device from the guest, and a half-done removal
 * would leave some devices given back and some not.
 */
#include "cmd.h"
#include "error.h"
#include "inuse.h"
#include "mdevctl.h"
#include "pci.h"
#include "rebind.h"
#include "vmp.h"

#define USAGE "release-all"

/* The functions bound to vfio-mdev-pci, or that would bind to it. */
static GPtrArray *our_devices(GError **error)
{
	g_autoptr(GPtrArray) all = vmp_pci_list_all();
	g_autoptr(GPtrArray) ours = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < all->len; i++) {
		const char *bdf = g_ptr_array_index(all, i);
		g_autofree char *driver = NULL;
		g_autofree char *override = NULL;

		if (!vmp_pci_get_driver(bdf, &driver, error) ||
		    !vmp_pci_get_driver_override(bdf, &override, error))
			return NULL;
		if (g_strcmp0(driver, VMP_DRIVER) == 0 ||
		    g_strcmp0(override, VMP_DRIVER) == 0)
			g_ptr_array_add(ours, g_strdup(bdf));
	}
	return g_steal_pointer(&ours);
}

/*
 * Fails naming every VFIO user of every device in @devices.  Only those:
 * a wrapped boot display or console port goes back to the host, which
 * is what it is for.
 */
static gboolean check_unused(GPtrArray *devices, GError **error)
{
	g_autoptr(GString) uses = g_string_new(NULL);

	for (guint i = 0; i < devices->len; i++) {
		const char *bdf = g_ptr_array_index(devices, i);
		g_autoptr(GPtrArray) found = vmp_pci_vfio_users(bdf);

		for (guint j = 0; j < found->len; j++)
			g_string_append_printf(uses, " %s: %s", bdf,
					       (char *)g_ptr_array_index(found, j));
	}
	if (uses->len == 0)
		return TRUE;
	g_set_error(error, VMP_ERROR, VMP_ERROR_IN_USE,
		    "Nothing was released; in use:%s Shut down the guests using these devices first.",
		    uses->str);
	return FALSE;
}

static gboolean release(VmpIo *io, const char *bdf, GError **error)
{
	g_autoptr(GPtrArray) active = vmp_mdev_active_on(bdf);
	g_autofree char *driver = NULL;
	g_autofree char *override = NULL;

	for (guint i = 0; i < active->len; i++) {
		const char *uuid = g_ptr_array_index(active, i);

		/* mdevctl runs the callouts, ours (which may give back) too. */
		if (!vmp_mdevctl(error, "stop", "-u", uuid, NULL)) {
			g_prefix_error(error, "%s: ", bdf);
			return FALSE;
		}
		g_string_append_printf(io->out, "%s: stopped mdev %s\n", bdf, uuid);
	}
	if (!vmp_pci_get_driver(bdf, &driver, error) ||
	    !vmp_pci_get_driver_override(bdf, &override, error))
		return FALSE;
	if (g_strcmp0(driver, VMP_DRIVER) == 0 ||
	    g_strcmp0(override, VMP_DRIVER) == 0) {
		if (!vmp_unbind(bdf, VMP_UNBIND_RESTORE, error))
			return FALSE;
		g_clear_pointer(&driver, g_free);
		if (!vmp_pci_get_driver(bdf, &driver, error))
			return FALSE;
	}
	g_string_append_printf(io->out, "%s: on %s\n", bdf,
			       driver ? driver : "no driver");
	return TRUE;
}

gboolean vmp_cmd_release_all(VmpIo *io, int argc, char **argv, GError **error)
{
	g_autoptr(GPtrArray) devices = NULL;

	if (!vmp_cmd_parse(NULL, "Stop every active mdev of vfio-mdev-pci and give every device back to its original driver; refused, changing nothing, while a guest uses one.",
			   NULL, &argc, &argv, error) ||
	    !vmp_cmd_want_args(argc, 0, USAGE, error))
		return FALSE;
	devices = our_devices(error);
	if (!devices || !check_unused(devices, error))
		return FALSE;
	for (guint i = 0; i < devices->len; i++) {
		if (!release(io, g_ptr_array_index(devices, i), error))
			return FALSE;
	}
	return TRUE;
}
