// SPDX-License-Identifier: GPL-2.0-only
/*
 * XML: what we generate (golden, and valid against our schemas), and every
 * file in data/ against the schemas (*-invalid.xml must fail).  The
 * libvirt hook's handling of domain XML is in test-hook.c.
 */
#include "fake-sysfs.h"
#include "run-cmd.h"
#include "xml.h"

#define UUID "0b8e7e3e-7a4c-4c1c-9c3e-1b2a3c4d5e6f"

static void assert_valid_text(const char *text, const char *what)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(xmlDoc) doc = vmp_xml_parse(text, strlen(text), what, &error);

	g_assert_no_error(error);
	g_assert_true(vmp_xml_validate(doc, what, &error));
	g_assert_no_error(error);
}

static void test_hostdev(void)
{
	const char *argv[] = { "hostdev-xml", UUID, NULL };
	const char *bad[] = { "hostdev-xml", "'/><evil/>", NULL };
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;

	g_assert_cmpint(run_cmd(NULL, out, NULL, argv), ==, 0);
	assert_golden("hostdev.xml", out->str);
	assert_valid_text(out->str, "hostdev-xml output");
	g_string_truncate(out, 0);
	g_assert_cmpint(run_cmd(NULL, out, &message, bad), ==, 1);
	g_assert_cmpstr(message, ==,
			"''/><evil/>' is not a UUID of the form 01234567-89ab-cdef-0123-456789abcdef (lowercase).");
	g_assert_cmpstr(out->str, ==, "");
}

static void test_nodedev(void)
{
	const char *argv[] = { "nodedev-xml", "0000:01:00.0", "--uuid", UUID, NULL };
	const char *random[] = { "nodedev-xml", "0000:01:00.0", NULL };
	const char *bad[] = { "nodedev-xml", "0000:01:00.0<", NULL };
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;

	/* The type is the device's model's: 8086-100e. */
	g_assert_cmpint(run_cmd(NULL, out, NULL, argv), ==, 0);
	assert_golden("nodedev.xml", out->str);
	assert_valid_text(out->str, "nodedev-xml output");
	g_string_truncate(out, 0);
	g_assert_cmpint(run_cmd(NULL, out, NULL, random), ==, 0);
	assert_valid_text(out->str, "nodedev-xml output with a random UUID");
	g_string_truncate(out, 0);
	g_assert_cmpint(run_cmd(NULL, out, &message, bad), ==, 1);
	g_assert_cmpstr(message, ==,
			"'0000:01:00.0<' is not a PCI address of the form 0000:00:00.0 (lowercase hex, function 0-7).");
	g_assert_cmpstr(out->str, ==, "");
}

static void test_schemas(void)
{
	g_autofree char *dir = g_test_build_filename(G_TEST_DIST, "data", NULL);
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;
	guint n = 0;

	g_assert_nonnull(d);
	while ((name = g_dir_read_name(d))) {
		g_autofree char *path = g_build_filename(dir, name, NULL);
		const char *argv[] = { "validate", path, NULL };
		g_autoptr(GString) out = g_string_new(NULL);
		g_autofree char *message = NULL;
		gboolean invalid = g_str_has_suffix(name, "-invalid.xml");
		int rc;

		if (!g_str_has_suffix(name, ".xml"))
			continue;
		rc = run_cmd(NULL, out, &message, argv);
		g_test_message("%s: %s", name, message ? message : "valid");
		g_assert_cmpint(rc, ==, invalid ? 1 : 0);
		n++;
	}
	g_assert_cmpuint(n, >=, 8);
}

static void test_validate_errors(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new();
	g_autofree char *path = g_build_filename(fake_sys_root(fs), "x.xml", NULL);
	const char *argv[] = { "validate", path, NULL };
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *m1 = NULL;
	g_autofree char *m2 = NULL;
	g_autofree char *m3 = NULL;
	g_autofree char *expected = NULL;

	fake_sys_file(fs, "x.xml", "<domain/>");
	g_assert_cmpint(run_cmd(NULL, out, &m1, argv), ==, 1);
	g_assert_nonnull(strstr(m1, "no schema for root element <domain>"));
	fake_sys_file(fs, "x.xml", "<hostdev>");
	g_assert_cmpint(run_cmd(NULL, out, &m2, argv), ==, 1);
	g_assert_nonnull(strstr(m2, "not well-formed"));
	/* No entity expansion, no external DTDs: refused before parsing. */
	fake_sys_file(fs, "x.xml",
		      "<!DOCTYPE hostdev [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		      "<hostdev mode='subsystem' type='mdev' model='vfio-pci'>"
		      "<source><address uuid='&x;'/></source></hostdev>");
	g_assert_cmpint(run_cmd(NULL, out, &m3, argv), ==, 1);
	expected = g_strdup_printf("%s has a document type declaration (<!DOCTYPE>); refused.",
				   path);
	g_assert_cmpstr(m3, ==, expected);
	g_assert_null(strstr(m3, "root:"));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/xml/hostdev", test_hostdev);
	g_test_add_func("/xml/nodedev", test_nodedev);
	g_test_add_func("/xml/schemas", test_schemas);
	g_test_add_func("/xml/validate-errors", test_validate_errors);
	return g_test_run();
}
