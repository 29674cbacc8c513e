// SPDX-License-Identifier: GPL-2.0-only
/* list: which devices are of interest, and what it says about them. */
#include <sys/stat.h>

#include "fake-sysfs.h"
#include "run-cmd.h"

static FakeSys *tree(void)
{
	FakeSys *fs = fake_sys_new();

	fake_sys_add_driver(fs, "e1000");
	fake_sys_add_driver(fs, "vfio-mdev-pci");
	/* Two NICs sharing group 3, one wrapped with an active mdev. */
	fake_sys_add_device(fs, "0000:01:00.0", "8086:100e", "e1000", "3");
	fake_sys_add_device(fs, "0000:01:01.0", "8086:100e", "e1000", "3");
	fake_sys_add_device(fs, "0000:02:00.0", "1234:11e8", NULL, "4");
	fake_sys_add_device(fs, "0000:00:1f.0", "8086:2918", NULL, "0");
	fake_sys_define(fs, "0000:01:00.0", "0b8e7e3e-7a4c-4c1c-9c3e-1b2a3c4d5e6f",
			"vfio-mdev-pci-type1", TRUE);
	fake_sys_define(fs, "0000:00:1f.0", "1c9f8f4f-8b5d-4d2d-8d4f-2c3b4d5e6f70",
			"nvidia-35", TRUE);
	fake_sys_file(fs, "etc/vfio-mdev-pci/vfio-mdev-pci.conf",
		      "[devices]\nids=1234:11e8\n");
	return fs;
}

static void bind_with_mdev(FakeSys *fs)
{
	const char *argv[] = { "bind", "--force", "0000:01:00.0", NULL };
	g_autoptr(GString) out = g_string_new(NULL);

	g_assert_cmpint(run_cmd(NULL, out, NULL, argv), ==, 0);
	fake_sys_add_mdev(fs, "0000:01:00.0", "0b8e7e3e-7a4c-4c1c-9c3e-1b2a3c4d5e6f");
}

static void test_list(const char *golden, const char *a, const char *b)
{
	const char *argv[] = { "list", a, b, NULL };
	g_autoptr(FakeSys) fs = tree();
	g_autoptr(GString) out = g_string_new(NULL);

	bind_with_mdev(fs);
	g_assert_cmpint(run_cmd(NULL, out, NULL, argv), ==, 0);
	assert_golden(golden, out->str);
}

static void test_text(void)
{
	test_list("list.txt", NULL, NULL);
}

static void test_json(void)
{
	test_list("list.json", "--json", NULL);
}

static void test_all(void)
{
	test_list("list-all.txt", "--all", NULL);
}

/*
 * Why each device would be refused, in the words doctor uses: one named
 * in the config file with an interface up, one on vfio-pci's denylist
 * (and alone in its group), one whose denylisting the config lifts.
 */
static void test_refusals(void)
{
	const char *argv[] = { "list", NULL };
	const char *json_argv[] = { "list", "--json", NULL };
	g_autoptr(FakeSys) fs = fake_sys_new();
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *text = NULL;
	g_autofree char *json = NULL;

	fake_sys_add_driver(fs, "e1000");
	fake_sys_add_driver(fs, "c6xxvf");
	fake_sys_add_device(fs, "0000:01:00.0", "8086:100e", "e1000", "3");
	fake_sys_add_net(fs, "0000:01:00.0", "enp1s0", TRUE);
	fake_sys_add_device(fs, "0000:03:00.0", "8086:37c9", "c6xxvf", "5");
	fake_sys_add_device(fs, "0000:03:00.1", "8086:37c9", "c6xxvf", "6");
	fake_sys_file(fs, "etc/vfio-mdev-pci/vfio-mdev-pci.conf",
		      "[devices]\naddresses=0000:01:00.0;0000:03:00.0;0000:03:00.1\n"
		      "[policy]\nallow-denylisted=0000:03:00.1\n");
	g_assert_cmpint(run_cmd(NULL, out, NULL, argv), ==, 0);
	text = fake_sys_unroot(fs, out->str);
	assert_golden("list-refusals.txt", text);
	g_string_truncate(out, 0);
	g_assert_cmpint(run_cmd(NULL, out, NULL, json_argv), ==, 0);
	json = fake_sys_unroot(fs, out->str);
	assert_golden("list-refusals.json", json);
}

