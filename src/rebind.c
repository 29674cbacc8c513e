// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>

#include <glib/gstdio.h>

#include "config.h"
#include "error.h"
#include "inuse.h"
#include "lock.h"
#include "parity.h"
#include "pci.h"
#include "rebind.h"
#include "root.h"
#include "seams.h"
#include "spawn.h"
#include "sysfs.h"
#include "types.h"
#include "vmp.h"

/* What we remember about @bdf: "driver", or "override" (see rebind.h). */
static char *record_path(const char *bdf, const char *what)
{
	return vmp_path("run/vfio-mdev-pci/%s.%s", bdf, what);
}

char *vmp_remembered_driver(const char *bdf)
{
	g_autofree char *path = record_path(bdf, "driver");

	return vmp_sysfs_read(path, NULL);
}

char *vmp_remembered_override(const char *bdf)
{
	g_autofree char *path = record_path(bdf, "override");
	g_autofree char *value = vmp_sysfs_read(path, NULL);

	return value && *value ? g_steal_pointer(&value) : NULL;
}

/*
 * Remember @driver and the device's driver_override @override
 * (driverctl's pin to vfio-pci, say) unless something is remembered
 * already; TRUE in @created if we did. The override goes first: a driver
 * record without it would restore "no override".
 */
static gboolean remember_driver(const char *bdf, const char *driver,
				const char *override, gboolean *created,
				GError **error)
{
	g_autofree char *path = record_path(bdf, "driver");
	g_autofree char *ovr_path = record_path(bdf, "override");
	g_autofree char *dir = g_path_get_dirname(path);

	*created = FALSE;
	if (g_file_test(path, G_FILE_TEST_EXISTS))
		return TRUE;
	if (g_mkdir_with_parents(dir, 0755) < 0) {
		g_set_error(error, VMP_ERROR, VMP_ERROR_FAILED,
			    "Could not create %s: %s.", dir, g_strerror(errno));
		return FALSE;
	}
	/* Our own override is no one's to restore. */
	if (g_strcmp0(override, VMP_DRIVER) == 0)
		override = NULL;
	if (!g_file_set_contents(ovr_path, override ? override : "", -1, error) ||
	    !g_file_set_contents(path, driver ? driver : "", -1, error)) {
		g_unlink(ovr_path);
		return FALSE;
	}
	*created = TRUE;
	return TRUE;
}

static void forget_driver(const char *bdf)
{
	g_autofree char *path = record_path(bdf, "driver");
	g_autofree char *ovr_path = record_path(bdf, "override");

	g_unlink(path);
	g_unlink(ovr_path);
}

static gboolean write_attr(const char *bdf, const char *leaf, const char *value,
			   GError **error)
{
	g_autofree char *path = vmp_pci_path(bdf, leaf);

	return vmp_sysfs_write(path, value, error);
}

static gboolean write_bus(const char *leaf, const char *bdf, GError **error)
{
	g_autofree char *path = vmp_path("sys/bus/pci/%s", leaf);

	return vmp_sysfs_write(path, bdf, error);
}

/* Detach @bdf from whatever driver it has; fine if it has none. */
static gboolean unbind_current(const char *bdf, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autofree char *driver = NULL;
	g_autofree char *path = NULL;

	if (!vmp_pci_get_driver(bdf, &driver, error))
		return FALSE;
	if (!driver)
		return TRUE;
	path = vmp_path("sys/bus/pci/drivers/%s/unbind", driver);
	if (vmp_sysfs_write(path, bdf, &local))
		return TRUE;
	/*
	 * The driver core probes a loading driver's devices before it adds
	 * the driver's bind files: at boot a device can be bound to a
	 * driver that cannot unbind it yet.
	 */
	if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
		g_set_error(error, VMP_ERROR, VMP_ERROR_FAILED,
			    "%s cannot be taken from driver '%s' yet: the driver is still registering (%s does not exist); try again once it has probed its devices.",
			    bdf, driver, path);
		return FALSE;
	}
	g_propagate_error(error, g_steal_pointer(&local));
	return FALSE;
}

