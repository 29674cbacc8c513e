// SPDX-License-Identifier: GPL-2.0-only
/*
 * Parity with vfio-pci: its denylist, and devices a vfio-pci variant
 * driver is made for. Refused by bind and at boot, lifted per device by
 * an option or the config file, with a warning naming what is lifted.
 */
#include <string.h>

#include "error.h"
#include "fake-sysfs.h"
#include "parity.h"
#include "rebind.h"
#include "run-cmd.h"

#define DEV "0000:01:00.0"
#define CONF "etc/vfio-mdev-pci/vfio-mdev-pci.conf"
#define RELEASE "6.12.38+deb13-amd64"

static void assert_driver(FakeSys *fs, const char *want)
{
	g_autofree char *driver = fake_sys_driver(fs, DEV);

	g_assert_cmpstr(driver, ==, want);
}

/* Refused with VMP_ERROR_REFUSED and @needle, nothing touched. */
static void assert_refused(FakeSys *fs, VmpBindFlags flags, const char *needle,
			   const char *driver)
{
	g_autoptr(GError) error = NULL;

	g_assert_false(vmp_bind(DEV, flags, &error));
	g_assert_error(error, VMP_ERROR, VMP_ERROR_REFUSED);
	if (!strstr(error->message, needle))
		g_error("'%s' not in: %s", needle, error->message);
	g_assert_cmpstr(fake_sys_writes(fs), ==, "");
	assert_driver(fs, driver);
}

/* Bound with @flags, after exactly the warning @warning (ROOT: the root). */
static void assert_bound_warning(FakeSys *fs, VmpBindFlags flags,
				 const char *warning)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *printed = NULL;
	g_autofree char *shown = NULL;

	printerr_catch();
	g_assert_true(vmp_bind(DEV, flags, &error));
	printed = printerr_release();
	g_assert_no_error(error);
	shown = fake_sys_unroot(fs, printed);
	g_assert_cmpstr(shown, ==, warning);
	assert_driver(fs, "vfio-mdev-pci");
}

static FakeSys *device_tree(const char *id, const char *driver)
{
	FakeSys *fs = fake_sys_new();

	fake_sys_add_driver(fs, driver);
	fake_sys_add_driver(fs, "vfio-mdev-pci");
	fake_sys_add_device(fs, DEV, id, driver, "12");
	return fs;
}

/* vfio_pci_dev_in_denylist(), as checked against the kernel's source. */
static void test_denylist_table(void)
{
	static const char * const ids[] = {
		"8086:0435", "8086:0443", "8086:19e2", "8086:19e3",
		"8086:37c8", "8086:37c9", "8086:0b25", "8086:0cfe",
	};

	for (guint i = 0; i < G_N_ELEMENTS(ids); i++) {
		g_autoptr(FakeSys) fs = device_tree(ids[i], "qat");
		g_autofree char *denied = vmp_pci_denylisted(DEV);

		g_assert_cmpstr(denied, ==, ids[i]);
	}
	for (guint i = 0; i < 2; i++) {
		g_autoptr(FakeSys) fs = device_tree(i ? "8086:0436" : "1022:0435", "qat");
		g_autofree char *denied = vmp_pci_denylisted(DEV);

		g_assert_null(denied);
	}
}

static void test_denylisted(void)
{
	g_autoptr(FakeSys) fs = device_tree("8086:37c9", "c6xxvf");

	assert_refused(fs, 0, "PCI device " DEV " is refused: its id 8086:37c9 is on vfio-pci's denylist;", "c6xxvf");
	/* --force is for the host's uses, not for errata. */
	assert_refused(fs, VMP_BIND_FORCE | VMP_BIND_ALLOW_VARIANT,
		       "Pass --allow-denylisted, or name the device in [policy] allow-denylisted=", "c6xxvf");
	assert_bound_warning(fs, VMP_BIND_ALLOW_DENYLISTED,
			     "vfio-mdev-pci: warning: --allow-denylisted: wrapping PCI device " DEV
			     " although its id 8086:37c9 is on vfio-pci's denylist.\n");
}

static void test_denylisted_config(void)
{
	g_autoptr(FakeSys) fs = device_tree("8086:37c9", "c6xxvf");

	fake_sys_file(fs, CONF, "[policy]\nallow-denylisted=8086:37c8;0000:09:00.0\n");
	assert_refused(fs, 0, "its id 8086:37c9 is on vfio-pci's denylist", "c6xxvf");
	fake_sys_file(fs, CONF, "[policy]\nallow-denylisted=8086:37c9\n");
	assert_bound_warning(fs, 0,
			     "vfio-mdev-pci: warning: [policy] allow-denylisted= in ROOT/" CONF
			     ": wrapping PCI device " DEV
			     " although its id 8086:37c9 is on vfio-pci's denylist.\n");
}

#define MLX5_VFIO "alias vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_vfio_pci\n"

