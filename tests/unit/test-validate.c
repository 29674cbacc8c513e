// SPDX-License-Identifier: GPL-2.0-only
/* Names that end up in paths: only canonical forms pass. */
#include "error.h"
#include "validate.h"

static void test_bdf(void)
{
	static const char * const good[] = {
		"0000:00:00.0", "0000:01:00.7", "ffff:ff:1f.3", "0001:3a:0b.1",
	};
	static const char * const bad[] = {
		"", "0000:00:00", "0000:00:00.8", "0000:00:00.a", "0000:00:0g.0",
		"0000:0A:00.0", "00:00.0", "0000:00:00.00", " 0000:00:00.0",
		"0000:00:00.0\n", "../0000:00:00.0", "0000:00/00.0", "..",
		"0000:00:00.0/../../x", "0000-00-00.0",
	};

	for (guint i = 0; i < G_N_ELEMENTS(good); i++)
		g_assert_true(vmp_bdf_is_valid(good[i]));
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++)
		g_assert_false(vmp_bdf_is_valid(bad[i]));
	g_assert_false(vmp_bdf_is_valid(NULL));
}

static void test_uuid(void)
{
	static const char * const bad[] = {
		"", "0b8e7e3e-7a4c-4c1c-9c3e-1b2a3c4d5e6", "0B8E7E3E-7A4C-4C1C-9C3E-1B2A3C4D5E6F",
		"0b8e7e3e7a4c4c1c9c3e1b2a3c4d5e6f", "0b8e7e3e-7a4c-4c1c-9c3e-1b2a3c4d5e6f0",
		"../../../../../../../../../../../x", "0b8e7e3e-7a4c-4c1c-9c3e_1b2a3c4d5e6f",
		"zb8e7e3e-7a4c-4c1c-9c3e-1b2a3c4d5e6f",
	};

	g_assert_true(vmp_uuid_is_valid("0b8e7e3e-7a4c-4c1c-9c3e-1b2a3c4d5e6f"));
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++)
		g_assert_false(vmp_uuid_is_valid(bad[i]));
}

static void test_pci_id(void)
{
	g_assert_true(vmp_pci_id_is_valid("8086:10ca"));
	g_assert_false(vmp_pci_id_is_valid("8086:10CA"));
	g_assert_false(vmp_pci_id_is_valid("8086"));
	g_assert_false(vmp_pci_id_is_valid("8086:10ca:1"));
}

static void test_domain(void)
{
	g_autoptr(GError) error = NULL;

	g_assert_true(vmp_check_domain_name("vm1", NULL));
	g_assert_true(vmp_check_domain_name("my vm-ü", NULL));
	g_assert_false(vmp_check_domain_name("..", NULL));
	g_assert_false(vmp_check_domain_name(".hidden", NULL));
	g_assert_false(vmp_check_domain_name("a/b", NULL));
	g_assert_false(vmp_check_domain_name("", &error));
	g_assert_error(error, VMP_ERROR, VMP_ERROR_INVALID);
}

static void test_messages(void)
{
	g_autoptr(GError) error = NULL;

	g_assert_false(vmp_check_bdf("0000:00:00.8", &error));
	g_assert_cmpstr(error->message, ==,
			"'0000:00:00.8' is not a PCI address of the form 0000:00:00.0 (lowercase hex, function 0-7).");
	g_clear_error(&error);
	g_assert_false(vmp_check_uuid("x", &error));
	g_assert_error(error, VMP_ERROR, VMP_ERROR_INVALID);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/validate/bdf", test_bdf);
	g_test_add_func("/validate/uuid", test_uuid);
	g_test_add_func("/validate/pci-id", test_pci_id);
	g_test_add_func("/validate/domain", test_domain);
	g_test_add_func("/validate/messages", test_messages);
	return g_test_run();
}
