// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mdevctl callout protocol, as golden files: exit status, stdout,
 * error message and the sysfs writes it made, per case.
 */
#include <gio/gio.h>

#include "fake-sysfs.h"
#include "run-cmd.h"

#define NIC FAKE_NIC
#define UUID "0b8e7e3e-7a4c-4c1c-9c3e-1b2a3c4d5e6f"
#define UUID2 "1c9f8f4f-8b5d-4d2d-8d4f-2c3b4d5e6f70"
#define TYPE "vfio-mdev-pci-type1"
#define CONFIG(type, start) "{\"mdev_type\":\"" type "\",\"start\":\"" start "\",\"attrs\":[]}"
#define PROVIDES "{\"provides\":{\"version\":2,\"actions\":[\"start\"],\"events\":[\"pre\"]}}"

static void run_golden(FakeSys *fs, const char *golden, const char *type,
		       const char *event, const char *action, const char *state,
		       const char *parent, const char *input)
{
	const char *argv[] = { "callout", "-t", type, "-e", event, "-a", action,
			       "-s", state, "-u", UUID, "-p", parent, NULL };
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;
	g_autofree char *text = NULL;
	g_autofree char *shown = NULL;
	int rc = run_cmd(input, out, &message, argv);

	text = g_strdup_printf("exit: %d\nstdout:\n%serror: %s\nwrites:\n%s", rc,
			       out->str, message ? message : "-",
			       fake_sys_writes(fs));
	shown = fake_sys_unroot(fs, text);
	assert_golden(golden, shown);
}

static void test_foreign(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	run_golden(fs, "callout-foreign-type.txt", "i915-GVTg_V5_4", "pre",
		   "start", "none", NIC, "not even JSON");
}

static void test_capabilities(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	run_golden(fs, "callout-get-capabilities.txt", TYPE, "get",
		   "capabilities", "none", NIC, PROVIDES);
}

static void test_attributes(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	run_golden(fs, "callout-get-attributes.txt", TYPE, "get", "attributes",
		   "none", NIC, "");
}

static void test_define(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	run_golden(fs, "callout-pre-define-good.txt", TYPE, "pre", "define",
		   "none", NIC, CONFIG(TYPE, "auto"));
	run_golden(fs, "callout-pre-define-no-parent.txt", TYPE, "pre", "define",
		   "none", "0000:09:00.0", CONFIG(TYPE, "auto"));
	run_golden(fs, "callout-pre-define-bad-parent.txt", TYPE, "pre", "define",
		   "none", "../../../etc", CONFIG(TYPE, "auto"));
	run_golden(fs, "callout-pre-define-bad-type.txt", "vfio-mdev-pci-type9",
		   "pre", "define", "none", NIC, CONFIG("vfio-mdev-pci-type9", "auto"));
	run_golden(fs, "callout-pre-define-attrs.txt", TYPE, "pre", "define",
		   "none", NIC,
		   "{\"mdev_type\":\"" TYPE "\",\"start\":\"auto\",\"attrs\":[{\"a\":\"1\"}]}");
}

static void test_malformed(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	run_golden(fs, "callout-malformed-json.txt", TYPE, "pre", "start", "none",
		   NIC, "{\"mdev_type\": ");
	run_golden(fs, "callout-not-an-object.txt", TYPE, "pre", "start", "none",
		   NIC, "[1, 2]");
	run_golden(fs, "callout-bad-start.txt", TYPE, "pre", "start", "none",
		   NIC, "{\"mdev_type\":\"" TYPE "\",\"start\":\"sometimes\"}");
}

static void test_pre_start(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	run_golden(fs, "callout-pre-start-binds.txt", TYPE, "pre", "start",
		   "none", NIC, CONFIG(TYPE, "manual"));
	fake_sys_clear_writes(fs);
	/* Already bound: nothing to do. */
	run_golden(fs, "callout-pre-start-bound.txt", TYPE, "pre", "start",
		   "none", NIC, CONFIG(TYPE, "manual"));
}

static void test_pre_start_in_use(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	fake_sys_add_net(fs, NIC, "enp1s0", TRUE);
	run_golden(fs, "callout-pre-start-in-use.txt", TYPE, "pre", "start",
		   "none", NIC, CONFIG(TYPE, "manual"));
}

