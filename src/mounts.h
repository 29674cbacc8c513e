/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * What /proc/self/mountinfo says, and how a /dev path names a block
 * device, both read under the root (root.h) so that tests can build them.
 *
 * A mountinfo line is "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS
 * [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS". MAJ:MIN is the device of
 * the superblock, which for btrfs and ZFS is an anonymous 0:N; the source
 * (a /dev path for btrfs, "pool/dataset" for ZFS) is what names the disk
 * there.
 */
typedef struct {
	char *majmin;
	char *mountpoint;	/* unescaped (\040 is a space) */
	char *fstype;
	char *source;		/* unescaped */
} VmpMount;

/* Every mount, in file order; empty if the file cannot be read. */
GPtrArray *vmp_mounts_read(void);
/* The mount that holds @path: the longest mount point that contains it. */
const VmpMount *vmp_mount_of_path(GPtrArray *mounts, const char *path);

/*
 * The block device name ("sda2", "dm-0") that a /dev path names:
 * /dev/NAME, /dev/mapper/NAME (device-mapper's own name, from
 * /sys/class/block/dm-N/dm/name), or any link under /dev that resolves
 * to /dev/NAME (/dev/vg/lv, /dev/disk/by-uuid/...). NULL for anything
 * else, or a name that is not a block device.
 */
char *vmp_block_name_of(const char *dev_path);
