// SPDX-License-Identifier: GPL-2.0-only
/*
 * doctor on the fake kernel: the verdict and each check for a device that
 * can be wrapped, one in use, denylisted, with a variant driver, without
 * an IOMMU group, sharing its group, already wrapped; read back from
 * --json with json-glib, and the text once against a golden file.
 */
#include <string.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "cmd.h"
#include "error.h"
#include "fake-sysfs.h"
#include "rebind.h"
#include "run-cmd.h"

#define NIC FAKE_NIC
#define PEER "0000:01:00.1"
#define CONF "etc/vfio-mdev-pci/vfio-mdev-pci.conf"
#define RELEASE "6.12.38+deb13-amd64"
#define UUID_AUTO "0b8e7e3e-7a4c-4c1c-9c3e-1b2a3c4d5e6f"
#define UUID_MANUAL "1c9f8f4f-8b5d-4d2d-8d4f-2c3b4d5e6f70"
#define LIB_RULE "usr/lib/udev/rules.d/60-mdevctl.rules"
/* Debian 13's rule, as mdevctl 1.4 ships it. */
#define MDEVCTL_RULE \
	"# When registered with mdev, try to start any persistent devices.\n" \
	"ACTION==\"change\", ENV{MDEV_STATE}==\"registered\", TEST==\"/etc/mdevctl.d/$kernel\", " \
	"RUN+=\"/bin/sh -c '/usr/sbin/mdevctl start-parent-mdevs %k'\"\n"

/* A mountinfo line up to the fstype, as test-inuse.c writes them. */
#define MNT(majmin, point) "30 1 " majmin " / " point " rw,relatime shared:1 - "

/* doctor --json [@bdf], which must exit with @want; the parsed output. */
static JsonNode *doctor_json(FakeSys *fs, const char *bdf, int want)
{
	const char *argv[] = { "doctor", "--json", bdf, NULL };
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;
	g_autofree char *message = NULL;
	g_autofree char *text = NULL;

	g_assert_cmpint(run_cmd(NULL, out, &message, argv), ==, want);
	g_assert_null(message);
	text = fake_sys_unroot(fs, out->str);
	g_assert_true(json_parser_load_from_data(parser, text, -1, &error));
	g_assert_no_error(error);
	return json_node_copy(json_parser_get_root(parser));
}

/* The one device of @root, which must be @bdf. */
static JsonObject *device(JsonNode *root, const char *bdf)
{
	JsonArray *devices = json_node_get_array(root);
	JsonObject *dev;

	g_assert_cmpuint(json_array_get_length(devices), ==, 1);
	dev = json_array_get_object_element(devices, 0);
	g_assert_cmpstr(json_object_get_string_member(dev, "bdf"), ==, bdf);
	return dev;
}

/* The verdict, and the reason (NULL: none, a JSON null). */
static void assert_verdict(JsonObject *dev, const char *verdict, const char *reason)
{
	g_assert_cmpstr(json_object_get_string_member(dev, "verdict"), ==, verdict);
	if (reason)
		g_assert_cmpstr(json_object_get_string_member(dev, "reason"), ==, reason);
	else
		g_assert_true(json_object_get_null_member(dev, "reason"));
}

static JsonObject *find_check(JsonObject *dev, const char *name)
{
	JsonArray *checks = json_object_get_array_member(dev, "checks");

	for (guint i = 0; i < json_array_get_length(checks); i++) {
		JsonObject *check = json_array_get_object_element(checks, i);

		if (g_str_equal(json_object_get_string_member(check, "name"), name))
			return check;
	}
	g_error("no check '%s'", name);
	return NULL;
}

/* Check @name has @status and, unless NULL, exactly @detail. */
static void assert_check(JsonObject *dev, const char *name, const char *status,
			 const char *detail)
{
	JsonObject *check = find_check(dev, name);

	g_assert_cmpstr(json_object_get_string_member(check, "status"), ==, status);
	if (detail)
		g_assert_cmpstr(json_object_get_string_member(check, "detail"), ==, detail);
}

/* Every check, in order, is ok: nothing in the way. */
static void test_can_wrap(void)
{
	static const char * const names[] = {
		"driver", "iommu-group", "group-peers", "sriov", "denylist",
		"variant", "in-use", "mdevs", "mdevctl-rule",
	};
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(JsonNode) root = doctor_json(fs, NIC, 0);
	JsonObject *dev = device(root, NIC);
	JsonArray *checks = json_object_get_array_member(dev, "checks");

	assert_verdict(dev, "can be wrapped", NULL);
	g_assert_cmpuint(json_array_get_length(checks), ==, G_N_ELEMENTS(names));
	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		JsonObject *check = json_array_get_object_element(checks, i);

		g_assert_cmpstr(json_object_get_string_member(check, "name"), ==, names[i]);
		g_assert_cmpstr(json_object_get_string_member(check, "status"), ==, "ok");
	}
	assert_check(dev, "driver", "ok",
		     "On e1000; bind remembers it, and unbind --restore gives the device back to it.");
	assert_check(dev, "group-peers", "ok", "Alone in IOMMU group 7.");
	assert_check(dev, "in-use", "ok", "The host does not use it.");
	assert_check(dev, "mdevs", "ok",
		     "The mdev parent is not registered. No vfio-mdev-pci definitions.");
}