/*
 * A ConnectX VF, with the aliases depmod writes for the running kernel;
 * mlx5_vfio_pci's in @file: modules.alias, modules.builtin.alias or none.
 */
static FakeSys *variant_tree(const char *file)
{
	FakeSys *fs = device_tree("15b3:101e", "mlx5_core");
	g_autofree char *aliases = g_strconcat(
		"# Aliases extracted from modules themselves.\n"
		"alias pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_core\n"
		"alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci\n"
		"alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_mdev_pci\n"
		"alias vfio_pci:v00001DD8d00001007sv*sd*bc*sc*i* pds_vfio_pci\n",
		g_strcmp0(file, "modules.alias") == 0 ? MLX5_VFIO : "", NULL);

	fake_sys_file(fs, "sys/devices/pci0000:00/" DEV "/modalias",
		      "pci:v000015B3d0000101Esv000015B3sd00000001bc02sc00i00\n");
	fake_sys_file(fs, "proc/sys/kernel/osrelease", RELEASE "\n");
	fake_sys_file(fs, "lib/modules/" RELEASE "/modules.alias", aliases);
	if (g_strcmp0(file, "modules.builtin.alias") == 0)
		fake_sys_file(fs, "lib/modules/" RELEASE "/modules.builtin.alias", MLX5_VFIO);
	return fs;
}

/* The catch-all aliases, vfio-pci's and our own module's, are no variant. */
static void test_no_variant(void)
{
	g_autoptr(FakeSys) fs = variant_tree(NULL);
	g_autoptr(GError) error = NULL;

	g_assert_true(vmp_bind(DEV, 0, &error));
	g_assert_no_error(error);
	assert_driver(fs, "vfio-mdev-pci");
}

static void test_variant(void)
{
	g_autoptr(FakeSys) fs = variant_tree("modules.alias");
	g_autoptr(GPtrArray) found = vmp_pci_vfio_variants(DEV);

	g_assert_cmpuint(found->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(found, 0), ==, "mlx5_vfio_pci");
	assert_refused(fs, VMP_BIND_FORCE | VMP_BIND_ALLOW_DENYLISTED,
		       "PCI device " DEV " is refused: vfio-pci variant driver mlx5_vfio_pci is made for it;",
		       "mlx5_core");
	assert_bound_warning(fs, VMP_BIND_ALLOW_VARIANT,
			     "vfio-mdev-pci: warning: --allow-variant: wrapping PCI device " DEV
			     " although vfio-pci variant driver mlx5_vfio_pci is made for it.\n");
}

static void test_variant_builtin(void)
{
	g_autoptr(FakeSys) fs = variant_tree("modules.builtin.alias");

	assert_refused(fs, 0, "variant driver mlx5_vfio_pci", "mlx5_core");
}

/* At boot, udev-add applies the same refusal; the config lifts it. */
static void test_variant_at_boot(void)
{
	g_autoptr(FakeSys) fs = variant_tree("modules.alias");
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;
	g_autofree char *printed = NULL;
	const char *argv[] = { "udev-add", DEV, NULL };

	fake_sys_file(fs, CONF, "[devices]\nids=15b3:101e\n");
	g_assert_cmpint(run_cmd(NULL, out, &message, argv), ==, 1);
	g_assert_nonnull(strstr(message, "variant driver mlx5_vfio_pci is made for it"));
	assert_driver(fs, "mlx5_core");
	fake_sys_file(fs, CONF, "[devices]\nids=15b3:101e\n[policy]\nallow-variant=" DEV "\n");
	printerr_catch();
	g_assert_cmpint(run_cmd(NULL, out, NULL, argv), ==, 0);
	printed = printerr_release();
	g_assert_nonnull(strstr(printed, "[policy] allow-variant= in "));
	assert_driver(fs, "vfio-mdev-pci");
}

/* A broken config fails a bind that needs it, with the file's error. */
static void test_broken_config(void)
{
	g_autoptr(FakeSys) fs = device_tree("8086:37c9", "c6xxvf");
	g_autoptr(GError) error = NULL;

	fake_sys_file(fs, CONF, "[policy]\nallow-denylisted=8086\n");
	g_assert_false(vmp_bind(DEV, 0, &error));
	g_assert_error(error, VMP_ERROR, VMP_ERROR_INVALID);
	g_assert_nonnull(strstr(error->message, "'8086' in [policy] allow-denylisted= is not a PCI address or a vendor:device id"));
	assert_driver(fs, "c6xxvf");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/parity/denylist-table", test_denylist_table);
	g_test_add_func("/parity/denylisted", test_denylisted);
	g_test_add_func("/parity/denylisted-config", test_denylisted_config);
	g_test_add_func("/parity/no-variant", test_no_variant);
	g_test_add_func("/parity/variant", test_variant);
	g_test_add_func("/parity/variant-builtin", test_variant_builtin);
	g_test_add_func("/parity/variant-at-boot", test_variant_at_boot);
	g_test_add_func("/parity/broken-config", test_broken_config);
	return g_test_run();
}
