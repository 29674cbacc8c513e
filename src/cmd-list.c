// SPDX-License-Identifier: GPL-2.0-only
/*
 * Devices of interest: bound to (or overridden to) vfio-mdev-pci, with one
 * of our persistent definitions, or named in the config file; --all shows
 * every PCI function. For each: driver, its model's mdev type, IOMMU group
 * and the group's other members (they must all be given to VFIO together;
 * KubeVirt takes only devices alone in theirs), whether our mdev
 * parent is registered, active mdevs and persistent definitions, and why
 * the device would be refused: the failed checks doctor explains.
 */
#include <json-glib/json-glib.h>

#include "cmd.h"
#include "config.h"
#include "interest.h"
#include "join.h"
#include "mdevdef.h"
#include "pci.h"
#include "types.h"
#include "vmp.h"
#include "wrapcheck.h"

typedef struct {
	char *bdf;
	char *id;
	char *driver;
	char *override;
	char *type;
	char *group;
	GPtrArray *peers;	/* other members of the group */
	gboolean registered;
	GPtrArray *active;
	GPtrArray *defs;	/* VmpMdevDef */
	gboolean configured;
	GPtrArray *checks;	/* VmpWrapCheck */
} DevInfo;

static void dev_info_free(DevInfo *d)
{
	g_free(d->bdf);
	g_free(d->id);
	g_free(d->driver);
	g_free(d->override);
	g_free(d->type);
	g_free(d->group);
	g_clear_pointer(&d->peers, g_ptr_array_unref);
	g_clear_pointer(&d->active, g_ptr_array_unref);
	g_clear_pointer(&d->defs, g_ptr_array_unref);
	g_clear_pointer(&d->checks, g_ptr_array_unref);
	g_free(d);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DevInfo, dev_info_free)

static DevInfo *dev_info_new(const char *bdf, const VmpConfig *config,
			     GError **error)
{
	g_autoptr(DevInfo) d = g_new0(DevInfo, 1);
	guint idx;

	d->bdf = g_strdup(bdf);
	d->defs = vmp_mdev_defs_for_parent(bdf, error);
	if (!d->defs)
		return NULL;
	d->checks = vmp_wrap_checks(bdf, error);
	if (!d->checks)
		return NULL;
	d->id = vmp_pci_id(bdf);
	if (!vmp_pci_get_driver(bdf, &d->driver, error) ||
	    !vmp_pci_get_driver_override(bdf, &d->override, error) ||
	    !vmp_pci_get_iommu_group(bdf, &d->group, error))
		return NULL;
	d->type = vmp_type_of(config, bdf, error);
	if (!d->type)
		return NULL;
	d->peers = vmp_pci_group_members(d->group);
	if (g_ptr_array_find_with_equal_func(d->peers, bdf, g_str_equal, &idx))
		g_ptr_array_remove_index(d->peers, idx);
	d->registered = vmp_mdev_parent_registered(bdf);
	d->active = vmp_mdev_active_on(bdf);
	d->configured = vmp_config_names(config, bdf, d->id);
	return g_steal_pointer(&d);
}

static void add_strings(JsonBuilder *b, const char *name, GPtrArray *items)
{
	json_builder_set_member_name(b, name);
	json_builder_begin_array(b);
	for (guint i = 0; i < items->len; i++)
		json_builder_add_string_value(b, g_ptr_array_index(items, i));
	json_builder_end_array(b);
}

