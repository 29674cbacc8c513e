// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mdevctl callout (mdevctl.rst, "CALL-OUTS"): mdevctl runs every
 * script in its callouts directory as
 *   SCRIPT -t TYPE -e EVENT -a ACTION -s STATE -u UUID -p PARENT
 * with the mdev's JSON config on stdin, for every device it touches and
 * for every "mdevctl list". So: answer "not my type" (exit 2) before
 * reading stdin or sysfs. For our types:
 *   get capabilities  which events and actions we handle (versioning)
 *   get attributes    our type has none: []
 *   pre define        the parent must be a PCI function, the type ours
 *   pre start         bind the parent to vfio-mdev-pci if it is not
 *   post start        after a failed start, give back what pre start took
 *   post stop         give the parent back to its driver per policy
 * Everything else is accepted without action. Each acts under the
 * parent's lock (lock.h), so the check and the act of one run do not
 * interleave with another's.
 */
#include <json-glib/json-glib.h>

#include "cmd.h"
#include "config.h"
#include "error.h"
#include "lock.h"
#include "mdevdef.h"
#include "pci.h"
#include "pending.h"
#include "rebind.h"
#include "types.h"
#include "validate.h"
#include "vmp.h"

typedef struct {
	char *type;
	char *event;
	char *action;
	char *state;
	char *uuid;
	char *parent;
} CalloutArgs;

static void callout_args_clear(CalloutArgs *a)
{
	g_free(a->type);
	g_free(a->event);
	g_free(a->action);
	g_free(a->state);
	g_free(a->uuid);
	g_free(a->parent);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(CalloutArgs, callout_args_clear)

static gboolean callout_is(const CalloutArgs *a, const char *event,
			   const char *action)
{
	return g_strcmp0(a->event, event) == 0 && g_strcmp0(a->action, action) == 0;
}

/* Versioning answer: what we handle; "live" modify is not among it. */
static gboolean get_capabilities(VmpIo *io, GError **error)
{
	static const char * const actions[] = {
		"start", "stop", "define", "undefine", "modify", "attributes",
		"capabilities",
	};
	static const char * const events[] = { "pre", "post", "notify", "get" };
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autofree char *in = NULL;
	gsize len = 0;

	/* mdevctl says what it provides; we only check that it is JSON. */
	in = vmp_read_all(io->in, &len, error);
	if (!in)
		return FALSE;
	if (len > 0 && !json_parser_load_from_data(parser, in, len, error)) {
		g_prefix_error(error, "The capabilities input is not valid JSON: ");
		return FALSE;
	}
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "supports");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "version");
	json_builder_add_int_value(b, 1);
	json_builder_set_member_name(b, "actions");
	json_builder_begin_array(b);
	for (guint i = 0; i < G_N_ELEMENTS(actions); i++)
		json_builder_add_string_value(b, actions[i]);
	json_builder_end_array(b);
	json_builder_set_member_name(b, "events");
	json_builder_begin_array(b);
	for (guint i = 0; i < G_N_ELEMENTS(events); i++)
		json_builder_add_string_value(b, events[i]);
	json_builder_end_array(b);
	json_builder_end_object(b);
	json_builder_end_object(b);
	vmp_append_json(io->out, b);
	return TRUE;
}

static gboolean check_ours(const CalloutArgs *a, const VmpMdevDef *def,
			   GError **error)
{
	if (g_strcmp0(def->type, a->type) != 0) {
		g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
			    "The config's mdev_type '%s' differs from the type argument '%s'.",
			    def->type, a->type);
		return FALSE;
	}
	if (def->n_attrs > 0) {
		g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
			    "mdev type '%s' takes no attributes.", a->type);
		return FALSE;
	}
	if (!vmp_pci_check_exists(a->parent, error))
		return FALSE;
	return vmp_type_check_offered(a->parent, a->type, error);
}

/*
 * After the last mdev stopped, or a start failed: give the device back,
 * per [policy]. The caller holds the lock, so what we check (no active
 * mdev, no start in flight) stays true until we have unbound.
 */
static gboolean give_back(const char *bdf, GError **error)
{
	g_autoptr(VmpConfig) config = vmp_config_load(error);
	g_autoptr(GPtrArray) active = NULL;
	g_autofree char *driver = NULL;
	gboolean has_auto = FALSE;

	if (!config)
		return FALSE;
	if (config->give_back == VMP_GIVE_BACK_NEVER)
		return TRUE;
	/* auto: a parent meant to be ours at boot stays ours. */
	if (config->give_back == VMP_GIVE_BACK_AUTO) {
		if (!vmp_mdev_parent_has_auto(bdf, &has_auto, error))
			return FALSE;
		if (has_auto)
			return TRUE;
	}
	if (!vmp_pci_get_driver(bdf, &driver, error))
		return FALSE;
	active = vmp_mdev_active_on(bdf);
	if (g_strcmp0(driver, VMP_DRIVER) != 0 || active->len > 0 ||
	    vmp_pending_any(bdf))
		return TRUE;
	return vmp_unbind(bdf, VMP_UNBIND_RESTORE, error);
}

