// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "sysfs.h"

static gboolean kernel_write(const char *path, const char *value,
			     gpointer data, GError **error)
{
	size_t len = strlen(value);
	ssize_t n;
	int saved;
	int fd;

	(void)data;
	/* One write(2) of the whole value: sysfs stores take one buffer. */
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		saved = errno;
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved),
			    "Could not open %s: %s.", path, g_strerror(saved));
		return FALSE;
	}
	n = write(fd, value, len);
	saved = errno;
	close(fd);
	if (n < 0 || (size_t)n != len) {
		g_autofree char *shown = g_strchomp(g_strdup(value));

		if (n >= 0)
			saved = EIO;
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved),
			    "Could not write '%s' to %s: %s.", shown, path,
			    g_strerror(saved));
		return FALSE;
	}
	return TRUE;
}

static VmpSysfsWriter writer = kernel_write;
static gpointer writer_data;

void vmp_sysfs_set_writer(VmpSysfsWriter fn, gpointer data)
{
	writer = fn ? fn : kernel_write;
	writer_data = data;
}

gboolean vmp_sysfs_write(const char *path, const char *value, GError **error)
{
	return writer(path, value, writer_data, error);
}

char *vmp_sysfs_read(const char *path, GError **error)
{
	char *contents = NULL;

	if (!g_file_get_contents(path, &contents, NULL, error))
		return NULL;
	return g_strchomp(contents);
}

GStrv vmp_sysfs_read_lines(const char *path)
{
	g_autofree char *contents = NULL;

	if (!g_file_get_contents(path, &contents, NULL, NULL))
		return NULL;
	return g_strsplit(contents, "\n", -1);
}

char *vmp_sysfs_link_name(const char *path)
{
	char *name = NULL;

	vmp_sysfs_get_link_name(path, &name, NULL);
	return name;
}

gboolean vmp_sysfs_get_link_name(const char *path, char **name,
				 GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autofree char *target = g_file_read_link(path, &local);

	*name = NULL;
	if (target) {
		*name = g_path_get_basename(target);
		return TRUE;
	}
	if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
		return TRUE;
	g_propagate_error(error, g_steal_pointer(&local));
	return FALSE;
}

static int compare_names(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const char * const *)a, *(const char * const *)b);
}

GPtrArray *vmp_sysfs_list_dir(const char *path)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
	const char *name;

	if (!dir)
		return names;
	while ((name = g_dir_read_name(dir)))
		g_ptr_array_add(names, g_strdup(name));
	g_ptr_array_sort(names, compare_names);
	return names;
}

GPtrArray *vmp_sysfs_list_dir_valid(const char *path,
				    gboolean (*keep)(const char *name))
{
	GPtrArray *names = vmp_sysfs_list_dir(path);

	for (guint i = names->len; i > 0; i--) {
		if (!keep(g_ptr_array_index(names, i - 1)))
			g_ptr_array_remove_index(names, i - 1);
	}
	return names;
}
