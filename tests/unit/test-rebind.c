// SPDX-License-Identifier: GPL-2.0-only
/* bind/unbind against the fake kernel: sequence, refusals, rollback. */
#include <string.h>

#include <glib/gstdio.h>

#include "error.h"
#include "fake-sysfs.h"
#include "rebind.h"
#include "sysfs.h"

#define NIC FAKE_NIC

static void assert_driver(FakeSys *fs, const char *bdf, const char *want)
{
	g_autofree char *driver = fake_sys_driver(fs, bdf);

	g_assert_cmpstr(driver, ==, want);
}

static void test_bind_sequence(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GError) error = NULL;
	g_autofree char *record = NULL;

	g_assert_true(vmp_bind(NIC, 0, &error));
	g_assert_no_error(error);
	/* driverctl's order: override, unbind, probe. */
	g_assert_cmpstr(fake_sys_writes(fs), ==,
			"sys/bus/pci/devices/" NIC "/driver_override <- vfio-mdev-pci\n"
			"sys/bus/pci/drivers/e1000/unbind <- " NIC "\n"
			"sys/bus/pci/drivers_probe <- " NIC "\n");
	assert_driver(fs, NIC, "vfio-mdev-pci");
	record = vmp_remembered_driver(NIC);
	g_assert_cmpstr(record, ==, "e1000");
}

static void test_bind_idempotent(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GError) error = NULL;
	g_autofree char *record = NULL;

	g_assert_true(vmp_bind(NIC, 0, &error));
	fake_sys_clear_writes(fs);
	g_assert_true(vmp_bind(NIC, 0, &error));
	g_assert_no_error(error);
	g_assert_cmpstr(fake_sys_writes(fs), ==, "");
	record = vmp_remembered_driver(NIC);
	g_assert_cmpstr(record, ==, "e1000");
}

static void assert_refused(FakeSys *fs, VmpBindFlags flags, gint code,
			   const char *needle)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *record = NULL;

	g_assert_false(vmp_bind(NIC, flags, &error));
	g_assert_error(error, VMP_ERROR, code);
	g_assert_nonnull(strstr(error->message, needle));
	/* Refused means untouched. */
	g_assert_cmpstr(fake_sys_writes(fs), ==, "");
	assert_driver(fs, NIC, "e1000");
	record = vmp_remembered_driver(NIC);
	g_assert_null(record);
}

static void test_refuse_net_up(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GError) error = NULL;

	fake_sys_add_net(fs, NIC, "enp1s0", TRUE);
	assert_refused(fs, 0, VMP_ERROR_IN_USE, "Network interface 'enp1s0' is up");
	g_assert_true(vmp_bind(NIC, VMP_BIND_FORCE, &error));
	g_assert_no_error(error);
	assert_driver(fs, NIC, "vfio-mdev-pci");
}

static void test_net_down_is_free(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GError) error = NULL;

	fake_sys_add_net(fs, NIC, "enp1s0", FALSE);
	g_assert_true(vmp_bind(NIC, 0, &error));
	g_assert_no_error(error);
}

static void test_refuse_mounted(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	fake_sys_add_block(fs, NIC, "nvme0n1", "259:0");
	fake_sys_add_block(fs, NIC, "nvme0n1p1", "259:1");
	fake_sys_file(fs, "proc/self/mountinfo",
		      "22 1 259:1 / /srv rw,relatime shared:1 - ext4 /dev/nvme0n1p1 rw\n");
	assert_refused(fs, 0, VMP_ERROR_IN_USE, "Block device 'nvme0n1p1' is mounted");
}

static void test_refuse_swap_and_holders(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	fake_sys_add_block(fs, NIC, "nvme0n1", "259:0");
	fake_sys_file(fs, "proc/swaps",
		      "Filename\tType\tSize\tUsed\tPriority\n/dev/nvme0n1 partition 1024 0 -2\n");
	assert_refused(fs, 0, VMP_ERROR_IN_USE, "'nvme0n1' is used as swap");
	fake_sys_file(fs, "proc/swaps", "");
	fake_sys_file(fs, "sys/class/block/nvme0n1/holders/dm-0", "");
	assert_refused(fs, 0, VMP_ERROR_IN_USE, "held by 'dm-0'");
}

