// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>

#include "root.h"
#include "seams.h"

const char *vmp_root(void)
{
	const char *root = vmp_seam(VMP_SEAM_ROOT);

	return root ? root : "/";
}

char *vmp_path(const char *fmt, ...)
{
	g_autofree char *rel = NULL;
	va_list ap;

	va_start(ap, fmt);
	rel = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	return g_build_filename(vmp_root(), rel, NULL);
}
