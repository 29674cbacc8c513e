// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runs (from a systemd unit) when our parent registers with mdev: the
 * kernel's MDEV_STATE=registered change uevent. Each auto-start definition
 * is started with "mdevctl start", so mdevctl still runs the callouts and
 * owns its definitions.  Not "mdevctl start-parent-mdevs", which does the
 * same loop but only logs a start that failed and still exits 0, so the
 * unit would report success with an mdev missing.  Nor mdevctl's own udev
 * rule, which calls mdevctl by a path that not every distribution ships
 * it at (see the man page).
 */
#include "cmd.h"
#include "error.h"
#include "mdevctl.h"
#include "mdevdef.h"
#include "pci.h"
#include "validate.h"

#define USAGE "start-parent BDF"

gboolean vmp_cmd_start_parent(VmpIo *io, int argc, char **argv, GError **error)
{
	g_autoptr(GPtrArray) defs = NULL;
	g_autoptr(GString) failed = g_string_new(NULL);

	(void)io;
	if (!vmp_cmd_parse("BDF", "Start the auto-start vfio-mdev-pci mdevs defined on BDF.",
			   NULL, &argc, &argv, error) ||
	    !vmp_cmd_want_args(argc, 1, USAGE, error) ||
	    !vmp_check_bdf(argv[1], error))
		return FALSE;
	defs = vmp_mdev_defs_for_parent(argv[1], error);
	if (!defs)
		return FALSE;
	/* Try every definition; report all failures at the end. */
	for (guint i = 0; i < defs->len; i++) {
		VmpMdevDef *def = g_ptr_array_index(defs, i);
		g_autoptr(GError) local = NULL;

		if (!def->autostart)
			continue;
		if (!vmp_mdevctl_start(def->parent, def->uuid, &local))
			g_string_append_printf(failed, " %s: %s", def->uuid,
					       local->message);
	}
	if (failed->len == 0)
		return TRUE;
	g_set_error(error, VMP_ERROR, VMP_ERROR_FAILED,
		    "Could not start mdevs on %s:%s", argv[1], failed->str);
	return FALSE;
}
