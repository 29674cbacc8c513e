/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * Serialization of the tool's own runs: the CLI, the udev/systemd path,
 * mdevctl's callout and the libvirt hook can run at once, and their
 * check-then-act sequences (give-back checks for active mdevs, then
 * unbinds) must not interleave on one device. A lock is an flock(2) on
 * /run/lock/vfio-mdev-pci/NAME.lock (under the root, root.h), NAME being
 * a BDF or "hook" for the hook's records. The files stay: removing a
 * lock file races with a process about to lock it, and they are on tmpfs.
 *
 * Waiting is bounded ($VFIO_MDEV_PCI_LOCK_TIMEOUT seconds, default 120,
 * more than a helper's time limit) and ends with an error naming the
 * lock. Within one process a lock is re-entrant (bind inside give-back).
 * Children do not inherit it: mdevctl's callout, run by mdevctl that we
 * run, takes its own, so a caller must not hold a device's lock across
 * "mdevctl start/stop" of an mdev on that device.
 */
#define VMP_LOCK_TIMEOUT_S 120

typedef struct _VmpLock VmpLock;

/* Take the lock @name (a BDF, or "hook"), waiting at most the timeout. */
VmpLock *vmp_lock(const char *name, GError **error);
void vmp_unlock(VmpLock *lock);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmpLock, vmp_unlock)
