// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"
#include "error.h"
#include "root.h"
#include "validate.h"

static const char * const give_back_names[] = {
	[VMP_GIVE_BACK_AUTO] = "auto",
	[VMP_GIVE_BACK_ALWAYS] = "always",
	[VMP_GIVE_BACK_NEVER] = "never",
};

/* group, key: everything the file may contain. */
static const char * const known_keys[][2] = {
	{ "devices", "addresses" },
	{ "devices", "ids" },
	{ "policy", "give-back" },
};

void vmp_config_free(VmpConfig *config)
{
	if (!config)
		return;
	g_free(config->path);
	g_strfreev(config->addresses);
	g_strfreev(config->ids);
	g_free(config);
}

const char *vmp_give_back_to_string(VmpGiveBack give_back)
{
	return give_back_names[give_back];
}

static gboolean is_known(const char *group, const char *key)
{
	for (guint i = 0; i < G_N_ELEMENTS(known_keys); i++) {
		if (g_str_equal(known_keys[i][0], group) &&
		    (!key || g_str_equal(known_keys[i][1], key)))
			return TRUE;
	}
	return FALSE;
}

static gboolean check_known(GKeyFile *kf, GError **error)
{
	g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);

	for (guint i = 0; groups[i]; i++) {
		g_auto(GStrv) keys = NULL;

		if (!is_known(groups[i], NULL)) {
			g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
				    "Unknown group [%s].", groups[i]);
			return FALSE;
		}
		keys = g_key_file_get_keys(kf, groups[i], NULL, NULL);
		for (guint j = 0; keys && keys[j]; j++) {
			if (is_known(groups[i], keys[j]))
				continue;
			g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
				    "Unknown key '%s' in group [%s].",
				    keys[j], groups[i]);
			return FALSE;
		}
	}
	return TRUE;
}

/* A list value, each item checked by @valid; NULL with @error on junk. */
static GStrv get_list(GKeyFile *kf, const char *group, const char *key,
		      gboolean (*valid)(const char *), const char *form,
		      GError **error)
{
	g_autofree char *raw = g_key_file_get_value(kf, group, key, NULL);
	g_auto(GStrv) items = g_strsplit_set(raw ? raw : "", ";, \t", -1);
	g_autoptr(GStrvBuilder) list = g_strv_builder_new();

	for (guint i = 0; items[i]; i++) {
		if (!*items[i])
			continue;
		if (!valid(items[i])) {
			g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
				    "'%s' in [%s] %s= is not %s.",
				    items[i], group, key, form);
			return NULL;
		}
		g_strv_builder_add(list, items[i]);
	}
	return g_strv_builder_end(list);
}

static gboolean get_give_back(GKeyFile *kf, VmpGiveBack *out, GError **error)
{
	g_autofree char *value = g_key_file_get_value(kf, "policy", "give-back",
						      NULL);

	*out = VMP_GIVE_BACK_AUTO;
	if (!value)
		return TRUE;
	g_strstrip(value);
	for (guint i = 0; i < G_N_ELEMENTS(give_back_names); i++) {
		if (g_str_equal(value, give_back_names[i])) {
			*out = i;
			return TRUE;
		}
	}
	g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
		    "'%s' in [policy] give-back= is not auto, always or never.",
		    value);
	return FALSE;
}

static gboolean parse(GKeyFile *kf, VmpConfig *config, GError **error)
{
	if (!check_known(kf, error))
		return FALSE;
	config->addresses = get_list(kf, "devices", "addresses", vmp_bdf_is_valid,
				     "a PCI address like 0000:01:00.0", error);
	if (!config->addresses)
		return FALSE;
	config->ids = get_list(kf, "devices", "ids", vmp_pci_id_is_valid,
			       "a vendor:device id like 8086:10ca", error);
	if (!config->ids)
		return FALSE;
	return get_give_back(kf, &config->give_back, error);
}

VmpConfig *vmp_config_load(GError **error)
{
	g_autoptr(VmpConfig) config = g_new0(VmpConfig, 1);
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) local = NULL;

	config->path = vmp_path("etc/vfio-mdev-pci/vfio-mdev-pci.conf");
	if (!g_key_file_load_from_file(kf, config->path, G_KEY_FILE_NONE, &local)) {
		if (!g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
			g_propagate_prefixed_error(error, g_steal_pointer(&local),
						   "%s: ", config->path);
			return NULL;
		}
		g_clear_error(&local);
	} else {
		config->exists = TRUE;
	}
	if (!parse(kf, config, error)) {
		g_prefix_error(error, "%s: ", config->path);
		return NULL;
	}
	return g_steal_pointer(&config);
}

gboolean vmp_config_names(const VmpConfig *config, const char *bdf,
			  const char *id)
{
	return g_strv_contains((const char * const *)config->addresses, bdf) ||
	       (id && g_strv_contains((const char * const *)config->ids, id));
}