static FakeSys *bound_tree(const char *policy, gboolean autostart)
{
	const char *argv[] = { "bind", NIC, NULL };
	g_autoptr(GString) out = g_string_new(NULL);
	FakeSys *fs = fake_sys_new_nic();

	g_assert_cmpint(run_cmd(NULL, out, NULL, argv), ==, 0);
	fake_sys_define(fs, NIC, UUID, TYPE, autostart);
	if (policy) {
		g_autofree char *conf = g_strdup_printf("[policy]\ngive-back=%s\n", policy);

		fake_sys_file(fs, "etc/vfio-mdev-pci/vfio-mdev-pci.conf", conf);
	}
	fake_sys_clear_writes(fs);
	return fs;
}

/* One tree at a time: each owns the root and the kernel model. */
static void post_stop(const char *golden, const char *policy,
		      gboolean autostart, const char *state)
{
	g_autoptr(FakeSys) fs = bound_tree(policy, autostart);

	run_golden(fs, golden, TYPE, "post", "stop", state, NIC,
		   autostart ? CONFIG(TYPE, "auto") : CONFIG(TYPE, "manual"));
}

static void test_post_stop(void)
{
	post_stop("callout-post-stop-manual.txt", NULL, FALSE, "success");
	post_stop("callout-post-stop-auto.txt", NULL, TRUE, "success");
	post_stop("callout-post-stop-never.txt", "never", FALSE, "success");
	post_stop("callout-post-stop-always.txt", "always", TRUE, "success");
	post_stop("callout-post-stop-failure.txt", NULL, FALSE, "failure");
}

static int callout(const char *event, const char *action, const char *state,
		   const char *uuid, const char *input)
{
	const char *argv[] = { "callout", "-t", TYPE, "-e", event, "-a", action,
			       "-s", state, "-u", uuid, "-p", NIC, NULL };
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;
	int rc = run_cmd(input, out, &message, argv);

	if (rc != 0)
		g_test_message("callout: %s", message);
	return rc;
}

static void assert_driver(FakeSys *fs, const char *want)
{
	g_autofree char *driver = fake_sys_driver(fs, NIC);

	g_assert_cmpstr(driver, ==, want);
}

/* No start in flight is left recorded under /run. */
static void assert_no_pending(FakeSys *fs)
{
	g_autofree char *dir = g_build_filename(fake_sys_root(fs), "run/vfio-mdev-pci",
						NIC ".starting", NULL);

	g_assert_false(g_file_test(dir, G_FILE_TEST_EXISTS));
}

/* A failed mdevctl start gives back the device that pre start took. */
static void test_post_start_failure(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	g_assert_cmpint(callout("pre", "start", "none", UUID, CONFIG(TYPE, "manual")), ==, 0);
	assert_driver(fs, "vfio-mdev-pci");
	g_assert_cmpint(callout("post", "start", "failure", UUID, CONFIG(TYPE, "manual")), ==, 0);
	assert_driver(fs, "e1000");
	assert_no_pending(fs);
}

/* ... but not a device that was ours before, nor after a success. */
static void test_post_start_keeps(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	g_assert_cmpint(callout("pre", "start", "none", UUID, CONFIG(TYPE, "manual")), ==, 0);
	g_assert_cmpint(callout("post", "start", "success", UUID, CONFIG(TYPE, "manual")), ==, 0);
	assert_no_pending(fs);
	assert_driver(fs, "vfio-mdev-pci");
	/* Already bound at pre start: a failure changes nothing. */
	g_assert_cmpint(callout("pre", "start", "none", UUID, CONFIG(TYPE, "manual")), ==, 0);
	fake_sys_clear_writes(fs);
	g_assert_cmpint(callout("post", "start", "failure", UUID, CONFIG(TYPE, "manual")), ==, 0);
	g_assert_cmpstr(fake_sys_writes(fs), ==, "");
	assert_driver(fs, "vfio-mdev-pci");
	assert_no_pending(fs);
}

/* give-back=auto keeps a parent with an auto-start definition, as at boot. */
static void test_post_start_failure_auto(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	fake_sys_define(fs, NIC, UUID, TYPE, TRUE);
	g_assert_cmpint(callout("pre", "start", "none", UUID, CONFIG(TYPE, "auto")), ==, 0);
	g_assert_cmpint(callout("post", "start", "failure", UUID, CONFIG(TYPE, "auto")), ==, 0);
	assert_driver(fs, "vfio-mdev-pci");
	assert_no_pending(fs);
}

