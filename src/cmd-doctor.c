// SPDX-License-Identifier: GPL-2.0-only
/*
 * doctor [BDF]: why each device of interest (list's), or BDF, can or
 * cannot be wrapped now. The checks that decide are wrapcheck.c's, the
 * ones list shows refusals of; doctor adds what explains the rest (the
 * driver, the mdevs and their definitions, mdevctl's udev rule), which
 * never fails. The verdict comes first, then every check; the exit
 * status is 1 when a device can be neither wrapped nor used wrapped.
 */
#include <json-glib/json-glib.h>

#include "cmd.h"
#include "config.h"
#include "interest.h"
#include "mdevctl-rule.h"
#include "mdevdef.h"
#include "pci.h"
#include "rebind.h"
#include "vmp.h"
#include "wrapcheck.h"

#define USAGE "doctor [BDF] [--json]"

typedef struct {
	char *bdf;
	const char *verdict;	/* "can be wrapped", ... */
	char *reason;		/* the first failed check's detail, or NULL */
	GPtrArray *checks;	/* VmpWrapCheck */
} Diagnosis;

static void diagnosis_free(Diagnosis *d)
{
	g_free(d->bdf);
	g_free(d->reason);
	g_clear_pointer(&d->checks, g_ptr_array_unref);
	g_free(d);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Diagnosis, diagnosis_free)

static gboolean check_driver(const char *bdf, const char *driver,
			     GPtrArray *checks, GError **error)
{
	g_autofree char *override = NULL;
	g_autofree char *original = vmp_remembered_driver(bdf);
	g_autofree char *pinned = NULL;

	if (!vmp_pci_get_driver_override(bdf, &override, error))
		return FALSE;
	if (override && g_strcmp0(override, driver) != 0)
		pinned = g_strdup_printf(" Its driver_override is %s.", override);
	if (!driver)
		vmp_wrap_check_add(checks, "driver", VMP_WRAP_OK, "No driver.%s",
				   pinned ? pinned : "");
	else if (!g_str_equal(driver, VMP_DRIVER))
		vmp_wrap_check_add(checks, "driver", VMP_WRAP_OK,
				   "On %s; bind remembers it, and unbind --restore gives the device back to it.%s",
				   driver, pinned ? pinned : "");
	else if (original && *original)
		vmp_wrap_check_add(checks, "driver", VMP_WRAP_OK,
				   "Wrapped (on %s); unbind --restore gives it back to %s.",
				   VMP_DRIVER, original);
	else
		vmp_wrap_check_add(checks, "driver", VMP_WRAP_OK, "Wrapped (on %s).",
				   VMP_DRIVER);
	return TRUE;
}

/* Our definitions of @bdf and its active mdevs, defined or not. */
static gboolean check_mdevs(const char *bdf, GPtrArray *checks, GError **error)
{
	g_autoptr(GPtrArray) defs = vmp_mdev_defs_for_parent(bdf, error);
	g_autoptr(GPtrArray) active = vmp_mdev_active_on(bdf);
	g_autoptr(GString) s = g_string_new(NULL);

	if (!defs)
		return FALSE;
	g_string_append(s, vmp_mdev_parent_registered(bdf) ?
			"The mdev parent is registered." :
			"The mdev parent is not registered.");
	for (guint i = 0; i < defs->len; i++) {
		VmpMdevDef *def = g_ptr_array_index(defs, i);
		guint idx;
		gboolean on = g_ptr_array_find_with_equal_func(active, def->uuid,
							       g_str_equal, &idx);

		g_string_append_printf(s, " Definition %s: start %s, %s.", def->uuid,
				       def->autostart ? "auto" : "manual",
				       on ? "active" : "defined, not active");
		if (on)
			g_ptr_array_remove_index(active, idx);
	}
	for (guint i = 0; i < active->len; i++)
		g_string_append_printf(s, " mdev %s is active without a definition.",
				       (char *)g_ptr_array_index(active, i));
	if (defs->len == 0 && active->len == 0)
		g_string_append(s, " No vfio-mdev-pci definitions.");
	vmp_wrap_check_add(checks, "mdevs", VMP_WRAP_OK, "%s", s->str);
	return TRUE;
}

static void check_mdevctl_rule(GPtrArray *checks)
{
	g_autoptr(VmpMdevctlRule) rule = vmp_mdevctl_rule_read();
	const char *ours = "vfio-mdev-pci's own udev rule starts its auto-start mdevs";

	if (!rule->path)
		vmp_wrap_check_add(checks, "mdevctl-rule", VMP_WRAP_OK,
				   "mdevctl's 60-mdevctl.rules is not installed; %s.", ours);
	else if (!rule->program)
		vmp_wrap_check_add(checks, "mdevctl-rule", VMP_WRAP_WARN,
				   "%s names no mdevctl program (masked, or changed); %s.",
				   rule->path, ours);
	else if (rule->installed)
		vmp_wrap_check_add(checks, "mdevctl-rule", VMP_WRAP_OK,
				   "%s runs %s, which is installed.", rule->path,
				   rule->program);
	else
		vmp_wrap_check_add(checks, "mdevctl-rule", VMP_WRAP_WARN,
				   "%s runs %s, which is not installed: mdevctl's own autostart does nothing here; %s.",
				   rule->path, rule->program, ours);
}

