/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>

/*
 * Plain file access to sysfs (and /proc) under the root (root.h). Reads are
 * ordinary file reads. Every write that makes the kernel act (driver
 * override, unbind, drivers_probe, ...) goes through one writer that the
 * unit tests replace with a model of the kernel: plain files in a test tree
 * do not react to writes, and the rebind logic is only testable if
 * something does.
 */
typedef gboolean (*VmpSysfsWriter)(const char *path, const char *value,
				   gpointer data, GError **error);

void vmp_sysfs_set_writer(VmpSysfsWriter writer, gpointer data);
gboolean vmp_sysfs_write(const char *path, const char *value, GError **error);

/* Contents without the trailing newline, or NULL with @error set. */
char *vmp_sysfs_read(const char *path, GError **error);
/* Its lines (the last one empty if it ends in a newline), or NULL. */
GStrv vmp_sysfs_read_lines(const char *path);
/* Basename of a symlink's target, or NULL if @path is not a link. */
char *vmp_sysfs_link_name(const char *path);
/*
 * The same, telling "no such link" (TRUE, *@name NULL) from a link that
 * could not be read (FALSE, @error set).
 */
gboolean vmp_sysfs_get_link_name(const char *path, char **name,
				 GError **error);
/* Sorted names of the entries of @dir; empty if @dir does not exist. */
GPtrArray *vmp_sysfs_list_dir(const char *dir);
/* The same, keeping only names for which @keep returns TRUE. */
GPtrArray *vmp_sysfs_list_dir_valid(const char *dir,
				    gboolean (*keep)(const char *name));
