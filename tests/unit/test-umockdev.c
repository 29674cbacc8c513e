// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tool against a sysfs built by umockdev's testbed rather than by
 * fake-sysfs.c: PCI functions as umockdev-record would write them, with
 * their attributes, driver and IOMMU group links, a network interface and
 * an mdev parent. The tool reads ROOT/sys as plain files, so no
 * LD_PRELOAD is needed; umockdev models devices only, so the driver and
 * IOMMU group directories the links point to are made by hand, and sysfs
 * writes go to a recorder that stores driver_override as the kernel would
 * and refuses the rest (nothing behind this tree binds drivers).
 */
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <umockdev.h>

#include "run-cmd.h"
#include "sysfs.h"

#define NIC "0000:01:00.0"
#define NIC2 "0000:01:00.1"
#define OURS "0000:02:00.0"
#define MISSING "0000:03:00.0"
#define UUID "0b8e7e3e-7a4c-4c1c-9c3e-1b2a3c4d5e6f"
#define MDEV "1c9f8f4f-8b5d-4d2d-8d4f-2c3b4d5e6f70"
#define TYPE "vfio-mdev-pci-type1"
#define CONFIG(start) "{\"mdev_type\":\"" TYPE "\",\"start\":\"" start "\",\"attrs\":[]}"
#define ETH0 "/sys/devices/pci0000:00/" NIC "/net/eth0"

/*
 * Two e1000 NICs sharing IOMMU group 3 (the first with interface eth0,
 * down), and a function bound to vfio-mdev-pci in group 4 with our types
 * registered and one mdev (of the legacy type) active on it.
 */
static const char tree[] =
	"P: /devices/pci0000:00/" NIC "\n"
	"E: SUBSYSTEM=pci\n"
	"E: DRIVER=e1000\n"
	"E: PCI_ID=8086:100E\n"
	"A: vendor=0x8086\\n\n"
	"A: device=0x100e\\n\n"
	"A: subsystem_vendor=0x8086\\n\n"
	"A: subsystem_device=0x001e\\n\n"
	"A: class=0x020000\\n\n"
	"A: driver_override=(null)\\n\n"
	"L: driver=../../../bus/pci/drivers/e1000\n"
	"L: iommu_group=../../../kernel/iommu_groups/3\n"
	"\n"
	"P: /devices/pci0000:00/" NIC "/net/eth0\n"
	"E: SUBSYSTEM=net\n"
	"E: INTERFACE=eth0\n"
	"A: flags=0x1002\\n\n"
	"\n"
	"P: /devices/pci0000:00/" NIC2 "\n"
	"E: SUBSYSTEM=pci\n"
	"E: DRIVER=e1000\n"
	"E: PCI_ID=8086:100E\n"
	"A: vendor=0x8086\\n\n"
	"A: device=0x100e\\n\n"
	"A: subsystem_vendor=0x8086\\n\n"
	"A: subsystem_device=0x001e\\n\n"
	"A: class=0x020000\\n\n"
	"A: driver_override=(null)\\n\n"
	"L: driver=../../../bus/pci/drivers/e1000\n"
	"L: iommu_group=../../../kernel/iommu_groups/3\n"
	"\n"
	"P: /devices/pci0000:00/" OURS "\n"
	"E: SUBSYSTEM=pci\n"
	"E: DRIVER=vfio-mdev-pci\n"
	"E: PCI_ID=1234:11E8\n"
	"A: vendor=0x1234\\n\n"
	"A: device=0x11e8\\n\n"
	"A: subsystem_vendor=0x1af4\\n\n"
	"A: subsystem_device=0x1100\\n\n"
	"A: class=0x00ff00\\n\n"
	"A: driver_override=vfio-mdev-pci\\n\n"
	"A: mdev_supported_types/vfio-mdev-pci-1234-11e8/available_instances=0\\n\n"
	"A: mdev_supported_types/" TYPE "/available_instances=0\\n\n"
	"L: mdev_supported_types/" TYPE "/devices/" MDEV "=../../../" MDEV "\n"
	"L: driver=../../../bus/pci/drivers/vfio-mdev-pci\n"
	"L: iommu_group=../../../kernel/iommu_groups/4\n"
	"\n"
	"P: /devices/pci0000:00/" OURS "/" MDEV "\n"
	"E: SUBSYSTEM=mdev\n"
	"E: MDEV_TYPE=" TYPE "\n"
	"L: mdev_type=../mdev_supported_types/" TYPE "\n";

