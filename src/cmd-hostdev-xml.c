// SPDX-License-Identifier: GPL-2.0-only
/*
 * libvirt fires no hook on hotplug, so for "virsh attach-device" we print
 * the <hostdev> element of an mdev. managed='no': libvirt must not try to
 * detach a PCI device for an mdev; the mdev exists or mdevctl starts it.
 */
#include "cmd.h"
#include "validate.h"
#include "xml.h"

gboolean vmp_cmd_hostdev_xml(VmpIo *io, int argc, char **argv, GError **error)
{
	g_autoptr(xmlDoc) doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNode *hostdev;
	xmlNode *source;
	xmlNode *address;

	if (!vmp_cmd_parse("UUID", "Print <hostdev> XML for mdev UUID, for virsh attach-device.",
			   NULL, &argc, &argv, error) ||
	    !vmp_cmd_want_args(argc, 1, "hostdev-xml UUID", error) ||
	    !vmp_check_uuid(argv[1], error))
		return FALSE;
	hostdev = vmp_xml_add(doc, NULL, "hostdev", NULL);
	vmp_xml_set(hostdev, "mode", "subsystem");
	vmp_xml_set(hostdev, "type", "mdev");
	vmp_xml_set(hostdev, "model", "vfio-pci");
	vmp_xml_set(hostdev, "managed", "no");
	source = vmp_xml_add(doc, hostdev, "source", NULL);
	address = vmp_xml_add(doc, source, "address", NULL);
	vmp_xml_set(address, "uuid", argv[1]);
	vmp_xml_append(io->out, doc);
	return TRUE;
}
