// SPDX-License-Identifier: GPL-2.0-only
#include <json-glib/json-glib.h>

#include "cmd.h"
#include "error.h"
#include "wrapcheck.h"

const VmpCmd vmp_commands[] = {
	{ "list", vmp_cmd_list, "List PCI devices of interest and their mdev state" },
	{ "doctor", vmp_cmd_doctor, "Explain why PCI devices can or cannot be wrapped now" },
	{ "bind", vmp_cmd_bind, "Bind a PCI device to vfio-mdev-pci" },
	{ "unbind", vmp_cmd_unbind, "Unbind a PCI device from vfio-mdev-pci" },
	{ "release-all", vmp_cmd_release_all, "Stop all our mdevs and give every device back (package removal)" },
	{ "define", vmp_cmd_define, "Define a persistent mdev on a PCI device (mdevctl)" },
	{ "udev-add", vmp_cmd_udev_add, "Bind a newly added PCI device if it is ours (udev)" },
	{ "start-parent", vmp_cmd_start_parent, "Start a parent's auto-start mdevs (udev)" },
	{ "callout", vmp_cmd_callout, "mdevctl callout for vfio-mdev-pci-* types" },
	{ "config", vmp_cmd_config, "Check and print the config file" },
	{ "hostdev-xml", vmp_cmd_hostdev_xml, "Print libvirt <hostdev> XML for an mdev" },
	{ "nodedev-xml", vmp_cmd_nodedev_xml, "Print libvirt node device XML for an mdev" },
	{ "validate", vmp_cmd_validate, "Validate an XML file against our schemas" },
	{ "hook", vmp_cmd_hook, "libvirt qemu hook" },
	{ NULL, NULL, NULL },
};

gboolean vmp_cmd_parse(const char *usage, const char *summary,
		       const GOptionEntry *entries, int *argc, char ***argv,
		       GError **error)
{
	g_autoptr(GOptionContext) ctx = g_option_context_new(usage);

	g_option_context_set_summary(ctx, summary);
	if (entries)
		g_option_context_add_main_entries(ctx, entries, NULL);
	/* The strv variant owns the strings, so options it removes are freed. */
	if (!g_option_context_parse_strv(ctx, argv, error))
		return FALSE;
	*argc = g_strv_length(*argv);
	return TRUE;
}

gboolean vmp_cmd_want_args(int argc, int n, const char *usage, GError **error)
{
	/* argv[0] is the subcommand's name. */
	if (argc - 1 == n)
		return TRUE;
	g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
		    "Wrong number of arguments; usage: %s.", usage);
	return FALSE;
}

char *vmp_read_all(GInputStream *in, gsize *len, GError **error)
{
	g_autoptr(GByteArray) buf = g_byte_array_new();
	guint8 chunk[4096];
	gssize n;

	while ((n = g_input_stream_read(in, chunk, sizeof(chunk), NULL, error)) > 0) {
		/* A document from libvirt or mdevctl is a few KiB; refuse a flood. */
		if (buf->len + n > VMP_INPUT_MAX) {
			g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
				    "Standard input is larger than %u KiB; refused.",
				    VMP_INPUT_MAX / 1024);
			return NULL;
		}
		g_byte_array_append(buf, chunk, n);
	}
	if (n < 0) {
		g_prefix_error(error, "Could not read standard input: ");
		return NULL;
	}
	if (len)
		*len = buf->len;
	g_byte_array_append(buf, (const guint8 *)"", 1);
	return (char *)g_byte_array_free(g_steal_pointer(&buf), FALSE);
}

void vmp_append_json(GString *out, JsonBuilder *b)
{
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = json_builder_get_root(b);
	g_autofree char *text = NULL;

	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, TRUE);
	text = json_generator_to_data(gen, NULL);
	g_string_append_printf(out, "%s\n", text);
}

void vmp_json_add_nullable(JsonBuilder *b, const char *name, const char *value)
{
	json_builder_set_member_name(b, name);
	if (value)
		json_builder_add_string_value(b, value);
	else
		json_builder_add_null_value(b);
}

void vmp_json_add_checks(JsonBuilder *b, const char *name, GPtrArray *checks,
			 gboolean failed_only)
{
	json_builder_set_member_name(b, name);
	json_builder_begin_array(b);
	for (guint i = 0; i < checks->len; i++) {
		VmpWrapCheck *check = g_ptr_array_index(checks, i);

		if (failed_only && check->status != VMP_WRAP_FAIL)
			continue;
		json_builder_begin_object(b);
		vmp_json_add_nullable(b, "name", check->name);
		vmp_json_add_nullable(b, "status", vmp_wrap_status_name(check->status));
		vmp_json_add_nullable(b, "detail", check->detail);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
}
