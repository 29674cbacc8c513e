/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * A fake root for the tool (VFIO_MDEV_PCI_TEST_ROOT) with a small model of the
 * kernel's PCI core behind it, in the spirit of libvirt's virpcimock: the
 * tool's sysfs writes (driver_override, unbind, drivers_probe) go to the
 * model through the writer hook in sysfs.h, and the model moves the
 * driver links as the kernel would, creates our mdev parent's type
 * directory when vfio-mdev-pci binds, and logs every write so that tests
 * can check the sequence.
 */
typedef struct _FakeSys FakeSys;

FakeSys *fake_sys_new(void);
/* The common fixture: NIC 0000:01:00.0 (8086:100e, IOMMU group 7) bound
 * to e1000, and the vfio-mdev-pci driver loaded. */
#define FAKE_NIC "0000:01:00.0"
FakeSys *fake_sys_new_nic(void);
void fake_sys_free(FakeSys *fs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FakeSys, fake_sys_free)

const char *fake_sys_root(FakeSys *fs);
/* Create @rel (relative to the root) with @contents, and its parents. */
void fake_sys_file(FakeSys *fs, const char *rel, const char *contents);
/* An executable shell @script in the fake tree, for a program seam; its path. */
char *fake_sys_program(FakeSys *fs, const char *name, const char *script);
void fake_sys_add_driver(FakeSys *fs, const char *driver);
/* A PCI function; @native is the driver the kernel would pick (or NULL). */
void fake_sys_add_device(FakeSys *fs, const char *bdf, const char *id,
			 const char *native, const char *group);
void fake_sys_add_net(FakeSys *fs, const char *bdf, const char *ifname,
		      gboolean up);
void fake_sys_add_block(FakeSys *fs, const char *bdf, const char *name,
			const char *majmin);
/* A device of @class (tty, graphics, ...) below @bdf, as the kernel
 * puts it: ROOT/sys/devices/.../BDF/CLASS/NAME. */
void fake_sys_add_class_member(FakeSys *fs, const char *bdf, const char *class,
			       const char *name);
/* A partition @name of block device @disk (which may be virtual). */
void fake_sys_add_partition(FakeSys *fs, const char *disk, const char *name,
			    const char *majmin);
/* A virtual block device (dm-N, mdN, loopN) holding @below, if not NULL. */
void fake_sys_add_virtual_block(FakeSys *fs, const char *name,
				const char *majmin, const char *below);
/* A symlink @rel (relative to the root) to @target, taken as it is. */
void fake_sys_link(FakeSys *fs, const char *rel, const char *target);
/* An mdev of our type active on @bdf (which must be bound to us). */
void fake_sys_add_mdev(FakeSys *fs, const char *bdf, const char *uuid);
/* An mdevctl definition in etc/mdevctl.d. */
void fake_sys_define(FakeSys *fs, const char *bdf, const char *uuid,
		     const char *type, gboolean autostart);
/* Make probes of @driver fail, as a driver whose probe() errors out. */
void fake_sys_refuse(FakeSys *fs, const char *driver);
/* @driver is still registering: it has devices but no bind files yet. */
void fake_sys_registering(FakeSys *fs, const char *driver);

char *fake_sys_driver(FakeSys *fs, const char *bdf);
/* The contents of @rel (relative to the root), or NULL if unreadable. */
char *fake_sys_read(FakeSys *fs, const char *rel);
/* "path <- value" lines, paths relative to the root. */
const char *fake_sys_writes(FakeSys *fs);
void fake_sys_clear_writes(FakeSys *fs);
/* Replace the root's path with "ROOT" in @s. */
char *fake_sys_unroot(FakeSys *fs, const char *s);