static void test_refuse_vfs(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	fake_sys_file(fs, "sys/devices/pci0000:00/" NIC "/sriov_numvfs", "2\n");
	/* Even --force: the kernel would refuse too. */
	assert_refused(fs, VMP_BIND_FORCE, VMP_ERROR_IN_USE, "2 SR-IOV virtual functions");
}

static void test_rollback(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GError) error = NULL;
	g_autofree char *record = NULL;
	g_autofree char *override = NULL;

	fake_sys_refuse(fs, "vfio-mdev-pci");
	g_assert_false(vmp_bind(NIC, 0, &error));
	g_assert_error(error, VMP_ERROR, VMP_ERROR_FAILED);
	g_assert_nonnull(strstr(error->message, "did not bind"));
	/* Back where it was: old driver, no override, no record. */
	assert_driver(fs, NIC, "e1000");
	g_file_get_contents(g_build_filename(fake_sys_root(fs), "sys/bus/pci/devices",
					     NIC, "driver_override", NULL),
			    &override, NULL, NULL);
	g_assert_cmpstr(override, ==, "(null)\n");
	record = vmp_remembered_driver(NIC);
	g_assert_null(record);
}

/* A device of a driver that is still loading: nothing changed, and said. */
static void test_driver_registering(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GError) error = NULL;
	g_autofree char *record = NULL;

	fake_sys_registering(fs, "e1000");
	g_assert_false(vmp_bind(NIC, 0, &error));
	g_assert_error(error, VMP_ERROR, VMP_ERROR_FAILED);
	g_assert_nonnull(strstr(error->message,
				"cannot be taken from driver 'e1000' yet: the driver is still registering"));
	assert_driver(fs, NIC, "e1000");
	record = vmp_remembered_driver(NIC);
	g_assert_null(record);
}

static void test_module_missing(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new();
	g_autoptr(GError) error = NULL;
	g_autofree char *modprobe = NULL;

	fake_sys_add_driver(fs, "e1000");
	fake_sys_add_device(fs, NIC, "8086:100e", "e1000", "7");
	g_assert_false(vmp_bind(NIC, 0, &error));
	g_assert_error(error, VMP_ERROR, VMP_ERROR_NOT_FOUND);
	g_assert_cmpstr(fake_sys_writes(fs), ==, "");
	g_clear_error(&error);
	/* A "modprobe" that registers the driver. */
	modprobe = fake_sys_program(fs, "modprobe",
				    "test \"$1\" = vfio_mdev_pci &&\n"
				    "mkdir -p \"$VFIO_MDEV_PCI_TEST_ROOT/sys/bus/pci/drivers/vfio-mdev-pci\"");
	g_setenv("VFIO_MDEV_PCI_TEST_MODPROBE", modprobe, TRUE);
	g_assert_true(vmp_bind(NIC, 0, &error));
	g_assert_no_error(error);
}

/* A hung modprobe fails the bind with its name, and nothing is touched. */
static void test_modprobe_hangs(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new();
	g_autoptr(GError) error = NULL;
	g_autofree char *modprobe = NULL;
	g_autofree char *expected = NULL;

	fake_sys_add_driver(fs, "e1000");
	fake_sys_add_device(fs, NIC, "8086:100e", "e1000", "7");
	modprobe = fake_sys_program(fs, "modprobe", "exec sleep 5");
	g_setenv("VFIO_MDEV_PCI_TEST_MODPROBE", modprobe, TRUE);
	g_setenv("VFIO_MDEV_PCI_HELPER_TIMEOUT", "1", TRUE);
	g_assert_false(vmp_bind(NIC, 0, &error));
	g_unsetenv("VFIO_MDEV_PCI_HELPER_TIMEOUT");
	g_assert_nonnull(error);
	expected = g_strdup_printf("'%s vfio_mdev_pci' did not finish within 1 s and was killed (helper timeout, see VFIO_MDEV_PCI_HELPER_TIMEOUT).",
				   modprobe);
	g_assert_cmpstr(error->message, ==, expected);
	g_assert_cmpstr(fake_sys_writes(fs), ==, "");
	assert_driver(fs, NIC, "e1000");
}

/* Replace @leaf of the NIC with a directory: it exists, but reads fail. */
static void make_unreadable(FakeSys *fs, const char *leaf)
{
	g_autofree char *path = g_build_filename(fake_sys_root(fs), "sys/bus/pci/devices",
						 NIC, leaf, NULL);

	g_assert_cmpint(g_unlink(path), ==, 0);
	g_assert_cmpint(g_mkdir(path, 0755), ==, 0);
}

