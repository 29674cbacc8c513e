// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>

#include "error.h"

G_DEFINE_QUARK(vfio-mdev-pci-error-quark, vmp_error)

void vmp_warn(const char *fmt, ...)
{
	g_autofree char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_printerr("vfio-mdev-pci: warning: %s\n", msg);
}
