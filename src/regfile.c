// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "regfile.h"

static gboolean file_error(const char *path, int err, const char *what,
			   GError **error)
{
	g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
		    "Could not %s %s: %s.", what, path, g_strerror(err));
	return FALSE;
}

gboolean vmp_read_regular_file(const char *path, gsize max, char **contents,
			       gsize *len, GError **error)
{
	g_autoptr(GByteArray) buf = g_byte_array_new();
	struct stat st;
	guint8 chunk[4096];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return file_error(path, errno, "open", error);
	if (fstat(fd, &st) < 0) {
		int err = errno;

		close(fd);
		return file_error(path, err, "stat", error);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
			    "%s is not a regular file; refused.", path);
		return FALSE;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0 && buf->len + (gsize)n <= max)
		g_byte_array_append(buf, chunk, n);
	if (n < 0) {
		int err = errno;

		close(fd);
		return file_error(path, err, "read", error);
	}
	close(fd);
	if (n > 0) {
		g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
			    "%s is larger than %" G_GSIZE_FORMAT " bytes; refused.", path, max);
		return FALSE;
	}
	if (len)
		*len = buf->len;
	g_byte_array_append(buf, (const guint8 *)"", 1);
	*contents = (char *)g_byte_array_free(g_steal_pointer(&buf), FALSE);
	return TRUE;
}