/* A mounted filesystem on the function's disk: refused, and by what. */
static void test_in_use(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(JsonNode) root = NULL;
	JsonObject *dev;

	fake_sys_add_block(fs, NIC, "nvme0n1", "259:0");
	fake_sys_add_partition(fs, "nvme0n1", "nvme0n1p1", "259:1");
	fake_sys_file(fs, "proc/self/mountinfo",
		      MNT("259:1", "/srv") "ext4 /dev/nvme0n1p1 rw\n");
	root = doctor_json(fs, NIC, 1);
	dev = device(root, NIC);
	assert_verdict(dev, "cannot be wrapped",
		       "In use by the host: Block device 'nvme0n1p1' is mounted on /srv (ext4).");
	assert_check(dev, "in-use", "fail",
		     "In use by the host: Block device 'nvme0n1p1' is mounted on /srv (ext4).");
	assert_check(dev, "denylist", "ok", "Not on vfio-pci's denylist.");
}

static FakeSys *qat_tree(void)
{
	FakeSys *fs = fake_sys_new();

	fake_sys_add_driver(fs, "c6xxvf");
	fake_sys_add_device(fs, NIC, "8086:37c9", "c6xxvf", "12");
	return fs;
}

/* Refused as bind refuses it, until [policy] lifts it (a warning then). */
static void test_denylisted(void)
{
	g_autoptr(FakeSys) fs = qat_tree();
	g_autoptr(JsonNode) refused = doctor_json(fs, NIC, 1);
	g_autoptr(JsonNode) allowed = NULL;
	JsonObject *dev = device(refused, NIC);
	const char *detail =
		"Refused: its id 8086:37c9 is on vfio-pci's denylist (bind --allow-denylisted, or [policy] allow-denylisted= in ROOT/" CONF ", lifts this).";

	assert_verdict(dev, "cannot be wrapped", detail);
	assert_check(dev, "denylist", "fail", detail);
	fake_sys_file(fs, CONF, "[policy]\nallow-denylisted=8086:37c9\n");
	allowed = doctor_json(fs, NIC, 0);
	dev = device(allowed, NIC);
	assert_verdict(dev, "can be wrapped", NULL);
	assert_check(dev, "denylist", "warn",
		     "Allowed by [policy] allow-denylisted= in ROOT/" CONF
		     ", although its id 8086:37c9 is on vfio-pci's denylist.");
}

/* mlx5_vfio_pci's alias matches the ConnectX VF's modalias. */
static void test_variant(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new();
	g_autoptr(JsonNode) root = NULL;
	JsonObject *dev;

	fake_sys_add_driver(fs, "mlx5_core");
	fake_sys_add_device(fs, NIC, "15b3:101e", "mlx5_core", "12");
	fake_sys_file(fs, "sys/devices/pci0000:00/" NIC "/modalias",
		      "pci:v000015B3d0000101Esv000015B3sd00000001bc02sc00i00\n");
	fake_sys_file(fs, "proc/sys/kernel/osrelease", RELEASE "\n");
	fake_sys_file(fs, "lib/modules/" RELEASE "/modules.alias",
		      "alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci\n"
		      "alias vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_vfio_pci\n");
	root = doctor_json(fs, NIC, 1);
	dev = device(root, NIC);
	assert_verdict(dev, "cannot be wrapped",
		       "Refused: vfio-pci variant driver mlx5_vfio_pci is made for it (bind --allow-variant, or [policy] allow-variant= in ROOT/" CONF ", lifts this).");
	assert_check(dev, "variant", "fail", NULL);
	assert_check(dev, "denylist", "ok", NULL);
}

/* No iommu_group link: the IOMMU is off; the module's probe refuses it. */
static void test_no_iommu(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autofree char *link = g_build_filename(fake_sys_root(fs), "sys/devices/pci0000:00",
						 NIC, "iommu_group", NULL);
	g_autoptr(JsonNode) root = NULL;
	JsonObject *dev;

	g_assert_cmpint(unlink(link), ==, 0);
	root = doctor_json(fs, NIC, 1);
	dev = device(root, NIC);
	assert_verdict(dev, "cannot be wrapped",
		       "No IOMMU group: the IOMMU is off or does not cover the device, and vfio-mdev-pci's probe refuses it.");
	assert_check(dev, "iommu-group", "fail", NULL);
	assert_check(dev, "group-peers", "ok", "No IOMMU group, so no peers.");
}

