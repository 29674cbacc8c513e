// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runs for every PCI "add" uevent (coldplug at boot included), so the
 * common case - not ours - must read as little as possible and stay
 * quiet. With --check it only answers, in udev's IMPORT{program} format;
 * the rebind itself then runs from a systemd unit, not from udev.
 */
#include "cmd.h"
#include "config.h"
#include "mdevdef.h"
#include "pci.h"
#include "rebind.h"
#include "validate.h"

#define USAGE "udev-add BDF [--check]"

static gboolean wanted(const char *bdf, gboolean *want, GError **error)
{
	g_autoptr(VmpConfig) config = NULL;
	g_autofree char *id = NULL;

	/* A broken config claims nothing, definitions included (conf(5)). */
	config = vmp_config_load(error);
	if (!config)
		return FALSE;
	if (!vmp_mdev_parent_has_auto(bdf, want, error))
		return FALSE;
	if (*want)
		return TRUE;
	id = vmp_pci_id(bdf);
	*want = vmp_config_names(config, bdf, id);
	return TRUE;
}

gboolean vmp_cmd_udev_add(VmpIo *io, int argc, char **argv, GError **error)
{
	gboolean check = FALSE;
	gboolean want = FALSE;
	const GOptionEntry entries[] = {
		{ "check", 'c', 0, G_OPTION_ARG_NONE, &check,
		  "Only print VFIO_MDEV_PCI_WANTED=1 if the device is ours", NULL },
		{ 0 }
	};

	if (!vmp_cmd_parse("BDF", "Bind BDF to vfio-mdev-pci if it has an auto-start definition or is named in the config file.",
			   entries, &argc, &argv, error) ||
	    !vmp_cmd_want_args(argc, 1, USAGE, error) ||
	    !vmp_check_bdf(argv[1], error) ||
	    !wanted(argv[1], &want, error))
		return FALSE;
	if (!want)
		return TRUE;
	if (check) {
		g_string_append(io->out, "VFIO_MDEV_PCI_WANTED=1\n");
		return TRUE;
	}
	/*
	 * No --force: at boot a new device has no interface up and nothing
	 * mounted, so the check costs nothing; on a hotplug it protects a
	 * device someone has started to use meanwhile.
	 */
	return vmp_bind(argv[1], 0, error);
}
