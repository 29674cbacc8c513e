// SPDX-License-Identifier: GPL-2.0-only
#include "cmd.h"
#include "rebind.h"
#include "validate.h"

#define USAGE "bind BDF [--force]"

gboolean vmp_cmd_bind(VmpIo *io, int argc, char **argv, GError **error)
{
	gboolean force = FALSE;
	const GOptionEntry entries[] = {
		{ "force", 'f', 0, G_OPTION_ARG_NONE, &force,
		  "Bind even if the host is using the device", NULL },
		{ NULL }
	};

	(void)io;
	if (!vmp_cmd_parse("BDF", "Bind PCI device BDF to vfio-mdev-pci, remembering its driver.",
			   entries, &argc, &argv, error) ||
	    !vmp_cmd_want_args(argc, 1, USAGE, error) ||
	    !vmp_check_bdf(argv[1], error))
		return FALSE;
	return vmp_bind(argv[1], force ? VMP_BIND_FORCE : 0, error);
}
