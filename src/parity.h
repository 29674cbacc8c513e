/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * What vfio-pci itself would refuse or leave to another driver. Wrapping
 * a device gives the guest vfio-pci-core's behaviour, so:
 *  - vfio-pci's denylist (vfio_pci_dev_in_denylist() in
 *    drivers/vfio/pci/vfio_pci.c): devices with errata that untrusted
 *    users may exploit; vfio-pci binds them only with disable_denylist=1.
 *  - vfio-pci variant drivers (mlx5_vfio_pci, pds_vfio_pci,
 *    hisi_acc_vfio_pci, virtio_vfio_pci, nvgrace_gpu_vfio_pci, ...):
 *    modules with "vfio_pci:" aliases, which userspace matches against
 *    the device's modalias as modprobe does (libvirt picks them so). They
 *    add live migration and device quirks that a wrapped device loses.
 * Both refusals fail with VMP_ERROR_REFUSED naming the id or module, and
 * are lifted per device by bind's --allow-denylisted and --allow-variant
 * (@allow_denylisted, @allow_variant) or by the config file's [policy]
 * allow-denylisted= and allow-variant=, with a warning naming what is
 * overridden.
 */

/* "8086:37c8" if vfio-pci's denylist has the device, else NULL. */
char *vmp_pci_denylisted(const char *bdf);
/*
 * The variant driver modules whose vfio_pci: alias matches the device
 * in /lib/modules/RELEASE/modules.alias (and modules.builtin.alias),
 * RELEASE from /proc/sys/kernel/osrelease, all under the root; empty if
 * none, or if those files cannot be read.
 */
GPtrArray *vmp_pci_vfio_variants(const char *bdf);

/*
 * Each refusal as the clause bind's error and warnings use ("its id
 * 8086:37c8 is on vfio-pci's denylist", "vfio-pci variant driver
 * mlx5_vfio_pci is made for it"), or NULL where there is none. They
 * warn of nothing and read no config: list and doctor show them too.
 */
char *vmp_pci_denylist_clause(const char *bdf);
char *vmp_pci_variant_clause(const char *bdf);

/*
 * Whether the config file's [policy] @key (VMP_POLICY_ALLOW_*) names
 * @bdf, by address or id, in @allowed; the file's path in @path. The
 * file is read only when a refusal is to be overridden, so a broken one
 * fails only such a bind (or such a device's checks).
 */
#define VMP_POLICY_ALLOW_DENYLISTED "allow-denylisted"
#define VMP_POLICY_ALLOW_VARIANT "allow-variant"
gboolean vmp_pci_policy_allows(const char *bdf, const char *key,
			       gboolean *allowed, char **path, GError **error);

gboolean vmp_pci_check_parity(const char *bdf, gboolean allow_denylisted,
			      gboolean allow_variant, GError **error);
