// SPDX-License-Identifier: GPL-2.0-only
#include <json-glib/json-glib.h>

#include "error.h"
#include "mdevdef.h"
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

VmpMdevDef *vmp_mdev_def_parse(const char *json, gssize len, const char *what,
			       GError **error)
{
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(VmpMdevDef) def = g_new0(VmpMdevDef, 1);
	JsonNode *root;

	if (!json_parser_load_from_data(parser, json, len, error)) {
		g_prefix_error(error, "%s is not valid JSON: ", what);
		return NULL;
	}
	root = json_parser_get_root(parser);
	if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
		invalid(error, what, "it is not a JSON object.");
		return NULL;
	}
	if (!parse_object(json_node_get_object(root), def, what, error))
		return NULL;
	return g_steal_pointer(&def);
}

static VmpMdevDef *load(const char *parent, const char *uuid, GError **error)
{
	g_autofree char *path = vmp_path("etc/mdevctl.d/%s/%s", parent, uuid);
	g_autofree char *json = NULL;
	gsize len = 0;
	VmpMdevDef *def;

	if (!g_file_get_contents(path, &json, &len, error))
		return NULL;
	def = vmp_mdev_def_parse(json, len, path, error);
	if (def) {
		def->uuid = g_strdup(uuid);
		def->parent = g_strdup(parent);
	}
	return def;
}

GPtrArray *vmp_mdev_defs_for_parent(const char *bdf, GError **error)
{
	g_autofree char *dir = vmp_path("etc/mdevctl.d/%s", bdf);
	g_autoptr(GPtrArray) uuids = vmp_sysfs_list_dir_valid(dir, vmp_uuid_is_valid);
	g_autoptr(GPtrArray) defs =
		g_ptr_array_new_with_free_func((GDestroyNotify)vmp_mdev_def_free);

	for (guint i = 0; i < uuids->len; i++) {
		VmpMdevDef *def = load(bdf, g_ptr_array_index(uuids, i), error);

		if (!def)
			return NULL;
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

		if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
			continue;
		def = load(parent, uuid, error);
		if (!def)
			return NULL;
		if (vmp_mdev_type_is_ours(def->type))
			return g_steal_pointer(&def);
	}
	return NULL;
}
