// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-device serialization: another run holding a device's lock (a child
 * process here, as another vfio-mdev-pci would) makes bind and give-back
 * wait, with a bounded wait that ends in an error naming the lock.
 */
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fake-sysfs.h"
#include "run-cmd.h"

#define NIC FAKE_NIC
#define UUID "0b8e7e3e-7a4c-4c1c-9c3e-1b2a3c4d5e6f"
#define UUID2 "1c9f8f4f-8b5d-4d2d-8d4f-2c3b4d5e6f70"
#define TYPE "vfio-mdev-pci-type1"
#define LOCK "run/lock/vfio-mdev-pci/" NIC ".lock"

/*
 * A child that takes @rel's lock, holds it @ms, creates @mkdir_rel (if
 * not NULL) as its work, and exits. Returns once the child holds it.
 */
static pid_t hold(FakeSys *fs, const char *rel, guint ms, const char *mkdir_rel)
{
	g_autofree char *path = g_build_filename(fake_sys_root(fs), rel, NULL);
	g_autofree char *dir = g_path_get_dirname(path);
	g_autofree char *work = mkdir_rel ?
		g_build_filename(fake_sys_root(fs), mkdir_rel, NULL) : NULL;
	int ready[2];
	char c;
	pid_t pid;

	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	g_assert_cmpint(pipe(ready), ==, 0);
	pid = fork();
	g_assert_cmpint(pid, >=, 0);
	if (pid == 0) {
		int fd = open(path, O_RDWR | O_CREAT, 0600);

		if (fd < 0 || flock(fd, LOCK_EX) < 0 || write(ready[1], "x", 1) != 1)
			_exit(1);
		usleep(ms * 1000);
		if (work && mkdir(work, 0755) < 0)
			_exit(1);
		_exit(0);
	}
	close(ready[1]);
	g_assert_cmpint(read(ready[0], &c, 1), ==, 1);
	close(ready[0]);
	return pid;
}

static void reap(pid_t pid)
{
	int status = 0;

	g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
	g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static int bind(char **message)
{
	const char *argv[] = { "bind", NIC, NULL };
	g_autoptr(GString) out = g_string_new(NULL);

	return run_cmd(NULL, out, message, argv);
}

static void test_bind_times_out(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autofree char *message = NULL;
	g_autofree char *shown = NULL;
	g_autofree char *driver = NULL;
	pid_t pid = hold(fs, LOCK, 2000, NULL);

	g_setenv("VFIO_MDEV_PCI_LOCK_TIMEOUT", "1", TRUE);
	g_assert_cmpint(bind(&message), ==, 1);
	g_unsetenv("VFIO_MDEV_PCI_LOCK_TIMEOUT");
	shown = fake_sys_unroot(fs, message);
	g_assert_cmpstr(shown, ==,
			"Another vfio-mdev-pci run held ROOT/" LOCK " for more than 1 s; try again later (lock timeout, see VFIO_MDEV_PCI_LOCK_TIMEOUT).");
	g_assert_cmpstr(fake_sys_writes(fs), ==, "");
	driver = fake_sys_driver(fs, NIC);
	g_assert_cmpstr(driver, ==, "e1000");
	reap(pid);
}

static void test_bind_waits(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autofree char *message = NULL;
	g_autofree char *driver = NULL;
	gint64 start = g_get_monotonic_time();
	pid_t pid = hold(fs, LOCK, 500, NULL);

	g_setenv("VFIO_MDEV_PCI_LOCK_TIMEOUT", "10", TRUE);
	g_assert_cmpint(bind(&message), ==, 0);
	g_unsetenv("VFIO_MDEV_PCI_LOCK_TIMEOUT");
	g_assert_cmpint(g_get_monotonic_time() - start, >=, 400 * 1000);
	driver = fake_sys_driver(fs, NIC);
	g_assert_cmpstr(driver, ==, "vfio-mdev-pci");
	reap(pid);
}

/*
 * give-back after one mdev stopped while another run, holding the lock,
 * starts a second mdev on the device: give-back waits for it, sees the
 * new mdev under the lock, and keeps the device.
 */
static void test_give_back_rechecks(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	const char *argv[] = { "callout", "-t", TYPE, "-e", "post", "-a", "stop",
			       "-s", "success", "-u", UUID, "-p", NIC, NULL };
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;
	g_autofree char *driver = NULL;
	pid_t pid;

	g_assert_cmpint(bind(NULL), ==, 0);
	fake_sys_clear_writes(fs);
	pid = hold(fs, LOCK, 500,
		   "sys/devices/pci0000:00/" NIC "/mdev_supported_types/" TYPE "/devices/" UUID2);
	g_setenv("VFIO_MDEV_PCI_LOCK_TIMEOUT", "10", TRUE);
	g_assert_cmpint(run_cmd("{\"mdev_type\":\"" TYPE "\"}", out, &message, argv), ==, 0);
	g_unsetenv("VFIO_MDEV_PCI_LOCK_TIMEOUT");
	g_assert_cmpstr(fake_sys_writes(fs), ==, "");
	driver = fake_sys_driver(fs, NIC);
	g_assert_cmpstr(driver, ==, "vfio-mdev-pci");
	reap(pid);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/lock/bind-times-out", test_bind_times_out);
	g_test_add_func("/lock/bind-waits", test_bind_waits);
	g_test_add_func("/lock/give-back-rechecks", test_give_back_rechecks);
	return g_test_run();
}
