// SPDX-License-Identifier: GPL-2.0-only
#include "cmd.h"
#include "xml.h"

gboolean vmp_cmd_validate(VmpIo *io, int argc, char **argv, GError **error)
{
	g_autoptr(xmlDoc) doc = NULL;
	g_autofree char *data = NULL;
	gsize len = 0;

	if (!vmp_cmd_parse("FILE", "Validate FILE against the vfio-mdev-pci RelaxNG schemas (chosen by root element).",
			   NULL, &argc, &argv, error) ||
	    !vmp_cmd_want_args(argc, 1, "validate FILE", error))
		return FALSE;
	if (!g_file_get_contents(argv[1], &data, &len, error))
		return FALSE;
	doc = vmp_xml_parse(data, len, argv[1], error);
	if (!doc || !vmp_xml_validate(doc, argv[1], error))
		return FALSE;
	g_string_append_printf(io->out, "%s validates\n", argv[1]);
	return TRUE;
}