/* A second function in group 7, on @driver (NULL: none). */
static FakeSys *peer_tree(const char *driver)
{
	FakeSys *fs = fake_sys_new_nic();

	if (driver)
		fake_sys_add_driver(fs, driver);
	fake_sys_add_device(fs, PEER, "8086:100e", driver, "7");
	return fs;
}

/* A peer on a host driver holds the group's DMA: VFIO will not open it. */
static void test_group_peer_host(void)
{
	g_autoptr(FakeSys) fs = peer_tree("e1000e");
	g_autoptr(JsonNode) root = doctor_json(fs, NIC, 1);
	JsonObject *dev = device(root, NIC);
	const char *detail =
		"IOMMU group 7 also holds devices on host drivers: " PEER " (e1000e). VFIO opens a group only when every member is on a vfio driver, pci-stub, pcieport or none.";

	assert_verdict(dev, "cannot be wrapped", detail);
	assert_check(dev, "group-peers", "fail", detail);
	assert_check(dev, "iommu-group", "ok", "IOMMU group 7.");
}

/* On vfio-pci or on no driver, a peer only goes along (a warning). */
static void test_group_peer_vfio(void)
{
	static const char * const drivers[] = { "vfio-pci", NULL };

	for (guint i = 0; i < G_N_ELEMENTS(drivers); i++) {
		g_autoptr(FakeSys) fs = peer_tree(drivers[i]);
		g_autoptr(JsonNode) root = doctor_json(fs, NIC, 0);
		JsonObject *dev = device(root, NIC);
		g_autofree char *detail = g_strdup_printf(
			"IOMMU group 7 also holds " PEER " (%s): the group goes to one VM as a whole.",
			drivers[i] ? drivers[i] : "no driver");

		assert_verdict(dev, "can be wrapped", NULL);
		assert_check(dev, "group-peers", "warn", detail);
	}
}

/* The NIC bound to us, its auto definition active, a manual one not. */
static void wrap(FakeSys *fs)
{
	g_autoptr(GError) error = NULL;

	g_assert_true(vmp_bind(NIC, 0, &error));
	g_assert_no_error(error);
	fake_sys_define(fs, NIC, UUID_AUTO, "vfio-mdev-pci-type1", TRUE);
	fake_sys_define(fs, NIC, UUID_MANUAL, "vfio-mdev-pci-type1", FALSE);
	fake_sys_add_mdev(fs, NIC, UUID_AUTO);
}

/* Already wrapped, with a VM on it: bind's refusals are moot, a warning. */
static void test_wrapped(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(JsonNode) root = NULL;
	JsonObject *dev;

	wrap(fs);
	fake_sys_file(fs, "proc/4242/comm", "qemu-system-x86\n");
	fake_sys_link(fs, "proc/4242/fd/17", "/dev/vfio/7");
	root = doctor_json(fs, NIC, 0);
	dev = device(root, NIC);
	assert_verdict(dev, "already wrapped", NULL);
	assert_check(dev, "driver", "ok",
		     "Wrapped (on vfio-mdev-pci); unbind --restore gives it back to e1000.");
	assert_check(dev, "in-use", "warn",
		     "In use: Process 4242 (qemu-system-x86) has /dev/vfio/7 open.");
	assert_check(dev, "mdevs", "ok",
		     "The mdev parent is registered."
		     " Definition " UUID_AUTO ": start auto, active."
		     " Definition " UUID_MANUAL ": start manual, defined, not active.");
}

/* Wrapped, but its group peer is on a host driver: no VM can use it. */
static void test_wrapped_unusable(void)
{
	g_autoptr(FakeSys) fs = peer_tree("e1000e");
	g_autoptr(JsonNode) root = NULL;
	JsonObject *dev;

	wrap(fs);
	root = doctor_json(fs, NIC, 1);
	dev = device(root, NIC);
	assert_verdict(dev, "wrapped but unusable",
		       "IOMMU group 7 also holds devices on host drivers: " PEER " (e1000e). VFIO opens a group only when every member is on a vfio driver, pci-stub, pcieport or none.");
}

