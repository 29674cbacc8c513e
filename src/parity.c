// SPDX-License-Identifier: GPL-2.0-only
#include <fnmatch.h>
#include <string.h>

#include "config.h"
#include "error.h"
#include "join.h"
#include "parity.h"
#include "pci.h"
#include "root.h"
#include "sysfs.h"

/*
 * vfio_pci_dev_in_denylist() as of Linux 6.9.1 (and the stable kernels
 * it was backported to): Intel QAT DH895XCC, C3XXX and C62X with their
 * VFs, and the Sapphire Rapids DSA and IAX (INTEL-SA-01084).
 */
static const char * const denylist[] = {
	"8086:0435", "8086:0443",	/* QAT DH895XCC, VF */
	"8086:19e2", "8086:19e3",	/* QAT C3XXX, VF */
	"8086:37c8", "8086:37c9",	/* QAT C62X, VF */
	"8086:0b25",			/* DSA, Sapphire Rapids */
	"8086:0cfe",			/* IAX, Sapphire Rapids */
};

/*
 * A driver for any device is no variant "made for" this one: vfio-pci's
 * own alias, and our module's (PCI_DRIVER_OVERRIDE_DEVICE_VFIO with
 * PCI_ANY_ID ids), are vfio_pci:v*d*sv*sd*bc*sc*i*.  Every variant driver
 * names its vendor at least.
 */
#define ANY_DEVICE "vfio_pci:v*d*"

char *vmp_pci_denylisted(const char *bdf)
{
	g_autofree char *id = vmp_pci_id(bdf);

	for (guint i = 0; id && i < G_N_ELEMENTS(denylist); i++) {
		if (g_str_equal(id, denylist[i]))
			return g_steal_pointer(&id);
	}
	return NULL;
}

/* The running kernel's release, as uname -r; NULL if it is not a name. */
static char *kernel_release(void)
{
	g_autofree char *path = vmp_path("proc/sys/kernel/osrelease");
	g_autofree char *release = vmp_sysfs_read(path, NULL);

	if (!release || !*release || strchr(release, '/') || *release == '.')
		return NULL;
	return g_steal_pointer(&release);
}

/* Modules of @file's "alias vfio_pci:PATTERN MODULE" lines matching @alias. */
static void match_aliases(const char *file, const char *alias, GPtrArray *found)
{
	g_auto(GStrv) lines = vmp_sysfs_read_lines(file);

	for (guint i = 0; lines && lines[i]; i++) {
		g_auto(GStrv) f = NULL;

		if (!g_str_has_prefix(lines[i], "alias vfio_pci:"))
			continue;
		f = g_strsplit(lines[i], " ", -1);
		if (g_strv_length(f) != 3 || g_str_has_prefix(f[1], ANY_DEVICE) ||
		    fnmatch(f[1], alias, 0) != 0)
			continue;
		if (!g_ptr_array_find_with_equal_func(found, f[2], g_str_equal, NULL))
			g_ptr_array_add(found, g_strdup(f[2]));
	}
}

GPtrArray *vmp_pci_vfio_variants(const char *bdf)
{
	static const char * const files[] = { "modules.alias", "modules.builtin.alias" };
	GPtrArray *found = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *modalias_path = vmp_pci_path(bdf, "modalias");
	g_autofree char *modalias = vmp_sysfs_read(modalias_path, NULL);
	g_autofree char *release = kernel_release();
	g_autofree char *alias = NULL;

	if (!release || !modalias || !g_str_has_prefix(modalias, "pci:"))
		return found;
	/* pci:v...d... is vfio_pci:v...d... to the aliases of variants. */
	alias = g_strconcat("vfio_", modalias, NULL);
	for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
		g_autofree char *file = vmp_path("lib/modules/%s/%s", release, files[i]);

		match_aliases(file, alias, found);
	}
	return found;
}

gboolean vmp_pci_policy_allows(const char *bdf, const char *key,
			       gboolean *allowed, char **path, GError **error)
{
	g_autoptr(VmpConfig) config = vmp_config_load(error);
	g_autofree char *id = vmp_pci_id(bdf);
	GStrv list;

	if (!config)
		return FALSE;
	list = g_str_equal(key, VMP_POLICY_ALLOW_DENYLISTED) ?
	       config->allow_denylisted : config->allow_variant;
	*allowed = vmp_config_list_names(list, bdf, id);
	*path = g_strdup(config->path);
	return TRUE;
}

char *vmp_pci_denylist_clause(const char *bdf)
{
	g_autofree char *denied = vmp_pci_denylisted(bdf);

	return denied ? g_strdup_printf("its id %s is on vfio-pci's denylist", denied) :
			NULL;
}

char *vmp_pci_variant_clause(const char *bdf)
{
	g_autoptr(GPtrArray) variants = vmp_pci_vfio_variants(bdf);
	g_autofree char *modules = NULL;

	if (variants->len == 0)
		return NULL;
	modules = vmp_join(variants, ", ");
	return g_strdup_printf("vfio-pci variant driver %s is made for it", modules);
}

/*
 * A refusal of @bdf (@what, for the error and the warning), lifted by
 * @option or by the config file's [policy] @key.
 */
static gboolean refuse_unless(const char *bdf, gboolean by_option,
			      const char *option, const char *key,
			      const char *what, const char *why, GError **error)
{
	g_autofree char *path = NULL;
	gboolean by_config = FALSE;

	if (by_option) {
		vmp_warn("%s: wrapping PCI device %s although %s.", option, bdf, what);
		return TRUE;
	}
	if (!vmp_pci_policy_allows(bdf, key, &by_config, &path, error))
		return FALSE;
	if (by_config) {
		vmp_warn("[policy] %s= in %s: wrapping PCI device %s although %s.",
			 key, path, bdf, what);
		return TRUE;
	}
	g_set_error(error, VMP_ERROR, VMP_ERROR_REFUSED,
		    "PCI device %s is refused: %s; %s Pass %s, or name the device in [policy] %s= of %s, to wrap it anyway.",
		    bdf, what, why, option, key, path);
	return FALSE;
}

gboolean vmp_pci_check_parity(const char *bdf, gboolean allow_denylisted,
			      gboolean allow_variant, GError **error)
{
	g_autofree char *denied = vmp_pci_denylist_clause(bdf);
	g_autofree char *variant = NULL;

	if (denied &&
	    !refuse_unless(bdf, allow_denylisted, "--allow-denylisted",
			   VMP_POLICY_ALLOW_DENYLISTED, denied,
			   "the device has known errata that untrusted users may exploit, and vfio-pci binds it only with disable_denylist=1.",
			   error))
		return FALSE;
	variant = vmp_pci_variant_clause(bdf);
	if (!variant)
		return TRUE;
	return refuse_unless(bdf, allow_variant, "--allow-variant",
			     VMP_POLICY_ALLOW_VARIANT, variant,
			     "wrapped, it would lose what that driver adds (live migration, device quirks): give it to the guest through that driver instead.",
			     error);
}
