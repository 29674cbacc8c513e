/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * A time limit in milliseconds: $@env in whole seconds if it is set and a
 * number (0 allowed: no waiting), else @default_s. Helpers' and locks'
 * limits are read this way so that tests and impatient admins can lower
 * them.
 */
guint vmp_limit_ms(const char *env, guint default_s);
