// SPDX-License-Identifier: GPL-2.0-only
/*
 * release-all (the package's prerm) against the fake kernel and a fake
 * mdevctl: what it stops and gives back, and that a guest's use of any
 * device refuses the whole run before anything changes.
 */
#include <string.h>

#include "error.h"
#include "fake-sysfs.h"
#include "rebind.h"
#include "run-cmd.h"
#include "sysfs.h"

#define NIC FAKE_NIC
#define NIC2 "0000:02:00.0"
#define UUID "0b8e7e3e-7a4c-4c1c-9c3e-1b2a3c4d5e6f"

static int release_all(GString *out, char **message)
{
	const char *argv[] = { "release-all", NULL };

	return run_cmd(NULL, out, message, argv);
}

static void assert_driver(FakeSys *fs, const char *bdf, const char *want)
{
	g_autofree char *driver = fake_sys_driver(fs, bdf);

	g_assert_cmpstr(driver, ==, want);
}

/*
 * NIC wrapped from e1000 with mdev UUID active; NIC2 wrapped from igb
 * with none; both in group 7 and 8.
 */
static FakeSys *wrapped_tree(void)
{
	FakeSys *fs = fake_sys_new_nic();
	g_autoptr(GError) error = NULL;

	fake_sys_add_driver(fs, "igb");
	fake_sys_add_device(fs, NIC2, "8086:10c9", "igb", "8");
	g_assert_true(vmp_bind(NIC, 0, &error));
	g_assert_true(vmp_bind(NIC2, 0, &error));
	g_assert_no_error(error);
	fake_sys_add_mdev(fs, NIC, UUID);
	fake_sys_clear_writes(fs);
	return fs;
}

static void test_nothing(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;

	g_assert_cmpint(release_all(out, &message), ==, 0);
	g_assert_null(message);
	g_assert_cmpstr(out->str, ==, "");
	g_assert_cmpstr(fake_sys_writes(fs), ==, "");
	assert_driver(fs, NIC, "e1000");
}

static void test_gives_back(void)
{
	g_autoptr(FakeSys) fs = wrapped_tree();
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;
	g_autofree char *log = NULL;

	g_assert_cmpint(release_all(out, &message), ==, 0);
	g_assert_null(message);
	log = fake_sys_read(fs, "mdevctl.log");
	g_assert_cmpstr(log, ==, "stop -u " UUID "\n");
	g_assert_cmpstr(out->str, ==,
			NIC ": stopped mdev " UUID "\n"
			NIC ": on e1000\n"
			NIC2 ": on igb\n");
	assert_driver(fs, NIC, "e1000");
	assert_driver(fs, NIC2, "igb");
	/* Run again: nothing of ours is left. */
	g_string_truncate(out, 0);
	g_assert_cmpint(release_all(out, &message), ==, 0);
	g_assert_cmpstr(out->str, ==, "");
}

/* A guest holds NIC2's group: nothing is stopped or given back, NIC included. */
static void test_in_use(void)
{
	g_autoptr(FakeSys) fs = wrapped_tree();
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;
	g_autofree char *log = NULL;

	fake_sys_file(fs, "proc/4242/comm", "qemu-system-x86\n");
	fake_sys_link(fs, "proc/4242/fd/17", "/dev/vfio/8");
	g_assert_cmpint(release_all(out, &message), ==, 1);
	g_assert_nonnull(strstr(message, "Nothing was released; in use: " NIC2
				": Process 4242 (qemu-system-x86) has /dev/vfio/8 open."));
	g_assert_nonnull(strstr(message, "Shut down the guests"));
	log = fake_sys_read(fs, "mdevctl.log");
	g_assert_null(log);
	g_assert_cmpstr(fake_sys_writes(fs), ==, "");
	assert_driver(fs, NIC, "vfio-mdev-pci");
	assert_driver(fs, NIC2, "vfio-mdev-pci");
}

/* A wrapped boot display is given back: only a VFIO user refuses. */
static void test_boot_display(void)
{
	g_autoptr(FakeSys) fs = wrapped_tree();
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;

	fake_sys_file(fs, "sys/devices/pci0000:00/" NIC2 "/boot_vga", "1\n");
	g_assert_cmpint(release_all(out, &message), ==, 0);
	g_assert_null(message);
	assert_driver(fs, NIC2, "igb");
}

/*
 * Our driver_override left on a device with no driver (the module was
 * unloaded): the override is taken back, and the device probed.
 */
static void test_override_only(void)
{
	g_autoptr(FakeSys) fs = wrapped_tree();
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;

	g_autoptr(GError) error = NULL;
	g_autofree char *unbind = g_build_filename(fake_sys_root(fs),
		"sys/bus/pci/drivers/vfio-mdev-pci/unbind", NULL);

	g_assert_true(vmp_sysfs_write(unbind, NIC2, &error));
	g_assert_no_error(error);
	assert_driver(fs, NIC2, NULL);
	fake_sys_clear_writes(fs);
	g_string_truncate(out, 0);
	g_assert_cmpint(release_all(out, &message), ==, 0);
	g_assert_null(message);
	g_assert_cmpstr(out->str, ==,
			NIC ": stopped mdev " UUID "\n"
			NIC ": on e1000\n"
			NIC2 ": on igb\n");
	assert_driver(fs, NIC2, "igb");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/release-all/nothing", test_nothing);
	g_test_add_func("/release-all/gives-back", test_gives_back);
	g_test_add_func("/release-all/in-use", test_in_use);
	g_test_add_func("/release-all/boot-display", test_boot_display);
	g_test_add_func("/release-all/override-only", test_override_only);
	return g_test_run();
}
