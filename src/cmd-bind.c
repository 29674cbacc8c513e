// SPDX-License-Identifier: GPL-2.0-only
#include "cmd.h"
#include "rebind.h"
#include "validate.h"

#define USAGE "bind BDF [--force] [--allow-denylisted] [--allow-variant]"

gboolean vmp_cmd_bind(VmpIo *io, int argc, char **argv, GError **error)
{
	gboolean force = FALSE;
	gboolean denylisted = FALSE;
	gboolean variant = FALSE;
	const GOptionEntry entries[] = {
		{ "force", 'f', 0, G_OPTION_ARG_NONE, &force,
		  "Bind even if the host is using the device", NULL },
		{ "allow-denylisted", 0, 0, G_OPTION_ARG_NONE, &denylisted,
		  "Bind even if vfio-pci's denylist has the device", NULL },
		{ "allow-variant", 0, 0, G_OPTION_ARG_NONE, &variant,
		  "Bind even if a vfio-pci variant driver is made for the device", NULL },
		{ 0 }
	};
	VmpBindFlags flags;

	(void)io;
	if (!vmp_cmd_parse("BDF", "Bind PCI device BDF to vfio-mdev-pci, remembering its driver.",
			   entries, &argc, &argv, error) ||
	    !vmp_cmd_want_args(argc, 1, USAGE, error) ||
	    !vmp_check_bdf(argv[1], error))
		return FALSE;
	flags = (force ? VMP_BIND_FORCE : 0) |
		(denylisted ? VMP_BIND_ALLOW_DENYLISTED : 0) |
		(variant ? VMP_BIND_ALLOW_VARIANT : 0);
	return vmp_bind(argv[1], flags, error);
}
