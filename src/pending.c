// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>

#include <glib/gstdio.h>

#include "error.h"
#include "pending.h"
#include "root.h"
#include "sysfs.h"
#include "validate.h"

static char *dir_path(const char *bdf)
{
	return vmp_path("run/vfio-mdev-pci/%s.starting", bdf);
}

gboolean vmp_pending_add(const char *bdf, const char *uuid, gboolean rebound,
			 GError **error)
{
	g_autofree char *dir = dir_path(bdf);
	g_autofree char *path = g_build_filename(dir, uuid, NULL);

	if (g_mkdir_with_parents(dir, 0755) < 0) {
		g_set_error(error, VMP_ERROR, VMP_ERROR_FAILED,
			    "Could not create %s: %s.", dir, g_strerror(errno));
		return FALSE;
	}
	return g_file_set_contents(path, rebound ? "rebound" : "", -1, error);
}

gboolean vmp_pending_take(const char *bdf, const char *uuid, gboolean *rebound)
{
	g_autofree char *dir = dir_path(bdf);
	g_autofree char *path = g_build_filename(dir, uuid, NULL);
	g_autofree char *value = vmp_sysfs_read(path, NULL);

	*rebound = g_strcmp0(value, "rebound") == 0;
	if (!value)
		return FALSE;
	g_unlink(path);
	/* Leave /run as it was once nothing is in flight. */
	g_rmdir(dir);
	return TRUE;
}

gboolean vmp_pending_any(const char *bdf)
{
	g_autofree char *dir = dir_path(bdf);
	g_autoptr(GPtrArray) uuids = vmp_sysfs_list_dir_valid(dir, vmp_uuid_is_valid);

	return uuids->len > 0;
}