/*
 * A driver_override that cannot be read would be lost at give-back:
 * bind refuses, names it, and touches nothing.
 */
static void test_override_unreadable(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GError) error = NULL;
	g_autofree char *record = NULL;

	make_unreadable(fs, "driver_override");
	g_assert_false(vmp_bind(NIC, 0, &error));
	g_assert_nonnull(error);
	g_assert_true(g_str_has_prefix(error->message,
				       "Could not read the driver_override of PCI device " NIC ": "));
	g_assert_cmpstr(fake_sys_writes(fs), ==, "");
	assert_driver(fs, NIC, "e1000");
	record = g_build_filename(fake_sys_root(fs), "run/vfio-mdev-pci", NIC ".driver", NULL);
	g_assert_false(g_file_test(record, G_FILE_TEST_EXISTS));
}

/* A driver link that cannot be read is an error, not "no driver". */
static void test_driver_unreadable(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GError) error = NULL;

	make_unreadable(fs, "driver");
	g_assert_false(vmp_bind(NIC, 0, &error));
	g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
	g_assert_nonnull(strstr(error->message, NIC "/driver"));
	g_assert_cmpstr(fake_sys_writes(fs), ==, "");
	g_clear_error(&error);
	g_assert_false(vmp_unbind(NIC, VMP_UNBIND_RESTORE, &error));
	g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
	g_assert_cmpstr(fake_sys_writes(fs), ==, "");
}

static void test_bad_device(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GError) error = NULL;

	g_assert_false(vmp_bind("0000:02:00.0", 0, &error));
	g_assert_error(error, VMP_ERROR, VMP_ERROR_NOT_FOUND);
	g_clear_error(&error);
	g_assert_false(vmp_bind("../../../etc", 0, &error));
	g_assert_error(error, VMP_ERROR, VMP_ERROR_INVALID);
	g_assert_cmpstr(fake_sys_writes(fs), ==, "");
}

/* unbind --restore: @override written back, then unbind, probe: @driver. */
static void assert_restored(FakeSys *fs, const char *override,
			    const char *driver)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *want = g_strdup_printf(
		"sys/bus/pci/devices/" NIC "/driver_override <- %s\n"
		"sys/bus/pci/drivers/vfio-mdev-pci/unbind <- " NIC "\n"
		"sys/bus/pci/drivers_probe <- " NIC "\n", override);

	fake_sys_clear_writes(fs);
	g_assert_true(vmp_unbind(NIC, VMP_UNBIND_RESTORE, &error));
	g_assert_no_error(error);
	g_assert_cmpstr(fake_sys_writes(fs), ==, want);
	assert_driver(fs, NIC, driver);
}

static void test_unbind_restore(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GError) error = NULL;
	g_autofree char *record = NULL;

	g_assert_true(vmp_bind(NIC, 0, &error));
	assert_restored(fs, "", "e1000");
	record = vmp_remembered_driver(NIC);
	g_assert_null(record);
}

static void test_unbind_plain(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GError) error = NULL;
	g_autofree char *record = NULL;

	g_assert_true(vmp_bind(NIC, 0, &error));
	g_assert_true(vmp_unbind(NIC, 0, &error));
	g_assert_no_error(error);
	assert_driver(fs, NIC, NULL);
	/* Kept, so that a later "unbind --restore" can check the result. */
	record = vmp_remembered_driver(NIC);
	g_assert_cmpstr(record, ==, "e1000");
	g_assert_true(vmp_unbind(NIC, VMP_UNBIND_RESTORE, &error));
	g_assert_no_error(error);
	assert_driver(fs, NIC, "e1000");
}

static void test_unbind_refused(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GError) error = NULL;

	g_assert_false(vmp_unbind(NIC, 0, &error));
	g_assert_error(error, VMP_ERROR, VMP_ERROR_INVALID);
	g_clear_error(&error);
	g_assert_true(vmp_bind(NIC, 0, &error));
	fake_sys_add_mdev(fs, NIC, "0b8e7e3e-7a4c-4c1c-9c3e-1b2a3c4d5e6f");
	fake_sys_clear_writes(fs);
	g_assert_false(vmp_unbind(NIC, VMP_UNBIND_RESTORE, &error));
	g_assert_error(error, VMP_ERROR, VMP_ERROR_IN_USE);
	g_assert_nonnull(strstr(error->message, "mdevctl stop"));
	g_assert_cmpstr(fake_sys_writes(fs), ==, "");
}

