/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * mdevctl's persistent definitions, /etc/mdevctl.d/PARENT/UUID, and the
 * same JSON document mdevctl hands its callouts on stdin (mdevctl 1.4):
 *   {"mdev_type": "vfio-mdev-pci-type1", "start": "auto", "attrs": []}
 * mdevctl owns these files; we only read them, as regular files of at
 * most VMP_MDEV_DEF_MAX bytes.
 */
#define VMP_MDEV_DEF_MAX (1024 * 1024)
typedef struct {
	char *uuid;
	char *parent;
	char *type;
	gboolean autostart;
	guint n_attrs;
} VmpMdevDef;

void vmp_mdev_def_free(VmpMdevDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmpMdevDef, vmp_mdev_def_free)

/* Parse one config document; @what names it in error messages. */
VmpMdevDef *vmp_mdev_def_parse(const char *json, gssize len, const char *what,
			       GError **error);

gboolean vmp_mdev_type_is_ours(const char *type);

/* Our (vfio-mdev-pci-*) definitions under @bdf, sorted by UUID. */
GPtrArray *vmp_mdev_defs_for_parent(const char *bdf, GError **error);
/* Does @bdf have one of our definitions with start "auto"? */
gboolean vmp_mdev_parent_has_auto(const char *bdf, gboolean *has_auto,
				  GError **error);
/* Our definition of @uuid under any parent, or NULL (error unset) if none. */
VmpMdevDef *vmp_mdev_def_find(const char *uuid, GError **error);