static gboolean load_module(GError **error)
{
	const char *modprobe = vmp_seam(VMP_SEAM_MODPROBE);
	const char *argv[] = { modprobe ? modprobe : "modprobe", VMP_MODULE,
			       NULL };

	if (vmp_pci_driver_loaded(VMP_DRIVER))
		return TRUE;
	if (!vmp_spawn(argv, error))
		return FALSE;
	if (vmp_pci_driver_loaded(VMP_DRIVER))
		return TRUE;
	g_set_error(error, VMP_ERROR, VMP_ERROR_NOT_FOUND,
		    "The %s module is not loaded, and loading it did not register driver '%s'.",
		    VMP_MODULE, VMP_DRIVER);
	return FALSE;
}

/*
 * The module reads its type_names parameter at probe: set it from the
 * config now, so that the device offers the type the config gives it.
 */
static gboolean apply_types(GError **error)
{
	g_autoptr(VmpConfig) config = vmp_config_load(error);

	return config && vmp_types_apply(config, error);
}

static gboolean check_bindable(const char *bdf, VmpBindFlags flags,
			       GError **error)
{
	guint vfs = vmp_pci_num_vfs(bdf);

	/* The kernel refuses too; say why before touching anything. */
	if (vfs > 0) {
		g_set_error(error, VMP_ERROR, VMP_ERROR_IN_USE,
			    "PCI device %s has %u SR-IOV virtual functions enabled; disable them first (echo 0 > sriov_numvfs).",
			    bdf, vfs);
		return FALSE;
	}
	if (!vmp_pci_check_parity(bdf, flags & VMP_BIND_ALLOW_DENYLISTED,
				  flags & VMP_BIND_ALLOW_VARIANT, error))
		return FALSE;
	return vmp_pci_check_unused(bdf, flags & VMP_BIND_FORCE, error);
}

/*
 * Put things back after a failed bind: the old override, and the old
 * driver if the device is now driverless. Best effort: the caller reports
 * the original failure, which is what the user needs to see.  A driver
 * that cannot be read is left alone, and the device probed: a probe is
 * harmless for a device that has a driver.
 */
static void rollback(const char *bdf, const char *old_override,
		     gboolean created_record)
{
	g_autofree char *now = NULL;
	g_autofree char *after = NULL;

	write_attr(bdf, "driver_override", old_override ? old_override : "\n", NULL);
	if (vmp_pci_get_driver(bdf, &now, NULL) &&
	    g_strcmp0(now, VMP_DRIVER) == 0)
		unbind_current(bdf, NULL);
	if (!vmp_pci_get_driver(bdf, &after, NULL) || !after)
		write_bus("drivers_probe", bdf, NULL);
	if (created_record)
		forget_driver(bdf);
}

static gboolean rebind_to_us(const char *bdf, const char *old_driver,
			     GError **error)
{
	g_autofree char *now = NULL;

	if (!write_attr(bdf, "driver_override", VMP_DRIVER, error))
		return FALSE;
	if (old_driver && !unbind_current(bdf, error))
		return FALSE;
	if (!write_bus("drivers_probe", bdf, error) ||
	    !vmp_pci_get_driver(bdf, &now, error))
		return FALSE;
	if (g_strcmp0(now, VMP_DRIVER) == 0)
		return TRUE;
	g_set_error(error, VMP_ERROR, VMP_ERROR_FAILED,
		    "PCI device %s did not bind to %s (its driver is now '%s'); see the kernel log.",
		    bdf, VMP_DRIVER, now ? now : "none");
	return FALSE;
}

