// SPDX-License-Identifier: GPL-2.0-only
/*
 * Types named after the device's model: the name the tool computes, the
 * module parameter it hands the kernel before a bind, and the commands
 * that use the type (define, nodedev-xml, the callout).
 */
#include <glib/gstdio.h>

#include "fake-sysfs.h"
#include "rebind.h"
#include "run-cmd.h"
#include "types.h"

#define NIC FAKE_NIC
#define UUID "0b8e7e3e-7a4c-4c1c-9c3e-1b2a3c4d5e6f"
#define CONF "etc/vfio-mdev-pci/vfio-mdev-pci.conf"
#define PARAM "sys/module/vfio_mdev_pci/parameters/type_names"

static void assert_type(const char *bdf, const char *want)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *type = vmp_type_of_device(bdf, &error);

	g_assert_no_error(error);
	g_assert_cmpstr(type, ==, want);
}

/* vvvv-dddd unless [types] names the device; the most specific key wins. */
static void test_precedence(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	assert_type(NIC, "vfio-mdev-pci-8086-100e");
	fake_sys_file(fs, CONF, "[types]\n8086:100e=lan\n");
	assert_type(NIC, "vfio-mdev-pci-lan");
	/* The fake's subsystem ids are QEMU's, 1af4:1100. */
	fake_sys_file(fs, CONF, "[types]\n8086:100e=lan\n8086:100e:1af4:1100=qemu-lan\n");
	assert_type(NIC, "vfio-mdev-pci-qemu-lan");
	fake_sys_file(fs, CONF, "[types]\n0000:01:00.0=uplink\n8086:100e=lan\n"
		      "8086:100e:1af4:1100=qemu-lan\n");
	assert_type(NIC, "vfio-mdev-pci-uplink");
	/* Other subsystem ids: the vendor:device entry. */
	fake_sys_file(fs, CONF, "[types]\n8086:100e=lan\n8086:100e:8086:001e=intel-lan\n");
	assert_type(NIC, "vfio-mdev-pci-lan");
}

/*
 * bind hands [types] to the module before the device is probed, and a
 * bound device keeps the type it was probed with.
 */
static void test_bind_applies(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GError) error = NULL;
	g_autofree char *param = NULL;

	fake_sys_file(fs, CONF, "[types]\n8086:100e=lan\n0000:01:00.0=uplink\n");
	g_assert_true(vmp_bind(NIC, 0, &error));
	g_assert_no_error(error);
	g_assert_cmpstr(fake_sys_writes(fs), ==,
			PARAM " <- 8086:100e=lan,0000:01:00.0=uplink\n"
			"sys/bus/pci/devices/" NIC "/driver_override <- vfio-mdev-pci\n"
			"sys/bus/pci/drivers/e1000/unbind <- " NIC "\n"
			"sys/bus/pci/drivers_probe <- " NIC "\n");
	assert_type(NIC, "vfio-mdev-pci-uplink");
	fake_sys_file(fs, CONF, "[types]\n0000:01:00.0=other\n");
	assert_type(NIC, "vfio-mdev-pci-uplink");

	/* Unbound and bound again: the new name; an empty [types] clears. */
	g_assert_true(vmp_unbind(NIC, VMP_UNBIND_RESTORE, &error));
	g_assert_no_error(error);
	assert_type(NIC, "vfio-mdev-pci-other");
	fake_sys_file(fs, CONF, "");
	fake_sys_clear_writes(fs);
	g_assert_true(vmp_bind(NIC, 0, &error));
	g_assert_no_error(error);
	g_assert_true(g_str_has_prefix(fake_sys_writes(fs), PARAM " <- \n"));
	param = fake_sys_read(fs, PARAM);
	g_assert_cmpstr(param, ==, "\n");
	assert_type(NIC, "vfio-mdev-pci-8086-100e");
}

/* The parameter is written only when it differs. */
static void test_bind_no_types(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GError) error = NULL;

	g_assert_true(vmp_bind(NIC, 0, &error));
	g_assert_no_error(error);
	g_assert_null(strstr(fake_sys_writes(fs), PARAM));
}

/*
 * A module from before named types (the old one, loaded until the next
 * reload after a package upgrade) has no parameter: the bind goes ahead
 * with a warning that [types] waits for the new module.
 */
