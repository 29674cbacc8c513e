// SPDX-License-Identifier: GPL-2.0-only
/*
 * The libvirt hook against the fake kernel and a fake mdevctl: what it
 * starts at prepare and stops at release, for one domain and for two that
 * share an mdev, and how it refuses domain XML it must not act on (a DTD,
 * an oversized input, malformed XML, a bad UUID, a start that fails).
 */
#include <string.h>

#include "fake-sysfs.h"
#include "run-cmd.h"

#define UUID "0b8e7e3e-7a4c-4c1c-9c3e-1b2a3c4d5e6f"

/* The hook against a fake tree: 1 = ours, inactive; 2 = ours, active;
 * 3 = foreign type; 4 = not defined at all. */
static FakeSys *hook_tree(char **xml)
{
	g_autofree char *path = g_test_build_filename(G_TEST_DIST, "hook", "domain.xml", NULL);
	FakeSys *fs = fake_sys_new();

	g_assert_true(g_file_get_contents(path, xml, NULL, NULL));
	fake_sys_define(fs, "0000:01:00.0", UUID, "vfio-mdev-pci-type1", FALSE);
	fake_sys_define(fs, "0000:02:00.0", "1c9f8f4f-8b5d-4d2d-8d4f-2c3b4d5e6f70",
			"vfio-mdev-pci-type1", TRUE);
	fake_sys_file(fs, "sys/bus/mdev/devices/1c9f8f4f-8b5d-4d2d-8d4f-2c3b4d5e6f70/x", "");
	fake_sys_define(fs, "0000:03:00.0", "2d0a9a5a-9c6e-4e3e-9e5a-3d4c5e6f7081",
			"nvidia-35", FALSE);
	return fs;
}

static int hook(const char *xml, const char *domain, const char *op,
		const char *sub, char **message)
{
	const char *argv[] = { "hook", domain, op, sub, "-", NULL };
	g_autoptr(GString) out = g_string_new(NULL);

	return run_cmd(xml, out, message, argv);
}

static void test_hook_cycle(void)
{
	g_autofree char *xml = NULL;
	g_autoptr(FakeSys) fs = hook_tree(&xml);
	g_autofree char *log = NULL;
	g_autofree char *record = NULL;
	g_autofree char *log2 = NULL;
	g_autofree char *gone = NULL;

	g_assert_cmpint(hook(xml, "vm1", "prepare", "begin", NULL), ==, 0);
	log = fake_sys_read(fs, "mdevctl.log");
	g_assert_cmpstr(log, ==, "start -p 0000:01:00.0 -u " UUID "\n");
	record = fake_sys_read(fs, "run/vfio-mdev-pci/hook/vm1");
	g_assert_cmpstr(record, ==, UUID "\n");
	/* Other operations: nothing, and no stdin needed. */
	g_assert_cmpint(hook("", "vm1", "start", "begin", NULL), ==, 0);
	g_assert_cmpint(hook(xml, "vm1", "release", "end", NULL), ==, 0);
	log2 = fake_sys_read(fs, "mdevctl.log");
	g_assert_nonnull(g_strrstr(log2, "stop -u " UUID "\n"));
	gone = fake_sys_read(fs, "run/vfio-mdev-pci/hook/vm1");
	g_assert_null(gone);
}

/*
 * vm1 prepare starts the mdev, vm2 prepare finds it active (held by vm1):
 * vm1's release must not stop what vm2 now holds; vm2's, the last, does.
 */
static void test_hook_two_domains(void)
{
	g_autofree char *xml = NULL;
	g_autoptr(FakeSys) fs = hook_tree(&xml);
	g_autofree char *record = NULL;
	g_autofree char *log = NULL;
	g_autofree char *log2 = NULL;

	g_assert_cmpint(hook(xml, "vm1", "prepare", "begin", NULL), ==, 0);
	g_assert_cmpint(hook(xml, "vm2", "prepare", "begin", NULL), ==, 0);
	record = fake_sys_read(fs, "run/vfio-mdev-pci/hook/vm2");
	g_assert_cmpstr(record, ==, UUID "\n");
	g_assert_cmpint(hook(xml, "vm1", "release", "end", NULL), ==, 0);
	log = fake_sys_read(fs, "mdevctl.log");
	g_assert_cmpstr(log, ==, "start -p 0000:01:00.0 -u " UUID "\n");
	g_assert_cmpint(hook(xml, "vm2", "release", "end", NULL), ==, 0);
	log2 = fake_sys_read(fs, "mdevctl.log");
	g_assert_cmpstr(log2, ==, "start -p 0000:01:00.0 -u " UUID "\nstop -u " UUID "\n");
}

