// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>

#include "error.h"
#include "inuse.h"
#include "inuse-checks.h"
#include "pci.h"
#include "root.h"
#include "sysfs.h"

/* IFF_UP from <net/if.h>, spelt out to keep this file free of socket headers. */
#define VMP_IFF_UP 0x1

static void add(GPtrArray *uses, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void add(GPtrArray *uses, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_ptr_array_add(uses, g_strdup_vprintf(fmt, ap));
	va_end(ap);
}

static void check_net(const char *bdf, GPtrArray *uses)
{
	g_autoptr(GPtrArray) ifs = vmp_pci_class_members(bdf, "net");

	for (guint i = 0; i < ifs->len; i++) {
		const char *ifname = g_ptr_array_index(ifs, i);
		g_autofree char *path = vmp_path("sys/class/net/%s/flags", ifname);
		g_autofree char *flags = vmp_sysfs_read(path, NULL);

		if (flags && (g_ascii_strtoull(flags, NULL, 16) & VMP_IFF_UP))
			add(uses, "Network interface '%s' is up.", ifname);
	}
}

GPtrArray *vmp_pci_host_uses(const char *bdf)
{
	GPtrArray *uses = g_ptr_array_new_with_free_func(g_free);

	check_net(bdf, uses);
	vmp_inuse_block(bdf, uses);
	return uses;
}

gboolean vmp_pci_check_unused(const char *bdf, GError **error)
{
	g_autoptr(GPtrArray) uses = vmp_pci_host_uses(bdf);
	g_autofree char *list = NULL;

	if (uses->len == 0)
		return TRUE;
	g_ptr_array_add(uses, NULL);
	list = g_strjoinv(" ", (char **)uses->pdata);
	g_set_error(error, VMP_ERROR, VMP_ERROR_IN_USE,
		    "PCI device %s is in use by the host: %s Stop using it first, or pass --force.",
		    bdf, list);
	return FALSE;
}