static void add_json(JsonBuilder *b, const DevInfo *d)
{
	json_builder_begin_object(b);
	vmp_json_add_nullable(b, "address", d->bdf);
	vmp_json_add_nullable(b, "id", d->id);
	vmp_json_add_nullable(b, "driver", d->driver);
	vmp_json_add_nullable(b, "driver_override", d->override);
	vmp_json_add_nullable(b, "mdev_type", d->type);
	vmp_json_add_nullable(b, "iommu_group", d->group);
	add_strings(b, "group_peers", d->peers);
	json_builder_set_member_name(b, "alone_in_group");
	json_builder_add_boolean_value(b, d->group && !d->peers->len);
	json_builder_set_member_name(b, "mdev_parent");
	json_builder_add_boolean_value(b, d->registered);
	add_strings(b, "active_mdevs", d->active);
	json_builder_set_member_name(b, "definitions");
	json_builder_begin_array(b);
	for (guint i = 0; i < d->defs->len; i++) {
		VmpMdevDef *def = g_ptr_array_index(d->defs, i);

		json_builder_begin_object(b);
		vmp_json_add_nullable(b, "uuid", def->uuid);
		vmp_json_add_nullable(b, "mdev_type", def->type);
		vmp_json_add_nullable(b, "start", def->autostart ? "auto" : "manual");
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_set_member_name(b, "configured");
	json_builder_add_boolean_value(b, d->configured);
	vmp_json_add_checks(b, "refusals", d->checks, TRUE);
	json_builder_end_object(b);
}

static char *join(GPtrArray *items, const char *none)
{
	return items->len ? vmp_join(items, ",") : g_strdup(none);
}

static char *defs_text(GPtrArray *defs)
{
	g_autoptr(GString) s = g_string_new(NULL);

	for (guint i = 0; i < defs->len; i++) {
		VmpMdevDef *def = g_ptr_array_index(defs, i);

		g_string_append_printf(s, "%s%s(%s)", i ? "," : "", def->uuid,
				       def->autostart ? "auto" : "manual");
	}
	return g_string_free(g_steal_pointer(&s), FALSE);
}

/* The failed checks' details: why bind, the kernel or VFIO would refuse. */
static char *refusals_text(GPtrArray *checks)
{
	g_autoptr(GPtrArray) details = g_ptr_array_new();

	for (guint i = 0; i < checks->len; i++) {
		VmpWrapCheck *check = g_ptr_array_index(checks, i);

		if (check->status == VMP_WRAP_FAIL)
			g_ptr_array_add(details, check->detail);
	}
	return details->len ? vmp_join(details, " ") : g_strdup("-");
}

/*
 * A definition, "UUID(auto)", is 42 characters; TYPE is the model type's
 * name, without "vfio-mdev-pci-".
 */
#define ROW "%-12s  %-9s  %-16s  %-16s  %-15s  %-6s  %-36s  %-42s  %s\n"

static void add_row(GString *out, const DevInfo *d)
{
	g_autofree char *peers = join(d->peers, "-");
	g_autofree char *active = join(d->active, "-");
	g_autofree char *defs = defs_text(d->defs);
	g_autofree char *refused = refusals_text(d->checks);
	g_autofree char *group = g_strdup_printf("%s%s%s", d->group ? d->group : "-",
						 d->peers->len ? "+" : "",
						 d->peers->len ? peers : "");

	g_string_append_printf(out, ROW, d->bdf, d->id ? d->id : "-",
			       d->driver ? d->driver : "-",
			       d->type + strlen(VMP_TYPE_PREFIX), group,
			       d->registered ? "yes" : "no", active,
			       *defs ? defs : "-", refused);
}

static gboolean collect(gboolean all, GPtrArray *devs, GError **error)
{
	g_autoptr(VmpConfig) config = vmp_config_load(error);
	g_autoptr(GPtrArray) bdfs = NULL;

	if (!config)
		return FALSE;
	bdfs = vmp_pci_list_of_interest(config, all, error);
	if (!bdfs)
		return FALSE;
	for (guint i = 0; i < bdfs->len; i++) {
		DevInfo *d = dev_info_new(g_ptr_array_index(bdfs, i), config, error);

		if (!d)
			return FALSE;
		g_ptr_array_add(devs, d);
	}
	return TRUE;
}

static void print_json(GString *out, GPtrArray *devs)
{
	g_autoptr(JsonBuilder) b = json_builder_new();

	json_builder_begin_array(b);
	for (guint i = 0; i < devs->len; i++)
		add_json(b, g_ptr_array_index(devs, i));
	json_builder_end_array(b);
	vmp_append_json(out, b);
}

gboolean vmp_cmd_list(VmpIo *io, int argc, char **argv, GError **error)
{
	g_autoptr(GPtrArray) devs =
		g_ptr_array_new_with_free_func((GDestroyNotify)dev_info_free);
	gboolean json = FALSE;
	gboolean all = FALSE;
	const GOptionEntry entries[] = {
		{ "json", 'j', 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
		{ "all", 'a', 0, G_OPTION_ARG_NONE, &all, "List every PCI function", NULL },
		{ 0 }
	};

	if (!vmp_cmd_parse(NULL, "List PCI devices of interest and their mdev state.",
			   entries, &argc, &argv, error) ||
	    !vmp_cmd_want_args(argc, 0, "list [--json] [--all]", error) ||
	    !collect(all, devs, error))
		return FALSE;
	if (json) {
		print_json(io->out, devs);
		return TRUE;
	}
	g_string_append_printf(io->out, ROW, "ADDRESS", "ID", "DRIVER", "TYPE", "IOMMU-GROUP", "PARENT",
			       "ACTIVE-MDEV", "DEFINITIONS", "REFUSED");
	for (guint i = 0; i < devs->len; i++)
		add_row(io->out, g_ptr_array_index(devs, i));
	return TRUE;
}
