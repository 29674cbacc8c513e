// SPDX-License-Identifier: GPL-2.0-only
/* udev-add (which devices are ours at boot) and start-parent. */
#include "fake-sysfs.h"
#include "run-cmd.h"

#define NIC FAKE_NIC
#define UUID1 "0b8e7e3e-7a4c-4c1c-9c3e-1b2a3c4d5e6f"
#define UUID2 "1c9f8f4f-8b5d-4d2d-8d4f-2c3b4d5e6f70"
#define TYPE "vfio-mdev-pci-type1"

static int run2(const char *a, const char *b, const char *c, GString *out,
		char **message)
{
	const char *argv[] = { a, b, c, NULL };

	g_string_truncate(out, 0);
	return run_cmd(NULL, out, message, argv);
}

static void assert_check(FakeSys *fs, gboolean wanted)
{
	g_autoptr(GString) out = g_string_new(NULL);

	g_assert_cmpint(run2("udev-add", "--check", NIC, out, NULL), ==, 0);
	g_assert_cmpstr(out->str, ==, wanted ? "VFIO_MDEV_PCI_WANTED=1\n" : "");
	g_assert_cmpstr(fake_sys_writes(fs), ==, "");
}

static void test_not_ours(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GString) out = g_string_new(NULL);

	assert_check(fs, FALSE);
	/* Quiet, successful, and nothing touched. */
	g_assert_cmpint(run2("udev-add", NIC, NULL, out, NULL), ==, 0);
	g_assert_cmpstr(out->str, ==, "");
	g_assert_cmpstr(fake_sys_writes(fs), ==, "");
}

static void test_definitions(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	fake_sys_define(fs, NIC, UUID1, TYPE, FALSE);
	fake_sys_define(fs, NIC, UUID2, "nvidia-35", TRUE);
	assert_check(fs, FALSE);	/* manual, and a foreign auto */
	fake_sys_define(fs, NIC, UUID1, TYPE, TRUE);
	assert_check(fs, TRUE);
}

static void test_config(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	fake_sys_file(fs, "etc/vfio-mdev-pci/vfio-mdev-pci.conf",
		      "[devices]\naddresses=" NIC "\n");
	assert_check(fs, TRUE);
	fake_sys_file(fs, "etc/vfio-mdev-pci/vfio-mdev-pci.conf",
		      "[devices]\nids=8086:100e\n");
	assert_check(fs, TRUE);
	fake_sys_file(fs, "etc/vfio-mdev-pci/vfio-mdev-pci.conf",
		      "[devices]\nids=8086:10ca\n");
	assert_check(fs, FALSE);
}

static void test_junk_config(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;

	fake_sys_file(fs, "etc/vfio-mdev-pci/vfio-mdev-pci.conf", "junk\n");
	g_assert_cmpint(run2("udev-add", NIC, NULL, out, &message), ==, 1);
	g_assert_nonnull(strstr(message, "vfio-mdev-pci.conf"));
	g_assert_cmpstr(fake_sys_writes(fs), ==, "");
}

/* vfio-mdev-pci.conf(5): nothing happens while the file is wrong, not
 * even for a device with an auto-start definition. */
static void test_broken_config_claims_nothing(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;

	fake_sys_define(fs, NIC, UUID1, TYPE, TRUE);
	fake_sys_file(fs, "etc/vfio-mdev-pci/vfio-mdev-pci.conf", "[devices]\naddresses=junk\n");
	g_assert_cmpint(run2("udev-add", "--check", NIC, out, &message), ==, 1);
	g_assert_cmpstr(out->str, ==, "");
	g_assert_nonnull(strstr(message, "vfio-mdev-pci.conf: 'junk' in [devices] addresses= is not a PCI address"));
	g_assert_cmpstr(fake_sys_writes(fs), ==, "");
}

static void test_binds(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *driver = NULL;

	fake_sys_define(fs, NIC, UUID1, TYPE, TRUE);
	g_assert_cmpint(run2("udev-add", NIC, NULL, out, NULL), ==, 0);
	driver = fake_sys_driver(fs, NIC);
	g_assert_cmpstr(driver, ==, "vfio-mdev-pci");
}

static void test_bad_address(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GString) out = g_string_new(NULL);

	g_assert_cmpint(run2("udev-add", "--check", "../x", out, NULL), ==, 1);
	g_assert_cmpint(run2("start-parent", "0000:01:00.0/..", NULL, out, NULL), ==, 1);
}

static char *mdevctl_log(FakeSys *fs)
{
	g_autofree char *path = g_build_filename(fake_sys_root(fs), "mdevctl.log", NULL);
	char *log = NULL;

	if (!g_file_get_contents(path, &log, NULL, NULL))
		return g_strdup("");
	return log;
}

static void test_start_parent(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *log = NULL;
	g_autofree char *log2 = NULL;

	fake_sys_define(fs, NIC, UUID1, TYPE, TRUE);
	fake_sys_define(fs, NIC, UUID2, TYPE, FALSE);
	g_assert_cmpint(run2("start-parent", NIC, NULL, out, NULL), ==, 0);
	log = mdevctl_log(fs);
	/* Only the auto one; a second run finds it active. */
	g_assert_cmpstr(log, ==, "start -p " NIC " -u " UUID1 "\n");
	g_assert_cmpint(run2("start-parent", NIC, NULL, out, NULL), ==, 0);
	log2 = mdevctl_log(fs);
	g_assert_cmpstr(log2, ==, log);
}

static void test_start_parent_fails(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;

	fake_sys_define(fs, NIC, UUID1, TYPE, TRUE);
	g_setenv("FAKE_MDEVCTL_FAIL", "1", TRUE);
	g_assert_cmpint(run2("start-parent", NIC, NULL, out, &message), ==, 1);
	g_unsetenv("FAKE_MDEVCTL_FAIL");
	g_assert_nonnull(strstr(message, UUID1));
}

static void test_mdevctl_missing(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;
	g_autofree char *saved = g_strdup(g_getenv("VFIO_MDEV_PCI_TEST_MDEVCTL"));

	fake_sys_define(fs, NIC, UUID1, TYPE, TRUE);
	g_setenv("VFIO_MDEV_PCI_TEST_MDEVCTL", "/nonexistent/mdevctl", TRUE);
	g_assert_cmpint(run2("start-parent", NIC, NULL, out, &message), ==, 1);
	g_setenv("VFIO_MDEV_PCI_TEST_MDEVCTL", saved, TRUE);
	g_assert_nonnull(strstr(message, "install the mdevctl package"));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/udev-add/not-ours", test_not_ours);
	g_test_add_func("/udev-add/definitions", test_definitions);
	g_test_add_func("/udev-add/config", test_config);
	g_test_add_func("/udev-add/junk-config", test_junk_config);
	g_test_add_func("/udev-add/broken-config-claims-nothing", test_broken_config_claims_nothing);
	g_test_add_func("/udev-add/binds", test_binds);
	g_test_add_func("/udev-add/bad-address", test_bad_address);
	g_test_add_func("/start-parent/starts-auto", test_start_parent);
	g_test_add_func("/start-parent/fails", test_start_parent_fails);
	g_test_add_func("/start-parent/mdevctl-missing", test_mdevctl_missing);
	return g_test_run();
}
