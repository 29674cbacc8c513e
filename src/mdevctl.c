// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>

#include "mdevctl.h"
#include "pci.h"
#include "seams.h"
#include "spawn.h"

gboolean vmp_mdevctl(GError **error, ...)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
	const char *name = vmp_seam(VMP_SEAM_MDEVCTL);
	char *program;
	const char *arg;
	va_list ap;

	program = vmp_find_program(name ? name : "mdevctl",
				   "install the mdevctl package", error);
	if (!program)
		return FALSE;
	g_ptr_array_add(argv, program);
	va_start(ap, error);
	while ((arg = va_arg(ap, const char *)))
		g_ptr_array_add(argv, g_strdup(arg));
	va_end(ap);
	g_ptr_array_add(argv, NULL);
	return vmp_spawn((const char * const *)argv->pdata, error);
}

gboolean vmp_mdevctl_start(const char *parent, const char *uuid, GError **error)
{
	if (vmp_mdev_is_active(uuid))
		return TRUE;
	if (vmp_mdevctl(error, "start", "-p", parent, "-u", uuid, NULL))
		return TRUE;
	/*
	 * Someone else may have started it meanwhile: mdevctl's own udev rule
	 * races with ours where it works. What counts is that it runs.
	 */
	if (vmp_mdev_is_active(uuid)) {
		g_clear_error(error);
		return TRUE;
	}
	return FALSE;
}