typedef struct {
	UMockdevTestbed *tb;
	char *root;
	GString *writes;
} Fixture;

static gboolean recorder(const char *path, const char *value, gpointer data,
			 GError **error)
{
	Fixture *f = data;
	g_autofree char *v = g_strchomp(g_strdup(value));
	g_autofree char *base = g_path_get_basename(path);

	g_assert_true(g_str_has_prefix(path, f->root));
	g_string_append_printf(f->writes, "%s <- %s\n", path + strlen(f->root) + 1, v);
	if (g_str_equal(base, "driver_override")) {
		g_autofree char *shown = g_strdup_printf("%s\n", *v ? v : "(null)");

		return g_file_set_contents(path, shown, -1, error);
	}
	g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NODEV,
		    "no kernel behind the umockdev tree: write to %s refused.", path);
	return FALSE;
}

static void file_at(Fixture *f, const char *rel, const char *contents)
{
	g_autofree char *path = g_build_filename(f->root, rel, NULL);
	g_autofree char *dir = g_path_get_dirname(path);

	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	g_assert_true(g_file_set_contents(path, contents, -1, NULL));
}

static void dir_at(Fixture *f, const char *rel)
{
	g_autofree char *path = g_build_filename(f->root, rel, NULL);

	g_assert_cmpint(g_mkdir_with_parents(path, 0755), ==, 0);
}

/* ROOT/sys/kernel/iommu_groups/@group/devices/@bdf, as the kernel links it. */
static void group_member(Fixture *f, const char *group, const char *bdf)
{
	g_autofree char *rel = g_strdup_printf("sys/kernel/iommu_groups/%s/devices", group);
	g_autofree char *link = g_build_filename(f->root, rel, bdf, NULL);
	g_autofree char *target = g_strdup_printf("../../../../devices/pci0000:00/%s", bdf);

	dir_at(f, rel);
	g_assert_cmpint(symlink(target, link), ==, 0);
}

static void setup(Fixture *f, gconstpointer data)
{
	g_autoptr(GError) error = NULL;

	(void)data;
	f->tb = umockdev_testbed_new();
	f->root = umockdev_testbed_get_root_dir(f->tb);
	f->writes = g_string_new(NULL);
	g_assert_true(umockdev_testbed_add_from_string(f->tb, tree, &error));
	g_assert_no_error(error);
	dir_at(f, "sys/bus/pci/drivers/e1000");
	dir_at(f, "sys/bus/pci/drivers/vfio-mdev-pci");
	group_member(f, "3", NIC);
	group_member(f, "3", NIC2);
	group_member(f, "4", OURS);
	g_setenv("VFIO_MDEV_PCI_TEST_ROOT", f->root, TRUE);
	/* Never the host's modprobe; the driver directory is there anyway. */
	g_setenv("VFIO_MDEV_PCI_TEST_MODPROBE", "false", TRUE);
	vmp_sysfs_set_writer(recorder, f);
}

static void teardown(Fixture *f, gconstpointer data)
{
	(void)data;
	vmp_sysfs_set_writer(NULL, NULL);
	g_unsetenv("VFIO_MDEV_PCI_TEST_ROOT");
	g_string_free(f->writes, TRUE);
	g_free(f->root);
	/* The testbed removes its directory. */
	g_object_unref(f->tb);
}

static char *unroot(Fixture *f, const char *s)
{
	g_auto(GStrv) parts = g_strsplit(s, f->root, -1);

	return g_strjoinv("ROOT", parts);
}

static char *udev_add_check(const char *bdf)
{
	const char *argv[] = { "udev-add", "--check", bdf, NULL };
	g_autoptr(GString) out = g_string_new(NULL);

	g_assert_cmpint(run_cmd(NULL, out, NULL, argv), ==, 0);
	return g_string_free(g_steal_pointer(&out), FALSE);
}

static void assert_wanted(const char *bdf, gboolean wanted)
{
	g_autofree char *answer = udev_add_check(bdf);

	g_assert_cmpstr(answer, ==, wanted ? "VFIO_MDEV_PCI_WANTED=1\n" : "");
}