/* A DTD with entities ("billion laughs") is refused before parsing. */
static void test_hook_dtd(void)
{
	g_autofree char *xml = NULL;
	g_autoptr(FakeSys) fs = hook_tree(&xml);
	g_autoptr(GString) doc = g_string_new("<?xml version='1.0'?>\n<!DOCTYPE domain [\n"
					      "<!ENTITY a \"aaaaaaaaaaaaaaaa\">\n");
	g_autofree char *message = NULL;
	gint64 start = g_get_monotonic_time();

	for (guint i = 0; i < 4; i++)
		g_string_append_printf(doc, "<!ENTITY %c \"&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;\">\n",
				       'b' + i, 'a' + i, 'a' + i, 'a' + i, 'a' + i,
				       'a' + i, 'a' + i, 'a' + i, 'a' + i);
	g_string_append(doc, "]>\n<domain><name>x</name><devices>");
	for (guint i = 0; i < 4000; i++)
		g_string_append(doc, "<hostdev type='mdev' x='&e;'/>");
	g_string_append(doc, "</devices></domain>\n");
	g_assert_cmpint(hook(doc->str, "vm1", "prepare", "begin", &message), ==, 1);
	g_assert_cmpstr(message, ==,
			"Domain 'vm1': The domain XML has a document type declaration (<!DOCTYPE>); refused.");
	g_assert_cmpint(g_get_monotonic_time() - start, <, G_USEC_PER_SEC);
}

/* Standard input is read up to a limit. */
static void test_hook_input_limit(void)
{
	g_autofree char *xml = NULL;
	g_autoptr(FakeSys) fs = hook_tree(&xml);
	g_autofree char *big = g_strnfill(5 * 1024 * 1024, ' ');
	g_autofree char *message = NULL;

	g_assert_cmpint(hook(big, "vm1", "prepare", "begin", &message), ==, 1);
	g_assert_cmpstr(message, ==,
			"Domain 'vm1': Standard input is larger than 4096 KiB; refused.");
}

static void test_hook_start_fails(void)
{
	g_autofree char *xml = NULL;
	g_autoptr(FakeSys) fs = hook_tree(&xml);
	g_autofree char *message = NULL;
	g_autofree char *record = NULL;

	g_setenv("FAKE_MDEVCTL_FAIL", "1", TRUE);
	g_assert_cmpint(hook(xml, "vm1", "prepare", "begin", &message), ==, 1);
	g_unsetenv("FAKE_MDEVCTL_FAIL");
	g_assert_nonnull(strstr(message, "Domain 'vm1'"));
	record = fake_sys_read(fs, "run/vfio-mdev-pci/hook/vm1");
	g_assert_null(record);
}

static void test_hook_malformed(void)
{
	g_autofree char *xml = NULL;
	g_autoptr(FakeSys) fs = hook_tree(&xml);
	g_autofree char *m1 = NULL;
	g_autofree char *m2 = NULL;
	g_autofree char *log = NULL;

	g_assert_cmpint(hook("<domain><devices>", "vm1", "prepare", "begin", &m1), ==, 1);
	g_assert_nonnull(strstr(m1, "not well-formed"));
	g_assert_cmpint(hook("<domain><devices>", "vm1", "release", "end", NULL), ==, 0);
	g_assert_cmpint(hook("<domain><devices>", "vm1", "stopped", "end", NULL), ==, 0);
	g_assert_cmpint(hook(xml, "../../etc", "prepare", "begin", &m2), ==, 1);
	g_assert_nonnull(strstr(m2, "not a domain name"));
	log = fake_sys_read(fs, "mdevctl.log");
	g_assert_null(log);
}

static void test_hook_bad_uuid(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new();
	g_autofree char *message = NULL;

	g_assert_cmpint(hook("<domain><devices><hostdev type='mdev'><source>"
			     "<address uuid='../../x'/></source></hostdev>"
			     "</devices></domain>", "vm1", "prepare", "begin",
			     &message), ==, 1);
	g_assert_nonnull(strstr(message, "is not a UUID"));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/hook/cycle", test_hook_cycle);
	g_test_add_func("/hook/two-domains", test_hook_two_domains);
	g_test_add_func("/hook/dtd", test_hook_dtd);
	g_test_add_func("/hook/input-limit", test_hook_input_limit);
	g_test_add_func("/hook/start-fails", test_hook_start_fails);
	g_test_add_func("/hook/malformed", test_hook_malformed);
	g_test_add_func("/hook/bad-uuid", test_hook_bad_uuid);
	return g_test_run();
}
