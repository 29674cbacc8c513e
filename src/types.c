// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "error.h"
#include "pci.h"
#include "root.h"
#include "sysfs.h"
#include "types.h"
#include "vmp.h"

static char *read_hex(const char *bdf, const char *leaf, GError **error)
{
	g_autofree char *path = vmp_pci_path(bdf, leaf);
	g_autofree char *value = vmp_sysfs_read(path, error);

	if (!value)
		return NULL;
	/* sysfs shows "0x8086"; keys and names have "8086". */
	if (!g_str_has_prefix(value, "0x") || strlen(value) != 6) {
		g_set_error(error, VMP_ERROR, VMP_ERROR_FAILED,
			    "%s reads '%s', not a 16-bit id.", path, value);
		return NULL;
	}
	return g_ascii_strdown(value + 2, -1);
}

/* The model type a bound @bdf offers, or NULL if it offers none. */
static char *type_offered(const char *bdf)
{
	g_autofree char *dir = vmp_pci_path(bdf, "mdev_supported_types");
	g_autoptr(GPtrArray) types = vmp_sysfs_list_dir(dir);
	gboolean legacy = FALSE;

	for (guint i = 0; i < types->len; i++) {
		const char *type = types->pdata[i];

		if (g_str_equal(type, VMP_LEGACY_TYPE))
			legacy = TRUE;
		else if (g_str_has_prefix(type, VMP_TYPE_PREFIX))
			return g_strdup(type);
	}
	return legacy ? g_strdup(VMP_LEGACY_TYPE) : NULL;
}

static const char *config_name(const VmpConfig *config, const char *key)
{
	for (guint i = 0; config->type_keys[i]; i++)
		if (g_str_equal(config->type_keys[i], key))
			return config->type_names[i];
	return NULL;
}

char *vmp_type_of(const VmpConfig *config, const char *bdf, GError **error)
{
	g_autofree char *offered = NULL;
	g_autofree char *vendor = NULL;
	g_autofree char *device = NULL;
	g_autofree char *sub_vendor = NULL;
	g_autofree char *sub_device = NULL;
	g_autofree char *driver = NULL;
	g_autofree char *subsys = NULL;
	g_autofree char *id = NULL;
	const char *name;

	if (!vmp_pci_get_driver(bdf, &driver, error))
		return NULL;
	if (g_strcmp0(driver, VMP_DRIVER) == 0) {
		offered = type_offered(bdf);
		if (offered)
			return g_steal_pointer(&offered);
	}
	vendor = read_hex(bdf, "vendor", error);
	device = vendor ? read_hex(bdf, "device", error) : NULL;
	sub_vendor = device ? read_hex(bdf, "subsystem_vendor", error) : NULL;
	sub_device = sub_vendor ? read_hex(bdf, "subsystem_device", error) : NULL;
	if (!sub_device) {
		g_prefix_error(error, "The mdev type of %s: ", bdf);
		return NULL;
	}
	subsys = g_strdup_printf("%s:%s:%s:%s", vendor, device, sub_vendor,
				 sub_device);
	id = g_strdup_printf("%s:%s", vendor, device);
	/* The kernel's order (kernel/type_name.c): the most specific wins. */
	name = config_name(config, bdf);
	if (!name)
		name = config_name(config, subsys);
	if (!name)
		name = config_name(config, id);
	if (name)
		return g_strconcat(VMP_TYPE_PREFIX, name, NULL);
	return g_strdup_printf("%s%s-%s", VMP_TYPE_PREFIX, vendor, device);
}

char *vmp_type_of_device(const char *bdf, GError **error)
{
	g_autoptr(VmpConfig) config = vmp_config_load(error);

	return config ? vmp_type_of(config, bdf, error) : NULL;
}

gboolean vmp_type_check_offered(const char *bdf, const char *type,
				GError **error)
{
	g_autofree char *model = NULL;

	if (g_str_equal(type, VMP_LEGACY_TYPE))
		return TRUE;
	model = vmp_type_of_device(bdf, error);
	if (!model)
		return FALSE;
	if (g_str_equal(type, model))
		return TRUE;
	g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
		    "%s offers mdev type '%s' (and the legacy '%s'), not '%s'.",
		    bdf, model, VMP_LEGACY_TYPE, type);
	return FALSE;
}

/* The parameter's value for @config: "key=name,..." or "". */
static char *param_value(const VmpConfig *config)
{
	g_autoptr(GString) value = g_string_new(NULL);

	for (guint i = 0; config->type_keys[i]; i++)
		g_string_append_printf(value, "%s%s=%s", i ? "," : "",
				       config->type_keys[i],
				       config->type_names[i]);
	return g_string_free(g_steal_pointer(&value), FALSE);
}

gboolean vmp_types_apply(const VmpConfig *config, GError **error)
{
	g_autofree char *path =
		vmp_path("sys/module/%s/parameters/type_names", VMP_MODULE);
	g_autofree char *want = param_value(config);
	g_autofree char *have = NULL;

	if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
		/* A module from before named types, until it is reloaded. */
		if (*want)
			vmp_warn("the loaded %s module predates type names: [types] in %s applies once the new module is loaded.",
				 VMP_MODULE, config->path);
		return TRUE;
	}
	have = vmp_sysfs_read(path, error);
	if (!have)
		return FALSE;
	if (g_str_equal(have, want))
		return TRUE;
	/* An empty write clears it; the kernel takes one newline too. */
	return vmp_sysfs_write(path, *want ? want : "\n", error);
}