/*
 * A start in flight (pre start done, mdev not created yet) keeps the
 * device when another mdev's post stop would give it back.
 */
static void test_post_stop_during_start(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	g_assert_cmpint(callout("pre", "start", "none", UUID2, CONFIG(TYPE, "manual")), ==, 0);
	g_assert_cmpint(callout("post", "stop", "success", UUID, CONFIG(TYPE, "manual")), ==, 0);
	assert_driver(fs, "vfio-mdev-pci");
	g_assert_cmpint(callout("post", "start", "success", UUID2, CONFIG(TYPE, "manual")), ==, 0);
	assert_no_pending(fs);
}

/* A type with an embedded NUL must not pass for ours. */
static void test_nul_in_type(void)
{
	const char *argv[] = { "callout", "-t", TYPE, "-e", "pre", "-a", "define",
			       "-s", "none", "-u", UUID, "-p", NIC, NULL };
	g_autoptr(FakeSys) fs = fake_sys_new_nic();
	g_autoptr(GString) out = g_string_new(NULL);
	g_autofree char *message = NULL;

	g_assert_cmpint(run_cmd("{\"mdev_type\":\"" TYPE "\\u0000x\"}", out, &message, argv), ==, 1);
	g_assert_cmpstr(message, ==,
			"pre define of mdev " UUID " on " NIC ": The callout's standard input is not an mdevctl device config: a string holds a NUL character (\\u0000).");
	/* An escaped backslash before "u0000" is no NUL. */
	g_assert_cmpint(run_cmd("{\"mdev_type\":\"" TYPE "\",\"x\":\"\\\\u0000\"}", out, NULL, argv), ==, 0);
}

static void test_other_events(void)
{
	g_autoptr(FakeSys) fs = fake_sys_new_nic();

	run_golden(fs, "callout-notify.txt", TYPE, "notify", "start", "success",
		   NIC, "");
}

/*
 * The real binary must answer "not mine" without reading stdin: mdevctl
 * runs every callout for every "mdevctl list". Its stdin here is a pipe
 * that is never written or closed, so a read would hang until the timeout.
 */
static void wait_done(GObject *source, GAsyncResult *res, gpointer data)
{
	g_subprocess_wait_finish(G_SUBPROCESS(source), res, NULL);
	g_main_loop_quit(data);
}

static gboolean timed_out(gpointer data)
{
	g_main_loop_quit(data);
	return G_SOURCE_REMOVE;
}

static void test_binary_foreign_is_quick(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
	g_autoptr(GSubprocess) proc = NULL;
	guint timeout;

	proc = g_subprocess_new(G_SUBPROCESS_FLAGS_STDIN_PIPE |
				G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
				g_getenv("VFIO_MDEV_PCI_TOOL"), "callout",
				"-t", "nvidia-35", "-e", "get", "-a", "capabilities",
				"-s", "none", "-u", UUID, "-p", NIC, NULL);
	g_assert_no_error(error);
	g_subprocess_wait_async(proc, NULL, wait_done, loop);
	timeout = g_timeout_add_seconds(10, timed_out, loop);
	g_main_loop_run(loop);
	g_assert_true(g_subprocess_get_if_exited(proc));
	g_assert_cmpint(g_subprocess_get_exit_status(proc), ==, 2);
	g_source_remove(timeout);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/callout/foreign-type", test_foreign);
	g_test_add_func("/callout/get-capabilities", test_capabilities);
	g_test_add_func("/callout/get-attributes", test_attributes);
	g_test_add_func("/callout/pre-define", test_define);
	g_test_add_func("/callout/malformed", test_malformed);
	g_test_add_func("/callout/pre-start", test_pre_start);
	g_test_add_func("/callout/pre-start-in-use", test_pre_start_in_use);
	g_test_add_func("/callout/post-stop", test_post_stop);
	g_test_add_func("/callout/post-start-failure", test_post_start_failure);
	g_test_add_func("/callout/post-start-keeps", test_post_start_keeps);
	g_test_add_func("/callout/post-start-failure-auto", test_post_start_failure_auto);
	g_test_add_func("/callout/post-stop-during-start", test_post_stop_during_start);
	g_test_add_func("/callout/nul-in-type", test_nul_in_type);
	g_test_add_func("/callout/other-events", test_other_events);
	g_test_add_func("/callout/binary-foreign-is-quick", test_binary_foreign_is_quick);
	return g_test_run();
}