static void test_udev_check(Fixture *f, gconstpointer data)
{
	(void)data;
	assert_wanted(NIC, FALSE);
	assert_wanted(NIC2, FALSE);
	assert_wanted(OURS, FALSE);
	file_at(f, "etc/mdevctl.d/" NIC "/" UUID, CONFIG("auto"));
	file_at(f, "etc/mdevctl.d/" NIC2 "/" UUID, CONFIG("manual"));
	assert_wanted(NIC, TRUE);
	assert_wanted(NIC2, FALSE);
	assert_wanted(OURS, FALSE);
	/* By ID: the vendor and device attributes of the umockdev tree. */
	file_at(f, "etc/vfio-mdev-pci/vfio-mdev-pci.conf", "[devices]\nids=1234:11e8\n");
	assert_wanted(OURS, TRUE);
	assert_wanted(NIC2, FALSE);
	g_assert_cmpstr(f->writes->str, ==, "");
}

static void test_list_json(Fixture *f, gconstpointer data)
{
	const char *argv[] = { "list", "--json", NULL };
	g_autoptr(GString) out = g_string_new(NULL);

	(void)data;
	file_at(f, "etc/mdevctl.d/" NIC "/" UUID, CONFIG("auto"));
	g_assert_cmpint(run_cmd(NULL, out, NULL, argv), ==, 0);
	assert_golden("umockdev-list.json", out->str);
	g_assert_cmpstr(f->writes->str, ==, "");
}

static void run_golden(Fixture *f, const char *golden, const char *parent)
{
	const char *argv[] = { "callout", "-t", TYPE, "-e", "pre", "-a", "define",
			       "-s", "none", "-u", UUID, "-p", parent, NULL };
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;
	g_autofree char *text = NULL;
	g_autofree char *shown = NULL;
	int rc = run_cmd(CONFIG("auto"), out, &message, argv);

	text = g_strdup_printf("exit: %d\nstdout:\n%serror: %s\nwrites:\n%s", rc,
			       out->str, message ? message : "-", f->writes->str);
	shown = unroot(f, text);
	assert_golden(golden, shown);
}

static void test_pre_define(Fixture *f, gconstpointer data)
{
	(void)data;
	run_golden(f, "umockdev-pre-define-present.txt", NIC);
	run_golden(f, "umockdev-pre-define-missing.txt", MISSING);
}

static char *override(Fixture *f)
{
	g_autofree char *path = g_build_filename(f->root, "sys/devices/pci0000:00",
						 NIC, "driver_override", NULL);
	char *contents = NULL;

	g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
	return contents;
}

static void test_bind_in_use(Fixture *f, gconstpointer data)
{
	const char *argv[] = { "bind", NIC, NULL };
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;
	g_autofree char *before = override(f);
	g_autofree char *after = NULL;

	(void)data;
	umockdev_testbed_set_attribute(f->tb, ETH0, "flags", "0x1003\n");
	g_assert_cmpint(run_cmd(NULL, out, &message, argv), ==, 1);
	g_assert_cmpstr(message, ==,
			"PCI device " NIC " is in use by the host: Network interface 'eth0' is up. Stop using it first, or pass --force.");
	g_assert_cmpstr(f->writes->str, ==, "");
	after = override(f);
	g_assert_cmpstr(before, ==, "(null)\n");
	g_assert_cmpstr(after, ==, before);
}

/*
 * The control: with eth0 down, the same bind goes ahead (and, since
 * nothing here unbinds e1000, rolls the override back).
 */
static void test_bind_not_in_use(Fixture *f, gconstpointer data)
{
	const char *argv[] = { "bind", NIC, NULL };
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;
	g_autofree char *after = NULL;

	(void)data;
	/* Past the in-use check, refused where a kernel would have to act. */
	g_assert_cmpint(run_cmd(NULL, out, &message, argv), ==, 1);
	g_assert_true(g_str_has_prefix(message, "Could not bind " NIC " to vfio-mdev-pci: no kernel behind the umockdev tree: write to "));
	g_assert_true(g_str_has_suffix(message, "/sys/bus/pci/drivers/e1000/unbind refused."));
	g_assert_cmpstr(f->writes->str, ==,
			"sys/bus/pci/devices/" NIC "/driver_override <- vfio-mdev-pci\n"
			"sys/bus/pci/drivers/e1000/unbind <- " NIC "\n"
			"sys/bus/pci/devices/" NIC "/driver_override <- \n");
	after = override(f);
	g_assert_cmpstr(after, ==, "(null)\n");
}

#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	ADD("/umockdev/udev-add/check", test_udev_check);
	ADD("/umockdev/list/json", test_list_json);
	ADD("/umockdev/callout/pre-define", test_pre_define);
	ADD("/umockdev/bind/in-use", test_bind_in_use);
	ADD("/umockdev/bind/not-in-use", test_bind_not_in_use);
	return g_test_run();
}