static void test_broken_definition(void)
{
	g_autoptr(FakeSys) fs = tree();
	const char *argv[] = { "list", NULL };
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;

	fake_sys_file(fs, "etc/mdevctl.d/0000:02:00.0/2d0a9a5a-9c6e-4e3e-9e5a-3d4c5e6f7081",
		      "{ broken");
	g_assert_cmpint(run_cmd(NULL, out, &message, argv), ==, 1);
	g_assert_nonnull(strstr(message, "2d0a9a5a-9c6e-4e3e-9e5a-3d4c5e6f7081 is not valid JSON"));
}

/* Another vendor's malformed definition is skipped, with a warning. */
static void test_foreign_malformed(void)
{
	g_autoptr(FakeSys) fs = tree();
	const char *argv[] = { "list", NULL };
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;

	bind_with_mdev(fs);
	fake_sys_file(fs, "etc/mdevctl.d/0000:00:1f.0/1c9f8f4f-8b5d-4d2d-8d4f-2c3b4d5e6f70",
		      "{\"mdev_type\": \"nvidia-35\", \"start\": 5}");
	g_assert_cmpint(run_cmd(NULL, out, &message, argv), ==, 0);
	g_assert_null(message);
	assert_golden("list.txt", out->str);
}

/* Ours, malformed: an error that names the file. */
static void test_ours_malformed(void)
{
	g_autoptr(FakeSys) fs = tree();
	const char *argv[] = { "list", NULL };
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;

	fake_sys_file(fs, "etc/mdevctl.d/0000:02:00.0/2d0a9a5a-9c6e-4e3e-9e5a-3d4c5e6f7081",
		      "{\"mdev_type\": \"vfio-mdev-pci-type1\", \"start\": 5}");
	g_assert_cmpint(run_cmd(NULL, out, &message, argv), ==, 1);
	g_assert_nonnull(strstr(message, "/etc/mdevctl.d/0000:02:00.0/2d0a9a5a-9c6e-4e3e-9e5a-3d4c5e6f7081 is not an mdevctl device config: \"start\" is neither"));
}

/* A FIFO among the definitions is refused, not read (it would hang). */
static void test_fifo_definition(void)
{
	g_autoptr(FakeSys) fs = tree();
	const char *argv[] = { "list", NULL };
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;
	g_autofree char *path = g_build_filename(fake_sys_root(fs),
		"etc/mdevctl.d/0000:02:00.0/2d0a9a5a-9c6e-4e3e-9e5a-3d4c5e6f7081", NULL);

	g_autofree char *dir = g_path_get_dirname(path);

	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	g_assert_cmpint(mkfifo(path, 0600), ==, 0);
	g_assert_cmpint(run_cmd(NULL, out, &message, argv), ==, 1);
	g_assert_true(g_str_has_suffix(message, "/etc/mdevctl.d/0000:02:00.0/2d0a9a5a-9c6e-4e3e-9e5a-3d4c5e6f7081 is not a regular file; refused."));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/list/text", test_text);
	g_test_add_func("/list/json", test_json);
	g_test_add_func("/list/all", test_all);
	g_test_add_func("/list/refusals", test_refusals);
	g_test_add_func("/list/broken-definition", test_broken_definition);
	g_test_add_func("/list/foreign-malformed", test_foreign_malformed);
	g_test_add_func("/list/ours-malformed", test_ours_malformed);
	g_test_add_func("/list/fifo-definition", test_fifo_definition);
	return g_test_run();
}
