// SPDX-License-Identifier: GPL-2.0-only
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "mounts.h"
#include "root.h"
#include "sysfs.h"

static void mount_free(gpointer data)
{
	VmpMount *m = data;

	g_free(m->majmin);
	g_free(m->mountpoint);
	g_free(m->fstype);
	g_free(m->source);
	g_free(m);
}

/* One line, or NULL if it is not a mountinfo line. */
static VmpMount *parse_line(const char *line)
{
	g_auto(GStrv) f = g_strsplit(line, " ", -1);
	guint n = g_strv_length(f);
	guint sep = 6;
	VmpMount *m;

	/* The optional fields end at a lone "-". */
	while (sep < n && !g_str_equal(f[sep], "-"))
		sep++;
	if (sep + 2 >= n)
		return NULL;
	m = g_new0(VmpMount, 1);
	m->majmin = g_strdup(f[2]);
	m->mountpoint = g_strcompress(f[4]);
	m->fstype = g_strdup(f[sep + 1]);
	m->source = g_strcompress(f[sep + 2]);
	return m;
}

GPtrArray *vmp_mounts_read(void)
{
	g_autofree char *path = vmp_path("proc/self/mountinfo");
	g_auto(GStrv) lines = vmp_sysfs_read_lines(path);
	GPtrArray *mounts = g_ptr_array_new_with_free_func(mount_free);

	for (guint i = 0; lines && lines[i]; i++) {
		VmpMount *m = parse_line(lines[i]);

		if (m)
			g_ptr_array_add(mounts, m);
	}
	return mounts;
}

static gboolean contains(const char *mountpoint, const char *path)
{
	size_t len = strlen(mountpoint);

	if (g_str_equal(mountpoint, "/"))
		return *path == '/';
	return strncmp(path, mountpoint, len) == 0 &&
	       (path[len] == '/' || path[len] == '\0');
}

const VmpMount *vmp_mount_of_path(GPtrArray *mounts, const char *path)
{
	const VmpMount *best = NULL;

	/* Of equal mount points the later one is on top. */
	for (guint i = 0; i < mounts->len; i++) {
		const VmpMount *m = g_ptr_array_index(mounts, i);

		if (contains(m->mountpoint, path) &&
		    (!best || strlen(m->mountpoint) >= strlen(best->mountpoint)))
			best = m;
	}
	return best;
}

/* The dm-N whose device-mapper name is @name. */
static char *dm_by_name(const char *name)
{
	g_autofree char *dir = vmp_path("sys/class/block");
	g_autoptr(GPtrArray) all = vmp_sysfs_list_dir(dir);

	for (guint i = 0; i < all->len; i++) {
		const char *dev = g_ptr_array_index(all, i);
		g_autofree char *path = NULL;
		g_autofree char *dm_name = NULL;

		if (!g_str_has_prefix(dev, "dm-"))
			continue;
		path = vmp_path("sys/class/block/%s/dm/name", dev);
		dm_name = vmp_sysfs_read(path, NULL);
		if (g_strcmp0(dm_name, name) == 0)
			return g_strdup(dev);
	}
	return NULL;
}

/* @path's target under the root, if it is /dev/NAME. */
static char *resolve_in_dev(const char *path)
{
	g_autofree char *under = vmp_path("%s", path);
	g_autofree char *dev_dir = vmp_path("dev");
	g_autofree char *name = NULL;
	g_autofree char *parent = NULL;
	char real[PATH_MAX];
	char dev_real[PATH_MAX];

	if (!realpath(under, real) || !realpath(dev_dir, dev_real))
		return NULL;
	parent = g_path_get_dirname(real);
	if (!g_str_equal(parent, dev_real))
		return NULL;
	name = g_path_get_basename(real);
	return g_steal_pointer(&name);
}

char *vmp_block_name_of(const char *dev_path)
{
	const char *rest;
	g_autofree char *name = NULL;
	g_autofree char *sys = NULL;

	if (!dev_path || !g_str_has_prefix(dev_path, "/dev/") ||
	    strstr(dev_path, "/.."))
		return NULL;
	rest = dev_path + strlen("/dev/");
	if (g_str_has_prefix(rest, "mapper/"))
		name = dm_by_name(rest + strlen("mapper/"));
	if (!name)
		name = resolve_in_dev(dev_path);
	if (!name && *rest && !strchr(rest, '/'))
		name = g_strdup(rest);
	if (!name)
		return NULL;
	sys = vmp_path("sys/class/block/%s", name);
	return g_file_test(sys, G_FILE_TEST_EXISTS) ? g_steal_pointer(&name) : NULL;
}