/* mdevctl's rule: the program it runs, installed or not, or masked. */
static void test_mdevctl_rule(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(JsonNode) broken = NULL;
	g_autoptr(JsonNode) working = NULL;
	g_autoptr(JsonNode) masked = NULL;

	fake_sys_file(fs, LIB_RULE, MDEVCTL_RULE);
	fake_sys_file(fs, "usr/bin/mdevctl", "");
	broken = doctor_json(fs, NIC, 0);
	assert_check(device(broken, NIC), "mdevctl-rule", "warn",
		     "ROOT/" LIB_RULE " runs /usr/sbin/mdevctl, which is not installed: mdevctl's own autostart does nothing here; vfio-mdev-pci's own udev rule starts its auto-start mdevs.");
	fake_sys_file(fs, "usr/sbin/mdevctl", "");
	working = doctor_json(fs, NIC, 0);
	assert_check(device(working, NIC), "mdevctl-rule", "ok",
		     "ROOT/" LIB_RULE " runs /usr/sbin/mdevctl, which is installed.");
	/* udev reads /etc's file of the same name instead. */
	fake_sys_file(fs, "etc/udev/rules.d/60-mdevctl.rules", "");
	masked = doctor_json(fs, NIC, 0);
	assert_check(device(masked, NIC), "mdevctl-rule", "warn",
		     "ROOT/etc/udev/rules.d/60-mdevctl.rules names no mdevctl program (masked, or changed); vfio-mdev-pci's own udev rule starts its auto-start mdevs.");
}

/* No BDF: list's devices of interest, in text; exit 1 if any is refused. */
static void test_text(void)
{
	const char *argv[] = { "doctor", NULL };
	g_autoptr(FakeSys) fs = peer_tree("e1000e");
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;
	g_autofree char *text = NULL;

	fake_sys_add_driver(fs, "c6xxvf");
	fake_sys_add_device(fs, "0000:03:00.0", "8086:37c9", "c6xxvf", "12");
	fake_sys_add_device(fs, "0000:04:00.0", "1234:11e8", NULL, "13");
	fake_sys_file(fs, CONF, "[devices]\naddresses=0000:03:00.0;0000:04:00.0\n");
	fake_sys_file(fs, LIB_RULE, MDEVCTL_RULE);
	wrap(fs);
	g_assert_cmpint(run_cmd(NULL, out, &message, argv), ==, 1);
	g_assert_null(message);
	text = fake_sys_unroot(fs, out->str);
	assert_golden("doctor.txt", text);
}

/* Nothing of interest: said so, and nothing is refused. */
static void test_none(void)
{
	const char *argv[] = { "doctor", NULL };
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(JsonNode) root = NULL;

	g_assert_cmpint(run_cmd(NULL, out, NULL, argv), ==, 0);
	g_assert_cmpstr(out->str, ==, "No device of interest (see list); name one: doctor BDF.\n");
	root = doctor_json(fs, NULL, 0);
	g_assert_cmpuint(json_array_get_length(json_node_get_array(root)), ==, 0);
}

/* doctor's own GError for @argv: @code and exactly @message. */
static void assert_usage_error(const char * const *argv, int code, const char *message)
{
	g_autoptr(GString) out = g_string_new(NULL);
	g_auto(GStrv) args = g_strdupv((char **)argv);
	g_autoptr(GError) error = NULL;
	VmpIo io = { .out = out };

	g_assert_false(vmp_cmd_doctor(&io, g_strv_length(args), args, &error));
	g_assert_error(error, VMP_ERROR, code);
	g_assert_cmpstr(error->message, ==, message);
	g_assert_cmpstr(out->str, ==, "");
}

static void test_usage_errors(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	assert_usage_error((const char *[]){ "doctor", "0000:09:00.0", NULL },
			   VMP_ERROR_NOT_FOUND, "There is no PCI device 0000:09:00.0.");
	assert_usage_error((const char *[]){ "doctor", "01:00.0", NULL }, VMP_ERROR_INVALID,
			   "'01:00.0' is not a PCI address of the form 0000:00:00.0 (lowercase hex, function 0-7).");
	assert_usage_error((const char *[]){ "doctor", NIC, PEER, NULL }, VMP_ERROR_INVALID,
			   "Wrong number of arguments; usage: doctor [BDF] [--json].");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/doctor/can-wrap", test_can_wrap);
	g_test_add_func("/doctor/in-use", test_in_use);
	g_test_add_func("/doctor/denylisted", test_denylisted);
	g_test_add_func("/doctor/variant", test_variant);
	g_test_add_func("/doctor/no-iommu", test_no_iommu);
	g_test_add_func("/doctor/group-peer-host", test_group_peer_host);
	g_test_add_func("/doctor/group-peer-vfio", test_group_peer_vfio);
	g_test_add_func("/doctor/wrapped", test_wrapped);
	g_test_add_func("/doctor/wrapped-unusable", test_wrapped_unusable);
	g_test_add_func("/doctor/mdevctl-rule", test_mdevctl_rule);
	g_test_add_func("/doctor/text", test_text);
	g_test_add_func("/doctor/none", test_none);
	g_test_add_func("/doctor/usage-errors", test_usage_errors);
	return g_test_run();
}
