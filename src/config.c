// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "config.h"
#include "error.h"
#include "regfile.h"
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
	{ "policy", "allow-denylisted" },
	{ "policy", "allow-variant" },
};

void vmp_config_free(VmpConfig *config)
{
	if (!config)
		return;
	g_free(config->path);
	g_strfreev(config->addresses);
	g_strfreev(config->ids);
	g_strfreev(config->allow_denylisted);
	g_strfreev(config->allow_variant);
	g_strfreev(config->type_keys);
	g_strfreev(config->type_names);
	g_free(config);
}

const char *vmp_give_back_to_string(VmpGiveBack give_back)
{
	return give_back_names[give_back];
}

static gboolean is_known(const char *group, const char *key)
{
	/* Its keys name devices; get_types() checks them. */
	if (g_str_equal(group, "types"))
		return TRUE;
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

/*
 * GKeyFile keeps the last of two equal keys: a second "give-back=" would
 * silently override the first. Refuse them, with both lines. The text
 * has loaded as a key file, so each line is a comment, a [group] or a
 * key=value.
 */
static gboolean check_duplicates(const char *text, GError **error)
{
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal,
							   g_free, NULL);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	g_autofree char *group = g_strdup("");

	for (guint i = 0; lines[i]; i++) {
		g_autofree char *line = g_strstrip(g_strdup(lines[i]));
		g_autofree char *key = NULL;
		char *eq = strchr(line, '=');
		gpointer first;

		if (*line == '[') {
			g_free(group);
			group = g_strndup(line + 1, strcspn(line + 1, "]"));
			continue;
		}
		if (*line == '#' || !eq)
			continue;
		*eq = '\0';
		key = g_strdup_printf("[%s] %s", group, g_strchomp(line));
		if (g_hash_table_lookup_extended(seen, key, NULL, &first)) {
			g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
				    "line %u: duplicate key '%s' in group [%s] (first on line %u).",
				    i + 1, line, group, GPOINTER_TO_UINT(first));
			return FALSE;
		}
		g_hash_table_insert(seen, g_steal_pointer(&key), GUINT_TO_POINTER(i + 1));
	}
	return TRUE;
}

static gboolean is_type_key(const char *key)
{
	return vmp_bdf_is_valid(key) || vmp_pci_subsys_id_is_valid(key) ||
	       vmp_pci_id_is_valid(key);
}

/*
 * [types]: KEY=NAME in file order. A name of the default form (vvvv-dddd)
 * would be another model's type, and a name given twice would put two
 * keys' devices in one type: both are clashes.
 */
static gboolean get_types(GKeyFile *kf, VmpConfig *config, GError **error)
{
	g_auto(GStrv) keys = g_key_file_get_keys(kf, "types", NULL, NULL);
	g_autoptr(GStrvBuilder) names = g_strv_builder_new();
	/* name -> the key that gave it */
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash,
							   g_str_equal,
							   g_free, NULL);

	for (guint i = 0; keys && keys[i]; i++) {
		g_autofree char *name = g_key_file_get_value(kf, "types",
							     keys[i], NULL);
		const char *first;

		g_strstrip(name);
		if (!is_type_key(keys[i])) {
			g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
				    "[types] %s= names no device: a key is an address (0000:01:00.0), vendor:device (8086:10ca) or vendor:device:subvendor:subdevice (8086:10ca:8086:a02c), lowercase.",
				    keys[i]);
			return FALSE;
		}
		if (!vmp_check_type_name(name, error)) {
			g_prefix_error(error, "[types] %s=: ", keys[i]);
			return FALSE;
		}
		if (vmp_type_name_is_default(name)) {
			g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
				    "[types] %s=: type name '%s' clashes with the default name of model %.4s:%s.",
				    keys[i], name, name, name + 5);
			return FALSE;
		}
		first = g_hash_table_lookup(seen, name);
		if (first) {
			g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
				    "[types] %s=: type name '%s' clashes with %s=: one name, one type of device.",
				    keys[i], name, first);
			return FALSE;
		}
		g_hash_table_insert(seen, g_strdup(name), keys[i]);
		g_strv_builder_add(names, name);
	}
	config->type_names = g_strv_builder_end(names);
	config->type_keys = keys ? g_steal_pointer(&keys) : g_new0(char *, 1);
	return TRUE;
}

static gboolean is_address_or_id(const char *item)
{
	return vmp_bdf_is_valid(item) || vmp_pci_id_is_valid(item);
}

static gboolean config_parse_keys(GKeyFile *kf, VmpConfig *config,
				  GError **error)
{
	static const char form[] = "a PCI address or a vendor:device id";

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
	config->allow_denylisted = get_list(kf, "policy", "allow-denylisted",
					    is_address_or_id, form, error);
	if (!config->allow_denylisted)
		return FALSE;
	config->allow_variant = get_list(kf, "policy", "allow-variant",
					 is_address_or_id, form, error);
	if (!config->allow_variant)
		return FALSE;
	return get_types(kf, config, error) &&
	       get_give_back(kf, &config->give_back, error);
}

/* The file's text, or "" if there is none (an empty config). */
static char *read_text(VmpConfig *config, GError **error)
{
	g_autoptr(GError) local = NULL;
	char *text = NULL;

	if (vmp_read_regular_file(config->path, VMP_CONFIG_MAX, &text, NULL, &local)) {
		config->exists = TRUE;
		return text;
	}
	if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
		return g_strdup("");
	g_propagate_error(error, g_steal_pointer(&local));
	return NULL;
}

VmpConfig *vmp_config_load(GError **error)
{
	g_autoptr(VmpConfig) config = g_new0(VmpConfig, 1);
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autofree char *text = NULL;

	config->path = vmp_path("etc/vfio-mdev-pci/vfio-mdev-pci.conf");
	text = read_text(config, error);
	if (!text)
		return NULL;
	if (!g_key_file_load_from_data(kf, text, -1, G_KEY_FILE_NONE, error) ||
	    !check_duplicates(text, error) || !config_parse_keys(kf, config, error)) {
		/* Some messages name the file already; every one must. */
		if (!strstr((*error)->message, config->path))
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

gboolean vmp_config_list_names(GStrv list, const char *bdf, const char *id)
{
	return g_strv_contains((const char * const *)list, bdf) ||
	       (id && g_strv_contains((const char * const *)list, id));
}
