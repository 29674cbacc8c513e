// SPDX-License-Identifier: GPL-2.0-only
#include "error.h"
#include "spawn.h"

gboolean vmp_spawn(const char * const *argv, GError **error)
{
	g_autofree char *cmdline = g_strjoinv(" ", (char **)argv);
	int status = 0;

	/* stdin is /dev/null: ours may be a callout or hook document. */
	if (!g_spawn_sync(NULL, (char **)argv, NULL,
			  G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
			  NULL, NULL, NULL, NULL, &status, error)) {
		g_prefix_error(error, "Could not run '%s': ", cmdline);
		return FALSE;
	}
	if (!g_spawn_check_wait_status(status, error)) {
		g_prefix_error(error, "'%s' failed: ", cmdline);
		return FALSE;
	}
	return TRUE;
}

char *vmp_find_program(const char *env, const char *fallback, const char *hint,
		       GError **error)
{
	const char *name = g_getenv(env);
	char *path;

	if (!name || !*name)
		name = fallback;
	path = g_find_program_in_path(name);
	if (!path)
		g_set_error(error, VMP_ERROR, VMP_ERROR_NOT_FOUND,
			    "'%s' was not found (%s, or set %s).", name, hint, env);
	return path;
}
