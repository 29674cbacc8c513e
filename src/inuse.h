/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * Is the host visibly using this PCI function? Fails with VMP_ERROR_IN_USE
 * naming every use found:
 *  - a network interface of the device that is administratively up
 *    (IFF_UP in sysfs "flags"). Addresses are not required: a bridge port
 *    or bond slave carries traffic without any. "ip link set IF down"
 *    releases it.
 *  - a block device (or partition) of the device that is mounted
 *    (/proc/self/mountinfo), used as swap (/proc/swaps) or held by
 *    device-mapper or md (a non-empty holders/ directory).
 * All of it is read under the root, so tests build these files.
 */
gboolean vmp_pci_check_unused(const char *bdf, GError **error);