gboolean vmp_bind(const char *bdf, VmpBindFlags flags, GError **error)
{
	g_autoptr(VmpLock) lock = NULL;
	g_autofree char *driver = NULL;
	g_autofree char *old_override = NULL;
	gboolean created = FALSE;

	if (!vmp_pci_check_exists(bdf, error))
		return FALSE;
	lock = vmp_lock(bdf, error);
	if (!lock)
		return FALSE;
	if (!vmp_pci_get_driver(bdf, &driver, error))
		return FALSE;
	if (g_strcmp0(driver, VMP_DRIVER) == 0)
		return TRUE;
	if (!check_bindable(bdf, flags, error) || !load_module(error) ||
	    !apply_types(error))
		return FALSE;
	/* An override that cannot be read would be lost: refuse. */
	if (!vmp_pci_get_driver_override(bdf, &old_override, error) ||
	    !remember_driver(bdf, driver, old_override, &created, error))
		return FALSE;
	if (!rebind_to_us(bdf, driver, error)) {
		rollback(bdf, old_override, created);
		g_prefix_error(error, "Could not bind %s to %s: ", bdf, VMP_DRIVER);
		return FALSE;
	}
	return TRUE;
}

static gboolean check_unbindable(const char *bdf, const char *driver,
				 GError **error)
{
	g_autoptr(GPtrArray) active = NULL;

	if (driver && !g_str_equal(driver, VMP_DRIVER)) {
		g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
			    "PCI device %s is bound to '%s', not to %s.",
			    bdf, driver, VMP_DRIVER);
		return FALSE;
	}
	active = vmp_mdev_active_on(bdf);
	if (active->len == 0)
		return TRUE;
	/* Unbinding would remove the mdev under whoever uses it. */
	g_set_error(error, VMP_ERROR, VMP_ERROR_IN_USE,
		    "mdev %s is active on PCI device %s; stop it first (mdevctl stop -u %s).",
		    (char *)active->pdata[0], bdf, (char *)active->pdata[0]);
	return FALSE;
}

static gboolean restore(const char *bdf, GError **error)
{
	g_autofree char *wanted = vmp_remembered_driver(bdf);
	g_autofree char *now = NULL;

	if (!write_bus("drivers_probe", bdf, error) ||
	    !vmp_pci_get_driver(bdf, &now, error))
		return FALSE;
	if (wanted && *wanted && g_strcmp0(now, wanted) != 0) {
		g_set_error(error, VMP_ERROR, VMP_ERROR_FAILED,
			    "PCI device %s did not go back to driver '%s' (its driver is now '%s').",
			    bdf, wanted, now ? now : "none");
		return FALSE;
	}
	forget_driver(bdf);
	return TRUE;
}

gboolean vmp_unbind(const char *bdf, VmpUnbindFlags flags, GError **error)
{
	g_autofree char *driver = NULL;
	g_autofree char *override = NULL;
	g_autofree char *original = NULL;
	g_autoptr(VmpLock) lock = NULL;

	if (!vmp_pci_check_exists(bdf, error))
		return FALSE;
	/* Under the lock, the active-mdev check below holds until we unbind. */
	lock = vmp_lock(bdf, error);
	if (!lock)
		return FALSE;
	if (!vmp_pci_get_driver(bdf, &driver, error) ||
	    !check_unbindable(bdf, driver, error))
		return FALSE;
	/*
	 * Replace our override first, or the next probe binds us again; with
	 * the one the device had, so that a device pinned to vfio-pci goes
	 * back to vfio-pci, not to its host driver.
	 */
	if (!vmp_pci_get_driver_override(bdf, &override, error))
		return FALSE;
	original = vmp_remembered_override(bdf);
	if (g_strcmp0(override, VMP_DRIVER) == 0 &&
	    !write_attr(bdf, "driver_override", original ? original : "\n", error))
		return FALSE;
	if (!unbind_current(bdf, error))
		return FALSE;
	if ((flags & VMP_UNBIND_RESTORE) && !restore(bdf, error))
		return FALSE;
	return TRUE;
}
