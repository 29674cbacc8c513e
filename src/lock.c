// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "error.h"
#include "timelimit.h"
#include "lock.h"
#include "root.h"

struct _VmpLock {
	char *name;
	int fd;
	guint refs;
};

/* Locks this process holds, by name: flock(2) is per open file, so a
 * second open in the same process would wait for itself. */
static GHashTable *held;

static int open_lock_file(const char *path, GError **error)
{
	g_autofree char *dir = g_path_get_dirname(path);
	int fd;

	if (g_mkdir_with_parents(dir, 0755) < 0) {
		g_set_error(error, VMP_ERROR, VMP_ERROR_FAILED,
			    "Could not create %s: %s.", dir, g_strerror(errno));
		return -1;
	}
	/* O_NOFOLLOW: /run/lock is world-writable on some systems. */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		g_set_error(error, VMP_ERROR, VMP_ERROR_FAILED,
			    "Could not open lock file %s: %s.", path,
			    g_strerror(errno));
	return fd;
}

/* flock with a bounded wait: polled, as flock(2) itself has no timeout. */
static gboolean wait_for(int fd, const char *path, GError **error)
{
	guint limit = vmp_limit_ms("VFIO_MDEV_PCI_LOCK_TIMEOUT", VMP_LOCK_TIMEOUT_S);
	gint64 deadline = g_get_monotonic_time() + (gint64)limit * 1000;

	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			g_set_error(error, VMP_ERROR, VMP_ERROR_FAILED,
				    "Could not lock %s: %s.", path, g_strerror(errno));
			return FALSE;
		}
		if (g_get_monotonic_time() >= deadline) {
			g_set_error(error, VMP_ERROR, VMP_ERROR_FAILED,
				    "Another vfio-mdev-pci run held %s for more than %g s; try again later (lock timeout, see VFIO_MDEV_PCI_LOCK_TIMEOUT).",
				    path, limit / 1000.0);
			return FALSE;
		}
		g_usleep(50 * 1000);
	}
	return TRUE;
}

VmpLock *vmp_lock(const char *name, GError **error)
{
	g_autofree char *path = vmp_path("run/lock/vfio-mdev-pci/%s.lock", name);
	VmpLock *lock;
	int fd;

	if (!held)
		held = g_hash_table_new(g_str_hash, g_str_equal);
	lock = g_hash_table_lookup(held, name);
	if (lock) {
		lock->refs++;
		return lock;
	}
	fd = open_lock_file(path, error);
	if (fd < 0)
		return NULL;
	if (!wait_for(fd, path, error)) {
		close(fd);
		return NULL;
	}
	lock = g_new0(VmpLock, 1);
	lock->name = g_strdup(name);
	lock->fd = fd;
	lock->refs = 1;
	g_hash_table_insert(held, lock->name, lock);
	return lock;
}

void vmp_unlock(VmpLock *lock)
{
	if (!lock || --lock->refs > 0)
		return;
	g_hash_table_remove(held, lock->name);
	/* Closing the only descriptor releases the flock. */
	close(lock->fd);
	g_free(lock->name);
	g_free(lock);
}