/* Bind the parent, and record the start in flight for post start. */
static gboolean pre_start(const CalloutArgs *a, GError **error)
{
	g_autofree char *before = NULL;

	if (!vmp_pci_get_driver(a->parent, &before, error) ||
	    !vmp_bind(a->parent, 0, error))
		return FALSE;
	return vmp_pending_add(a->parent, a->uuid,
			       g_strcmp0(before, VMP_DRIVER) != 0, error);
}

/*
 * The start is over. If it failed and pre start had rebound the device,
 * the device must not stay on vfio-mdev-pci with no mdev: give it back
 * as after a stop (so a device with an auto-start definition stays ours
 * under give-back=auto, as at boot).
 */
static gboolean post_start(const CalloutArgs *a, GError **error)
{
	gboolean rebound = FALSE;

	if (!vmp_pending_take(a->parent, a->uuid, &rebound) ||
	    g_strcmp0(a->state, "success") == 0 || !rebound)
		return TRUE;
	return give_back(a->parent, error);
}

static gboolean post_stop(const CalloutArgs *a, GError **error)
{
	gboolean rebound;

	/* A start whose post start never came (mdevctl killed) is over. */
	vmp_pending_take(a->parent, a->uuid, &rebound);
	if (g_strcmp0(a->state, "success") != 0)
		return TRUE;
	return give_back(a->parent, error);
}

/* What pre start, post start and post stop do, under the parent's lock. */
static gboolean act(const CalloutArgs *a, GError **error)
{
	g_autoptr(VmpLock) lock = vmp_lock(a->parent, error);

	if (!lock)
		return FALSE;
	if (callout_is(a, "pre", "start"))
		return pre_start(a, error);
	if (callout_is(a, "post", "start"))
		return post_start(a, error);
	return post_stop(a, error);
}

static gboolean callout_handle(VmpIo *io, const CalloutArgs *a, GError **error)
{
	g_autoptr(VmpMdevDef) def = NULL;
	g_autofree char *json = NULL;
	gsize len = 0;

	if (callout_is(a, "get", "capabilities"))
		return get_capabilities(io, error);
	if (callout_is(a, "get", "attributes")) {
		g_string_append(io->out, "[]\n");
		return TRUE;
	}
	if (g_strcmp0(a->event, "pre") != 0 && g_strcmp0(a->event, "post") != 0)
		return TRUE;
	/* pre and post carry the config: refuse junk before acting on it. */
	json = vmp_read_all(io->in, &len, error);
	if (!json)
		return FALSE;
	def = vmp_mdev_def_parse(json, len, "The callout's standard input", error);
	if (!def)
		return FALSE;
	if (callout_is(a, "pre", "define") || callout_is(a, "pre", "start")) {
		if (!check_ours(a, def, error))
			return FALSE;
		return callout_is(a, "pre", "start") ? act(a, error) : TRUE;
	}
	if (callout_is(a, "post", "start") || callout_is(a, "post", "stop"))
		return act(a, error);
	return TRUE;
}

gboolean vmp_cmd_callout(VmpIo *io, int argc, char **argv, GError **error)
{
	g_auto(CalloutArgs) a = { 0 };
	const GOptionEntry entries[] = {
		{ "type", 't', 0, G_OPTION_ARG_STRING, &a.type, "mdev type", "TYPE" },
		{ "event", 'e', 0, G_OPTION_ARG_STRING, &a.event, "pre, post, notify, get, ...", "EVENT" },
		{ "action", 'a', 0, G_OPTION_ARG_STRING, &a.action, "start, stop, define, ...", "ACTION" },
		{ "state", 's', 0, G_OPTION_ARG_STRING, &a.state, "none, success, failure", "STATE" },
		{ "uuid", 'u', 0, G_OPTION_ARG_STRING, &a.uuid, "mdev UUID", "UUID" },
		{ "parent", 'p', 0, G_OPTION_ARG_STRING, &a.parent, "parent device", "PARENT" },
		{ 0 }
	};

	if (!vmp_cmd_parse(NULL, "mdevctl callout; mdevctl runs it, see vfio-mdev-pci(8).",
			   entries, &argc, &argv, error) ||
	    !vmp_cmd_want_args(argc, 0, "callout -t TYPE -e EVENT -a ACTION -s STATE -u UUID -p PARENT", error))
		return FALSE;
	if (!vmp_mdev_type_is_ours(a.type)) {
		g_set_error(error, VMP_ERROR, VMP_ERROR_NOT_OURS,
			    "mdev type '%s' is not ours.", a.type ? a.type : "");
		return FALSE;
	}
	if (!vmp_check_uuid(a.uuid, error) || !vmp_check_bdf(a.parent, error))
		return FALSE;
	if (!callout_handle(io, &a, error)) {
		g_prefix_error(error, "%s %s of mdev %s on %s: ", a.event, a.action,
			       a.uuid, a.parent);
		return FALSE;
	}
	return TRUE;
}
