// SPDX-License-Identifier: GPL-2.0-only
#include "cmd.h"
#include "mdevctl.h"
#include "pci.h"
#include "types.h"
#include "validate.h"
#include "vmp.h"

#define USAGE "define BDF [--uuid UUID] [--auto]"

gboolean vmp_cmd_define(VmpIo *io, int argc, char **argv, GError **error)
{
	g_autofree char *uuid = NULL;
	g_autofree char *type = NULL;
	gboolean autostart = FALSE;
	const GOptionEntry entries[] = {
		{ "uuid", 'u', 0, G_OPTION_ARG_STRING, &uuid,
		  "UUID of the mdev (default: a new random one)", "UUID" },
		{ "auto", 'a', 0, G_OPTION_ARG_NONE, &autostart,
		  "Start the mdev at boot", NULL },
		{ 0 }
	};

	if (!vmp_cmd_parse("BDF", "Define a persistent mdev of BDF's model type on BDF with mdevctl and print its UUID.",
			   entries, &argc, &argv, error) ||
	    !vmp_cmd_want_args(argc, 1, USAGE, error) ||
	    !vmp_pci_check_exists(argv[1], error))
		return FALSE;
	if (!uuid)
		uuid = g_uuid_string_random();
	if (!vmp_check_uuid(uuid, error))
		return FALSE;
	type = vmp_type_of_device(argv[1], error);
	if (!type)
		return FALSE;
	if (!vmp_mdevctl(error, "define", "-p", argv[1], "-t", type,
			 "-u", uuid, autostart ? "--auto" : NULL, NULL))
		return FALSE;
	g_string_append_printf(io->out, "%s\n", uuid);
	return TRUE;
}
