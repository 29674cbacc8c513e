// SPDX-License-Identifier: GPL-2.0-only
/* Helpers run with a time limit, and a hung one is killed and named. */
#include "error.h"
#include "spawn.h"

static void test_ok_and_failed(void)
{
	const char *ok[] = { "true", NULL };
	const char *bad[] = { "false", NULL };
	g_autoptr(GError) error = NULL;

	g_assert_true(vmp_spawn(ok, &error));
	g_assert_no_error(error);
	g_assert_false(vmp_spawn(bad, &error));
	g_assert_cmpstr(error->message, ==,
			"'false' failed: Child process exited with code 1");
}

static void test_timeout(void)
{
	const char *argv[] = { "sh", "-c", "sleep 20", NULL };
	g_autoptr(GError) error = NULL;
	gint64 start = g_get_monotonic_time();

	g_assert_false(vmp_spawn_timeout(argv, 200, &error));
	g_assert_error(error, VMP_ERROR, VMP_ERROR_FAILED);
	g_assert_cmpstr(error->message, ==,
			"'sh -c sleep 20' did not finish within 0.2 s and was killed (helper timeout, see VFIO_MDEV_PCI_HELPER_TIMEOUT).");
	g_assert_cmpint(g_get_monotonic_time() - start, <, 5 * G_USEC_PER_SEC);
}

/* The default limit, and the environment's override of it. */
static void test_default_timeout(void)
{
	const char *argv[] = { "sleep", "5", NULL };
	g_autoptr(GError) error = NULL;
	gint64 start;

	g_unsetenv("VFIO_MDEV_PCI_HELPER_TIMEOUT");
	g_assert_cmpuint(vmp_spawn_default_timeout_ms(), ==, 60000);
	g_setenv("VFIO_MDEV_PCI_HELPER_TIMEOUT", "junk", TRUE);
	g_assert_cmpuint(vmp_spawn_default_timeout_ms(), ==, 60000);
	g_setenv("VFIO_MDEV_PCI_HELPER_TIMEOUT", "1", TRUE);
	start = g_get_monotonic_time();
	g_assert_false(vmp_spawn(argv, &error));
	g_unsetenv("VFIO_MDEV_PCI_HELPER_TIMEOUT");
	g_assert_nonnull(error);
	g_assert_cmpstr(error->message, ==,
			"'sleep 5' did not finish within 1 s and was killed (helper timeout, see VFIO_MDEV_PCI_HELPER_TIMEOUT).");
	g_assert_cmpint(g_get_monotonic_time() - start, <, 4 * G_USEC_PER_SEC);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/spawn/ok-and-failed", test_ok_and_failed);
	g_test_add_func("/spawn/timeout", test_timeout);
	g_test_add_func("/spawn/default-timeout", test_default_timeout);
	return g_test_run();
}
