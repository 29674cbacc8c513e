// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>

#include "error.h"
#include "inuse.h"
#include "inuse-checks.h"
#include "join.h"
#include "pci.h"
#include "root.h"
#include "sysfs.h"

/* IFF_UP from <net/if.h>, spelt out to keep this file free of socket headers. */
#define VMP_IFF_UP 0x1

static void add_use(GPtrArray *uses, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void add_use(GPtrArray *uses, const char *fmt, ...)
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
		g_autofree char *master_path = vmp_path("sys/class/net/%s/master", ifname);
		g_autofree char *flags = vmp_sysfs_read(path, NULL);
		g_autofree char *master = vmp_sysfs_link_name(master_path);

		if (flags && (g_ascii_strtoull(flags, NULL, 16) & VMP_IFF_UP))
			add_use(uses, "Network interface '%s' is up.", ifname);
		/* A bond slave or bridge port, even while down. */
		if (master)
			add_use(uses, "Network interface '%s' is enslaved to '%s'.",
				ifname, master);
	}
}

/*
 * The local console: the firmware's boot display (boot_vga, set on the
 * VGA device the firmware used), a serial port of the function named in
 * /sys/class/tty/console/active, or fb0, the framebuffer fbcon puts the
 * virtual consoles on by default.
 */
static void check_console(const char *bdf, GPtrArray *uses)
{
	g_autofree char *vga_path = vmp_pci_path(bdf, "boot_vga");
	g_autofree char *vga = vmp_sysfs_read(vga_path, NULL);
	g_autofree char *active_path = vmp_path("sys/class/tty/console/active");
	g_autofree char *active = vmp_sysfs_read(active_path, NULL);
	g_auto(GStrv) consoles = g_strsplit(active ? active : "", " ", -1);
	g_autoptr(GPtrArray) ttys = vmp_pci_class_members(bdf, "tty");
	g_autoptr(GPtrArray) fbs = vmp_pci_class_members(bdf, "graphics");

	if (g_strcmp0(vga, "1") == 0)
		add_use(uses, "It is the boot display (boot_vga is 1).");
	for (guint i = 0; i < ttys->len; i++) {
		const char *tty = g_ptr_array_index(ttys, i);

		if (g_strv_contains((const char * const *)consoles, tty))
			add_use(uses, "Its serial port '%s' is a system console.", tty);
	}
	for (guint i = 0; i < fbs->len; i++) {
		if (g_str_equal(g_ptr_array_index(fbs, i), "fb0"))
			add_use(uses, "Its framebuffer 'fb0' shows the virtual consoles.");
	}
}

GPtrArray *vmp_pci_host_uses(const char *bdf)
{
	GPtrArray *uses = g_ptr_array_new_with_free_func(g_free);

	check_net(bdf, uses);
	vmp_inuse_block(bdf, uses);
	vmp_inuse_vfio(bdf, uses);
	check_console(bdf, uses);
	return uses;
}

GPtrArray *vmp_pci_vfio_users(const char *bdf)
{
	GPtrArray *uses = g_ptr_array_new_with_free_func(g_free);

	vmp_inuse_vfio(bdf, uses);
	return uses;
}

gboolean vmp_pci_check_unused(const char *bdf, gboolean force, GError **error)
{
	g_autoptr(GPtrArray) uses = vmp_pci_host_uses(bdf);
	g_autofree char *list = NULL;

	if (uses->len == 0)
		return TRUE;
	list = vmp_join(uses, " ");
	if (force) {
		vmp_warn("--force: using PCI device %s although the host uses it: %s",
			 bdf, list);
		return TRUE;
	}
	g_set_error(error, VMP_ERROR, VMP_ERROR_IN_USE,
		    "PCI device %s is in use by the host: %s Stop using it first, or pass --force.",
		    bdf, list);
	return FALSE;
}
