// SPDX-License-Identifier: GPL-2.0-only
#include "join.h"

char *vmp_join(GPtrArray *items, const char *sep)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < items->len; i++)
		g_string_append_printf(s, "%s%s", i ? sep : "",
				       (char *)g_ptr_array_index(items, i));
	return g_string_free(s, FALSE);
}
