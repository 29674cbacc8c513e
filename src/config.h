/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * The optional config file, /etc/vfio-mdev-pci/vfio-mdev-pci.conf:
 *
 *   [devices]
 *   addresses=0000:01:00.0;0000:02:00.1   devices to take at boot
 *   ids=8086:10ca                          vendor:device ids to take
 *   [policy]
 *   give-back=auto|always|never            after the last mdev stops
 *   allow-denylisted=8086:37c9             wrap despite vfio-pci's denylist
 *   allow-variant=0000:3b:00.2;15b3:101e   wrap despite a variant driver
 *   [types]
 *   0000:01:00.0=uplink          type name by address,
 *   8086:10ca:8086:a02c=x-vf     by vendor:device:subvendor:subdevice,
 *   8086:10ca=igb-vf             or by vendor:device (types.h)
 *
 * Lists are separated by ';', ',' or blanks; the allow- lists take
 * addresses and ids alike (parity.h). Unknown groups and keys, and
 * a key given twice, are errors, so a typo does not silently change
 * behaviour. A missing file is an empty config; anything but a regular
 * file (a FIFO) is refused unread.
 */
#define VMP_CONFIG_MAX (1024 * 1024)
typedef enum {
	VMP_GIVE_BACK_AUTO,	/* unless the parent has an auto-start definition */
	VMP_GIVE_BACK_ALWAYS,
	VMP_GIVE_BACK_NEVER,
} VmpGiveBack;

typedef struct {
	char *path;
	gboolean exists;
	GStrv addresses;
	GStrv ids;
	VmpGiveBack give_back;
	GStrv allow_denylisted;
	GStrv allow_variant;
	GStrv type_keys;	/* [types], in file order */
	GStrv type_names;	/* the name of each of @type_keys */
} VmpConfig;

void vmp_config_free(VmpConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmpConfig, vmp_config_free)

VmpConfig *vmp_config_load(GError **error);
const char *vmp_give_back_to_string(VmpGiveBack give_back);
/* Is @bdf named by address, or by its vendor:device @id (may be NULL)? */
gboolean vmp_config_names(const VmpConfig *config, const char *bdf,
			  const char *id);
/* Does @list (addresses and ids) name @bdf or its @id (may be NULL)? */
gboolean vmp_config_list_names(GStrv list, const char *bdf, const char *id);
