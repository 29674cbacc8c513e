/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * Run a helper program (modprobe, mdevctl) and wait for it. Its stderr is
 * passed through so that its own messages reach the user; its stdout is
 * discarded because ours may be a protocol (callout, udev IMPORT).
 *
 * Every helper has a time limit: the tool runs inside libvirtd's domain
 * start (the hook), mdevctl (the callout) and udev/systemd, and a hung
 * helper must fail there with a clear error rather than hang them. On
 * expiry the helper is killed (SIGKILL) and the error names it.
 */
#define VMP_SPAWN_TIMEOUT_S 60

/* $VFIO_MDEV_PCI_HELPER_TIMEOUT seconds if set (timelimit.h), else the default. */
guint vmp_spawn_default_timeout_ms(void);
gboolean vmp_spawn_timeout(const char * const *argv, guint timeout_ms,
			   GError **error);
/* The same with the default time limit. */
gboolean vmp_spawn(const char * const *argv, GError **error);

/* @name's path, as exec would find it; @hint says how to install it. */
char *vmp_find_program(const char *name, const char *hint, GError **error);
