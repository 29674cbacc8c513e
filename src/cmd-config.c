// SPDX-License-Identifier: GPL-2.0-only
#include "cmd.h"
#include "config.h"

static void append_list(GString *out, const char *key, GStrv items)
{
	g_autofree char *joined = g_strjoinv(";", items);

	g_string_append_printf(out, "%s=%s\n", key, joined);
}

gboolean vmp_cmd_config(VmpIo *io, int argc, char **argv, GError **error)
{
	g_autoptr(VmpConfig) config = NULL;

	if (!vmp_cmd_parse(NULL, "Check the config file and print the settings in effect.",
			   NULL, &argc, &argv, error) ||
	    !vmp_cmd_want_args(argc, 0, "config", error))
		return FALSE;
	config = vmp_config_load(error);
	if (!config)
		return FALSE;
	g_string_append_printf(io->out, "# %s%s\n[devices]\n", config->path,
			       config->exists ? "" : " (absent: defaults)");
	append_list(io->out, "addresses", config->addresses);
	append_list(io->out, "ids", config->ids);
	g_string_append_printf(io->out, "\n[policy]\ngive-back=%s\n",
			       vmp_give_back_to_string(config->give_back));
	append_list(io->out, "allow-denylisted", config->allow_denylisted);
	append_list(io->out, "allow-variant", config->allow_variant);
	return TRUE;
}
