/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * The strings of @items (char *) joined with @sep, "" for none. @items is
 * left as it is: callers go on using the array, and g_strjoinv() would
 * need a NULL appended to it first.
 */
char *vmp_join(GPtrArray *items, const char *sep);
