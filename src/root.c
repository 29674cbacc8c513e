// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>

#include "root.h"

const char *vmp_root(void)
{
	const char *root = g_getenv("VFIO_MDEV_PCI_ROOT");

	/* Read every time: the tests move the root between cases. */
	return root && *root ? root : "/";
}

gboolean vmp_root_is_real(void)
{
	return g_strcmp0(vmp_root(), "/") == 0;
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
