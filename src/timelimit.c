// SPDX-License-Identifier: GPL-2.0-only
#include "timelimit.h"

guint vmp_limit_ms(const char *env, guint default_s)
{
	const char *value = g_getenv(env);
	guint64 s = 0;

	if (value && *value &&
	    g_ascii_string_to_unsigned(value, 10, 0, G_MAXUINT / 1000, &s, NULL))
		return (guint)s * 1000;
	return default_s * 1000;
}
