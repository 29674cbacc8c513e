// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "error.h"
#include "inuse.h"
#include "pci.h"
#include "root.h"
#include "sysfs.h"

/* IFF_UP from <net/if.h>, spelt out to keep this file free of socket headers. */
#define VMP_IFF_UP 0x1

static void check_net(const char *bdf, GString *uses)
{
	g_autoptr(GPtrArray) ifs = vmp_pci_class_members(bdf, "net");

	for (guint i = 0; i < ifs->len; i++) {
		const char *ifname = g_ptr_array_index(ifs, i);
		g_autofree char *path = vmp_path("sys/class/net/%s/flags", ifname);
		g_autofree char *flags = vmp_sysfs_read(path, NULL);

		if (flags && (g_ascii_strtoull(flags, NULL, 16) & VMP_IFF_UP))
			g_string_append_printf(uses, " Network interface '%s' is up.",
					       ifname);
	}
}

/* Does any line of @file have @needle as its field number @field (0-based)? */
static gboolean file_has_field(const char *file, guint field, const char *needle)
{
	g_autofree char *path = vmp_path("%s", file);
	g_autofree char *contents = NULL;
	g_auto(GStrv) lines = NULL;

	if (!g_file_get_contents(path, &contents, NULL, NULL))
		return FALSE;
	lines = g_strsplit(contents, "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		g_auto(GStrv) fields = g_strsplit_set(lines[i], " \t", -1);

		if (g_strv_length(fields) > field &&
		    g_str_equal(fields[field], needle))
			return TRUE;
	}
	return FALSE;
}

static void check_block_one(const char *name, GString *uses)
{
	g_autofree char *dev_path = vmp_path("sys/class/block/%s/dev", name);
	g_autofree char *holders = vmp_path("sys/class/block/%s/holders", name);
	g_autofree char *devnode = g_strconcat("/dev/", name, NULL);
	g_autofree char *majmin = vmp_sysfs_read(dev_path, NULL);
	g_autoptr(GPtrArray) held_by = vmp_sysfs_list_dir(holders);

	/* mountinfo's third field is the major:minor of the mounted device. */
	if (majmin && file_has_field("proc/self/mountinfo", 2, majmin))
		g_string_append_printf(uses, " Block device '%s' is mounted.", name);
	if (file_has_field("proc/swaps", 0, devnode))
		g_string_append_printf(uses, " Block device '%s' is used as swap.", name);
	if (held_by->len > 0)
		g_string_append_printf(uses, " Block device '%s' is held by '%s'.",
				       name, (char *)g_ptr_array_index(held_by, 0));
}

static void check_block(const char *bdf, GString *uses)
{
	g_autoptr(GPtrArray) disks = vmp_pci_class_members(bdf, "block");

	for (guint i = 0; i < disks->len; i++)
		check_block_one(g_ptr_array_index(disks, i), uses);
}

gboolean vmp_pci_check_unused(const char *bdf, GError **error)
{
	g_autoptr(GString) uses = g_string_new(NULL);

	check_net(bdf, uses);
	check_block(bdf, uses);
	if (uses->len == 0)
		return TRUE;
	g_set_error(error, VMP_ERROR, VMP_ERROR_IN_USE,
		    "PCI device %s is in use by the host:%s Stop using it first, or pass --force.",
		    bdf, uses->str);
	return FALSE;
}
