/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * Is the host using this PCI function? One sentence per use found,
 * naming the interface, device node or process:
 *  - network: an interface that is administratively up (IFF_UP in sysfs
 *    "flags"; a bridge port or bond slave carries traffic without an
 *    address), or enslaved to a bond or bridge (a "master" link) even
 *    while down. "ip link set IF down nomaster" releases it.
 *  - storage: anything on the function's disks, or stacked above them,
 *    that is mounted, swapped on, held, or a member of an imported ZFS
 *    pool (inuse-block.c says how each is found).
 *  - VFIO: on a vfio driver, a process with the function's group or
 *    device node open: a running VM (inuse-vfio.c).
 *  - the console: the boot display (boot_vga), a serial console, or the
 *    framebuffer of the virtual consoles.
 * All of it is read under the root, so tests build these files.
 */
GPtrArray *vmp_pci_host_uses(const char *bdf);
/*
 * Only the VFIO part: the processes (VMs) with the function's VFIO nodes
 * open, which giving a wrapped device back would take it from.
 */
GPtrArray *vmp_pci_vfio_users(const char *bdf);

/*
 * Fails with VMP_ERROR_IN_USE naming every use; with @force it succeeds
 * instead, after a warning on standard error that names every use it
 * overrides.
 */
gboolean vmp_pci_check_unused(const char *bdf, gboolean force, GError **error);
