// SPDX-License-Identifier: GPL-2.0-only
/*
 * A node device definition for "virsh nodedev-define": libvirt then
 * manages the mdev through mdevctl like any other (Nova, KubeVirt).
 * The name is libvirt's own for defined mdevs, mdev_UUID_PARENT with '-',
 * ':' and '.' as '_'; libvirt recomputes it, we print it for the user.
 */
#include "cmd.h"
#include "pci.h"
#include "types.h"
#include "validate.h"
#include "vmp.h"
#include "xml.h"

gboolean vmp_cmd_nodedev_xml(VmpIo *io, int argc, char **argv, GError **error)
{
	g_autoptr(xmlDoc) doc = xmlNewDoc(BAD_CAST "1.0");
	g_autofree char *uuid = NULL;
	g_autofree char *name = NULL;
	g_autofree char *parent = NULL;
	g_autofree char *type = NULL;
	xmlNode *device;
	xmlNode *cap;
	const GOptionEntry entries[] = {
		{ "uuid", 'u', 0, G_OPTION_ARG_STRING, &uuid,
		  "UUID of the mdev (default: a new random one)", "UUID" },
		{ 0 }
	};

	if (!vmp_cmd_parse("BDF", "Print node device XML for an mdev on BDF, for virsh nodedev-define.",
			   entries, &argc, &argv, error) ||
	    !vmp_cmd_want_args(argc, 1, "nodedev-xml BDF [--uuid UUID]", error) ||
	    !vmp_check_bdf(argv[1], error))
		return FALSE;
	if (!uuid)
		uuid = g_uuid_string_random();
	if (!vmp_check_uuid(uuid, error))
		return FALSE;
	type = vmp_type_of_device(argv[1], error);
	if (!type)
		return FALSE;
	name = g_strdelimit(g_strdup_printf("mdev_%s_%s", uuid, argv[1]), "-:.", '_');
	parent = g_strdelimit(g_strdup_printf("pci_%s", argv[1]), ":.", '_');
	device = vmp_xml_add(doc, NULL, "device", NULL);
	vmp_xml_add(doc, device, "name", name);
	vmp_xml_add(doc, device, "parent", parent);
	cap = vmp_xml_add(doc, device, "capability", NULL);
	vmp_xml_set(cap, "type", "mdev");
	vmp_xml_set(vmp_xml_add(doc, cap, "type", NULL), "id", type);
	vmp_xml_add(doc, cap, "uuid", uuid);
	vmp_xml_append(io->out, doc);
	return TRUE;
}
