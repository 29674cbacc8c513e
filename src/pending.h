/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * Starts in flight: mdevctl runs our "pre start" callout, then creates the
 * mdev, then runs "post start". Between the two the device is ours but has
 * no mdev yet, so a give-back then (another mdev's "post stop") would pull
 * it from under the start. "pre start" records the start in
 * /run/vfio-mdev-pci/BDF.starting/UUID (contents "rebound" when it moved
 * the device to vfio-mdev-pci, else empty); "post start" takes the record
 * back, and on failure gives back what "pre start" took. Callers hold the
 * device's lock (lock.h).
 */
gboolean vmp_pending_add(const char *bdf, const char *uuid, gboolean rebound,
			 GError **error);
/* Remove the record; TRUE if there was one, with @rebound from it. */
gboolean vmp_pending_take(const char *bdf, const char *uuid, gboolean *rebound);
/* Is a start in flight on @bdf? */
gboolean vmp_pending_any(const char *bdf);