static void test_old_module(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GError) error = NULL;
	g_autofree char *param = g_build_filename(fake_sys_root(fs), PARAM, NULL);
	g_autofree char *warning = NULL;
	g_autofree char *shown = NULL;

	g_assert_cmpint(g_unlink(param), ==, 0);
	fake_sys_file(fs, CONF, "[types]\n8086:100e=lan\n");
	printerr_catch();
	g_assert_true(vmp_bind(NIC, 0, &error));
	warning = printerr_release();
	g_assert_no_error(error);
	shown = fake_sys_unroot(fs, warning);
	g_assert_cmpstr(shown, ==,
			"vfio-mdev-pci: warning: the loaded vfio_mdev_pci module predates type names: [types] in ROOT/" CONF " applies once the new module is loaded.\n");
	g_assert_null(strstr(fake_sys_writes(fs), PARAM));
}

/* A bad [types] refuses the bind before anything is written. */
static void test_bad_types_bind_nothing(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GError) error = NULL;
	g_autofree char *driver = NULL;

	fake_sys_file(fs, CONF, "[types]\n8086:100e=type1\n");
	g_assert_false(vmp_bind(NIC, 0, &error));
	g_assert_nonnull(error);
	g_assert_nonnull(strstr(error->message,
				"[types] 8086:100e=: type name 'type1' is the legacy type's"));
	g_assert_cmpstr(fake_sys_writes(fs), ==, "");
	driver = fake_sys_driver(fs, NIC);
	g_assert_cmpstr(driver, ==, "e1000");
}

/* define and nodedev-xml use the model type. */
static void test_define(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	const char *define[] = { "define", NIC, "--uuid", UUID, NULL };
	const char *nodedev[] = { "nodedev-xml", NIC, "--uuid", UUID, NULL };
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *log = NULL;

	fake_sys_file(fs, CONF, "[types]\n8086:100e=lan\n");
	g_assert_cmpint(run_cmd(NULL, out, NULL, define), ==, 0);
	log = fake_sys_read(fs, "mdevctl.log");
	g_assert_cmpstr(log, ==,
			"define -p " NIC " -t vfio-mdev-pci-lan -u " UUID "\n");
	g_string_truncate(out, 0);
	g_assert_cmpint(run_cmd(NULL, out, NULL, nodedev), ==, 0);
	g_assert_nonnull(strstr(out->str, "<type id=\"vfio-mdev-pci-lan\"/>"));
}

static int callout_define(const char *type, char **message)
{
	const char *argv[] = { "callout", "-t", type, "-e", "pre", "-a",
			       "define", "-s", "none", "-u", UUID, "-p", NIC,
			       NULL };
	g_autofree char *input = g_strdup_printf(
		"{\"mdev_type\":\"%s\",\"start\":\"auto\",\"attrs\":[]}", type);
	g_autoptr(GString) out = g_string_new(NULL);

	return run_cmd(input, out, message, argv);
}

/* The callout takes the model type and the legacy one, nothing else. */
static void test_callout(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autofree char *message = NULL;

	fake_sys_file(fs, CONF, "[types]\n8086:100e=lan\n");
	g_assert_cmpint(callout_define("vfio-mdev-pci-lan", NULL), ==, 0);
	g_assert_cmpint(callout_define("vfio-mdev-pci-type1", NULL), ==, 0);
	g_assert_cmpint(callout_define("vfio-mdev-pci-8086-100e", &message), ==, 1);
	g_assert_cmpstr(message, ==,
			"pre define of mdev " UUID " on " NIC ": " NIC " offers mdev type 'vfio-mdev-pci-lan' (and the legacy 'vfio-mdev-pci-type1'), not 'vfio-mdev-pci-8086-100e'.");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/types/precedence", test_precedence);
	g_test_add_func("/types/bind-applies", test_bind_applies);
	g_test_add_func("/types/bind-no-types", test_bind_no_types);
	g_test_add_func("/types/old-module", test_old_module);
	g_test_add_func("/types/bad-types-bind-nothing", test_bad_types_bind_nothing);
	g_test_add_func("/types/define", test_define);
	g_test_add_func("/types/callout", test_callout);
	return g_test_run();
}