static Diagnosis *diagnose(const char *bdf, GError **error)
{
	g_autoptr(Diagnosis) d = g_new0(Diagnosis, 1);
	g_autofree char *driver = NULL;
	g_autoptr(GPtrArray) wrap = NULL;
	gboolean wrapped;
	const VmpWrapCheck *failed;

	if (!vmp_pci_get_driver(bdf, &driver, error))
		return NULL;
	wrapped = g_strcmp0(driver, VMP_DRIVER) == 0;
	wrap = vmp_wrap_checks(bdf, error);
	if (!wrap)
		return NULL;
	d->bdf = g_strdup(bdf);
	d->checks = g_ptr_array_new_with_free_func((GDestroyNotify)vmp_wrap_check_free);
	if (!check_driver(bdf, driver, d->checks, error))
		return NULL;
	g_ptr_array_extend_and_steal(d->checks, g_steal_pointer(&wrap));
	if (!check_mdevs(bdf, d->checks, error))
		return NULL;
	check_mdevctl_rule(d->checks);
	failed = vmp_wrap_first_failure(d->checks);
	/* Wrapped, only the group can fail: VFIO will not open it. */
	if (failed) {
		d->verdict = wrapped ? "wrapped but unusable" : "cannot be wrapped";
		d->reason = g_strdup(failed->detail);
	} else {
		d->verdict = wrapped ? "already wrapped" : "can be wrapped";
	}
	return g_steal_pointer(&d);
}

static void add_text(GString *out, const Diagnosis *d)
{
	g_string_append_printf(out, "%s: %s%s%s\n", d->bdf, d->verdict,
			       d->reason ? ": " : "", d->reason ? d->reason : "");
	for (guint i = 0; i < d->checks->len; i++) {
		VmpWrapCheck *check = g_ptr_array_index(d->checks, i);

		g_string_append_printf(out, "  %-4s  %-12s  %s\n",
				       vmp_wrap_status_name(check->status),
				       check->name, check->detail);
	}
}

static void add_json(JsonBuilder *b, const Diagnosis *d)
{
	json_builder_begin_object(b);
	vmp_json_add_nullable(b, "bdf", d->bdf);
	vmp_json_add_nullable(b, "verdict", d->verdict);
	vmp_json_add_nullable(b, "reason", d->reason);
	vmp_json_add_checks(b, "checks", d->checks, FALSE);
	json_builder_end_object(b);
}

/* The BDF given, or list's devices of interest. */
static GPtrArray *targets(const char *bdf, GError **error)
{
	g_autoptr(VmpConfig) config = NULL;
	GPtrArray *one;

	if (bdf) {
		if (!vmp_pci_check_exists(bdf, error))
			return NULL;
		one = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(one, g_strdup(bdf));
		return one;
	}
	config = vmp_config_load(error);
	if (!config)
		return NULL;
	return vmp_pci_list_of_interest(config, FALSE, error);
}

gboolean vmp_cmd_doctor(VmpIo *io, int argc, char **argv, GError **error)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(GPtrArray) bdfs = NULL;
	gboolean json = FALSE;
	const GOptionEntry entries[] = {
		{ "json", 'j', 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
		{ 0 }
	};

	if (!vmp_cmd_parse("[BDF]", "Explain why PCI device BDF (or each device list shows) can or cannot be wrapped now.",
			   entries, &argc, &argv, error))
		return FALSE;
	/* No BDF or one. */
	if (argc > 2 && !vmp_cmd_want_args(argc, 1, USAGE, error))
		return FALSE;
	bdfs = targets(argc == 2 ? argv[1] : NULL, error);
	if (!bdfs)
		return FALSE;
	if (bdfs->len == 0 && !json)
		g_string_append(io->out, "No device of interest (see list); name one: doctor BDF.\n");
	json_builder_begin_array(b);
	for (guint i = 0; i < bdfs->len; i++) {
		g_autoptr(Diagnosis) d = diagnose(g_ptr_array_index(bdfs, i), error);

		if (!d)
			return FALSE;
		if (json) {
			add_json(b, d);
		} else {
			if (i > 0)
				g_string_append_c(io->out, '\n');
			add_text(io->out, d);
		}
		if (d->reason)
			io->status = 1;
	}
	json_builder_end_array(b);
	if (json)
		vmp_append_json(io->out, b);
	return TRUE;
}