static char *override_of(FakeSys *fs, const char *bdf)
{
	g_autofree char *path = g_build_filename(fake_sys_root(fs), "sys/bus/pci/devices",
						 bdf, "driver_override", NULL);
	char *value = NULL;

	g_assert_true(g_file_get_contents(path, &value, NULL, NULL));
	return value;
}

static void sysfs_write(FakeSys *fs, const char *rel, const char *value)
{
	g_autofree char *path = g_build_filename(fake_sys_root(fs), rel, NULL);
	g_autoptr(GError) error = NULL;

	g_assert_true(vmp_sysfs_write(path, value, &error));
	g_assert_no_error(error);
}

/*
 * A device pinned to vfio-pci (driverctl: override, unbind, probe) goes
 * back to vfio-pci with its override, not to its host driver.
 */
static void test_unbind_restores_override(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GError) error = NULL;
	g_autofree char *during = NULL;
	g_autofree char *after = NULL;
	g_autofree char *record = NULL;

	fake_sys_add_driver(fs, "vfio-pci");
	sysfs_write(fs, "sys/bus/pci/devices/" NIC "/driver_override", "vfio-pci");
	sysfs_write(fs, "sys/bus/pci/drivers/e1000/unbind", NIC);
	sysfs_write(fs, "sys/bus/pci/drivers_probe", NIC);
	assert_driver(fs, NIC, "vfio-pci");
	g_assert_true(vmp_bind(NIC, 0, &error));
	g_assert_no_error(error);
	during = override_of(fs, NIC);
	g_assert_cmpstr(during, ==, "vfio-mdev-pci\n");
	assert_restored(fs, "vfio-pci", "vfio-pci");
	after = override_of(fs, NIC);
	g_assert_cmpstr(after, ==, "vfio-pci\n");
	record = g_build_filename(fake_sys_root(fs), "run/vfio-mdev-pci", NIC ".override", NULL);
	g_assert_false(g_file_test(record, G_FILE_TEST_EXISTS));
}

static void test_driverless(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new();
	g_autoptr(GError) error = NULL;
	g_autofree char *record = NULL;

	fake_sys_add_driver(fs, "vfio-mdev-pci");
	fake_sys_add_device(fs, NIC, "1234:11e8", NULL, "3");
	g_assert_true(vmp_bind(NIC, 0, &error));
	g_assert_no_error(error);
	record = vmp_remembered_driver(NIC);
	g_assert_cmpstr(record, ==, "");
	g_assert_true(vmp_unbind(NIC, VMP_UNBIND_RESTORE, &error));
	g_assert_no_error(error);
	assert_driver(fs, NIC, NULL);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/rebind/bind/sequence", test_bind_sequence);
	g_test_add_func("/rebind/bind/idempotent", test_bind_idempotent);
	g_test_add_func("/rebind/bind/refuse-net-up", test_refuse_net_up);
	g_test_add_func("/rebind/bind/net-down-is-free", test_net_down_is_free);
	g_test_add_func("/rebind/bind/refuse-mounted", test_refuse_mounted);
	g_test_add_func("/rebind/bind/refuse-swap-holders", test_refuse_swap_and_holders);
	g_test_add_func("/rebind/bind/refuse-vfs", test_refuse_vfs);
	g_test_add_func("/rebind/bind/rollback", test_rollback);
	g_test_add_func("/rebind/bind/driver-registering", test_driver_registering);
	g_test_add_func("/rebind/bind/module-missing", test_module_missing);
	g_test_add_func("/rebind/bind/modprobe-hangs", test_modprobe_hangs);
	g_test_add_func("/rebind/bind/bad-device", test_bad_device);
	g_test_add_func("/rebind/bind/override-unreadable", test_override_unreadable);
	g_test_add_func("/rebind/bind/driver-unreadable", test_driver_unreadable);
	g_test_add_func("/rebind/unbind/restore", test_unbind_restore);
	g_test_add_func("/rebind/unbind/plain", test_unbind_plain);
	g_test_add_func("/rebind/unbind/refused", test_unbind_refused);
	g_test_add_func("/rebind/unbind/restores-override", test_unbind_restores_override);
	g_test_add_func("/rebind/driverless", test_driverless);
	return g_test_run();
}
