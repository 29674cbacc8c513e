/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * Is the host using this PCI function? One sentence per use found,
 * naming the interface or device node:
 *  - network: an interface that is administratively up (IFF_UP in sysfs
 *    "flags"). Addresses are not required: a bridge port or bond slave
 *    carries traffic without any. "ip link set IF down" releases it.
 *  - storage: anything on the function's disks, or stacked above them,
 *    that is mounted, swapped on, held, or a member of an imported ZFS
 *    pool (inuse-block.c says how each is found).
 * All of it is read under the root, so tests build these files.
 */
GPtrArray *vmp_pci_host_uses(const char *bdf);

/* Fails with VMP_ERROR_IN_USE naming every use. */
gboolean vmp_pci_check_unused(const char *bdf, GError **error);
