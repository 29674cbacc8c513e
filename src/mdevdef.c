// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include <json-glib/json-glib.h>

#include "error.h"
#include "mdevdef.h"
#include "regfile.h"
#include "root.h"
#include "sysfs.h"
#include "validate.h"
#include "vmp.h"

void vmp_mdev_def_free(VmpMdevDef *def)
{
	if (!def)
		return;
	g_free(def->uuid);
	g_free(def->parent);
	g_free(def->type);
	g_free(def);
}

gboolean vmp_mdev_type_is_ours(const char *type)
{
	return type && g_str_has_prefix(type, VMP_TYPE_PREFIX);
}

static gboolean invalid(GError **error, const char *what, const char *why)
{
	g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
		    "%s is not an mdevctl device config: %s", what, why);
	return FALSE;
}

static gboolean parse_object(JsonObject *obj, VmpMdevDef *def,
			     const char *what, GError **error)
{
	JsonNode *type = json_object_get_member(obj, "mdev_type");
	JsonNode *start = json_object_get_member(obj, "start");
	JsonNode *attrs = json_object_get_member(obj, "attrs");

	if (!type || json_node_get_value_type(type) != G_TYPE_STRING)
		return invalid(error, what, "\"mdev_type\" is missing or not a string.");
	def->type = g_strdup(json_node_get_string(type));
	if (start) {
		const char *s = JSON_NODE_HOLDS_VALUE(start) &&
				json_node_get_value_type(start) == G_TYPE_STRING ?
				json_node_get_string(start) : NULL;

		if (g_strcmp0(s, "auto") != 0 && g_strcmp0(s, "manual") != 0)
			return invalid(error, what, "\"start\" is neither \"auto\" nor \"manual\".");
		def->autostart = g_str_equal(s, "auto");
	}
	if (attrs) {
		if (!JSON_NODE_HOLDS_ARRAY(attrs))
			return invalid(error, what, "\"attrs\" is not an array.");
		def->n_attrs = json_array_get_length(json_node_get_array(attrs));
	}
	return TRUE;
}

/*
 * Does the JSON text hold a \u0000 escape? json-glib turns it into a NUL
 * that cuts the C string short: "vfio-mdev-pci-type1\u0000x" would read
 * as our type. An escape is one whose backslash is not itself escaped.
 */
static gboolean has_nul_escape(const char *json, gsize len)
{
	for (gsize i = 0; i + 6 <= len; i++) {
		gsize backslashes = 0;

		if (g_ascii_strncasecmp(json + i, "\\u0000", 6) != 0)
			continue;
		while (backslashes < i && json[i - backslashes - 1] == '\\')
			backslashes++;
		if (backslashes % 2 == 0)
			return TRUE;
	}
	return FALSE;
}

/* Parse into @def; on failure @def->type may still be set (whose it is). */
static gboolean parse_into(const char *json, gsize len, const char *what,
			   VmpMdevDef *def, GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	JsonNode *root;

	if (!json_parser_load_from_data(parser, json, len, error)) {
		g_prefix_error(error, "%s is not valid JSON: ", what);
		return FALSE;
	}
	if (has_nul_escape(json, len))
		return invalid(error, what, "a string holds a NUL character (\\u0000).");
	root = json_parser_get_root(parser);
	if (!root || !JSON_NODE_HOLDS_OBJECT(root))
		return invalid(error, what, "it is not a JSON object.");
	return parse_object(json_node_get_object(root), def, what, error);
}

VmpMdevDef *vmp_mdev_def_parse(const char *json, gssize len, const char *what,
			       GError **error)
{
	g_autoptr(VmpMdevDef) def = g_new0(VmpMdevDef, 1);

	if (!parse_into(json, len < 0 ? strlen(json) : (gsize)len, what, def, error))
		return NULL;
	return g_steal_pointer(&def);
}

/*
 * /etc/mdevctl.d/@parent/@uuid, or NULL: with @error set for a bad file
 * (named in the message) that is ours or whose type cannot be read, and
 * without for another vendor's definition that is malformed. That one is
 * not ours to judge, and must not break "list" or our devices: skipped,
 * with a warning.
 */
static VmpMdevDef *mdev_def_load(const char *parent, const char *uuid,
				 GError **error)
{
	g_autofree char *path = vmp_path("etc/mdevctl.d/%s/%s", parent, uuid);
	g_autoptr(VmpMdevDef) def = g_new0(VmpMdevDef, 1);
	g_autoptr(GError) local = NULL;
	g_autofree char *json = NULL;
	gsize len = 0;

	if (!vmp_read_regular_file(path, VMP_MDEV_DEF_MAX, &json, &len, error))
		return NULL;
	if (!parse_into(json, len, path, def, &local)) {
		if (!def->type || vmp_mdev_type_is_ours(def->type)) {
			g_propagate_error(error, g_steal_pointer(&local));
			return NULL;
		}
		vmp_warn("skipping %s (type '%s', not ours): %s",
			 path, def->type, local->message);
		return NULL;
	}
	def->uuid = g_strdup(uuid);
	def->parent = g_strdup(parent);
	return g_steal_pointer(&def);
}

GPtrArray *vmp_mdev_defs_for_parent(const char *bdf, GError **error)
{
	g_autofree char *dir = vmp_path("etc/mdevctl.d/%s", bdf);
	g_autoptr(GPtrArray) uuids = vmp_sysfs_list_dir_valid(dir, vmp_uuid_is_valid);
	g_autoptr(GPtrArray) defs =
		g_ptr_array_new_with_free_func((GDestroyNotify)vmp_mdev_def_free);

	for (guint i = 0; i < uuids->len; i++) {
		g_autoptr(GError) local = NULL;
		VmpMdevDef *def = mdev_def_load(bdf, g_ptr_array_index(uuids, i), &local);

		if (local) {
			g_propagate_error(error, g_steal_pointer(&local));
			return NULL;
		}
		if (!def)
			continue;
		if (vmp_mdev_type_is_ours(def->type))
			g_ptr_array_add(defs, def);
		else
			vmp_mdev_def_free(def);
	}
	return g_steal_pointer(&defs);
}

gboolean vmp_mdev_parent_has_auto(const char *bdf, gboolean *has_auto,
				  GError **error)
{
	g_autoptr(GPtrArray) defs = vmp_mdev_defs_for_parent(bdf, error);

	if (!defs)
		return FALSE;
	*has_auto = FALSE;
	for (guint i = 0; i < defs->len; i++) {
		VmpMdevDef *def = g_ptr_array_index(defs, i);

		*has_auto |= def->autostart;
	}
	return TRUE;
}

VmpMdevDef *vmp_mdev_def_find(const char *uuid, GError **error)
{
	g_autofree char *base = vmp_path("etc/mdevctl.d");
	g_autoptr(GPtrArray) parents = vmp_sysfs_list_dir_valid(base, vmp_bdf_is_valid);

	g_return_val_if_fail(vmp_uuid_is_valid(uuid), NULL);
	for (guint i = 0; i < parents->len; i++) {
		const char *parent = g_ptr_array_index(parents, i);
		g_autofree char *path = vmp_path("etc/mdevctl.d/%s/%s", parent, uuid);
		g_autoptr(VmpMdevDef) def = NULL;

		if (!g_file_test(path, G_FILE_TEST_EXISTS))
			continue;
		def = mdev_def_load(parent, uuid, error);
		if (error && *error)
			return NULL;
		if (def && vmp_mdev_type_is_ours(def->type))
			return g_steal_pointer(&def);
	}
	return NULL;
}
