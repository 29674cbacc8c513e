// SPDX-License-Identifier: GPL-2.0-only
#include "cmd.h"
#include "rebind.h"
#include "validate.h"

#define USAGE "unbind BDF [--restore]"

gboolean vmp_cmd_unbind(VmpIo *io, int argc, char **argv, GError **error)
{
	gboolean restore = FALSE;
	const GOptionEntry entries[] = {
		{ "restore", 'r', 0, G_OPTION_ARG_NONE, &restore,
		  "Give the device back to its original driver", NULL },
		{ 0 }
	};

	(void)io;
	if (!vmp_cmd_parse("BDF", "Unbind PCI device BDF from vfio-mdev-pci.",
			   entries, &argc, &argv, error) ||
	    !vmp_cmd_want_args(argc, 1, USAGE, error) ||
	    !vmp_check_bdf(argv[1], error))
		return FALSE;
	return vmp_unbind(argv[1], restore ? VMP_UNBIND_RESTORE : 0, error);
}
