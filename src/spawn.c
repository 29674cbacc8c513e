// SPDX-License-Identifier: GPL-2.0-only
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <gio/gio.h>

#include "error.h"
#include "timelimit.h"
#include "spawn.h"

typedef struct {
	gboolean exited;
	gboolean expired;
} Wait;

static void exited(GObject *source, GAsyncResult *res, gpointer data)
{
	Wait *w = data;

	g_subprocess_wait_finish(G_SUBPROCESS(source), res, NULL);
	w->exited = TRUE;
}

static gboolean expired(gpointer data)
{
	Wait *w = data;

	w->expired = TRUE;
	return G_SOURCE_REMOVE;
}

/*
 * Wait for @proc at most @timeout_ms, in a private main context so that no
 * caller's sources run meanwhile. TRUE if it exited in time.
 */
static gboolean wait_bounded(GSubprocess *proc, guint timeout_ms)
{
	g_autoptr(GMainContext) ctx = g_main_context_new();
	g_autoptr(GSource) timer = g_timeout_source_new(timeout_ms);
	Wait w = { 0 };

	g_main_context_push_thread_default(ctx);
	g_subprocess_wait_async(proc, NULL, exited, &w);
	g_source_set_callback(timer, expired, &w, NULL);
	g_source_attach(timer, ctx);
	while (!w.exited && !w.expired)
		g_main_context_iteration(ctx, TRUE);
	g_source_destroy(timer);
	if (!w.exited) {
		/*
		 * A hung helper must not hang libvirtd or udev behind us: kill
		 * its whole process group, or a grandchild (mdevctl's callout,
		 * a shell's command) lives on holding our stderr open.
		 */
		const char *id = g_subprocess_get_identifier(proc);

		if (id)
			kill(-(pid_t)atoi(id), SIGKILL);
		g_subprocess_force_exit(proc);
		while (!w.exited)
			g_main_context_iteration(ctx, TRUE);
	}
	g_main_context_pop_thread_default(ctx);
	return !w.expired;
}

/* In the child: a process group of its own, for the kill on expiry. */
static void own_group(gpointer data)
{
	(void)data;
	setpgid(0, 0);
}

guint vmp_spawn_default_timeout_ms(void)
{
	return vmp_limit_ms("VFIO_MDEV_PCI_HELPER_TIMEOUT", VMP_SPAWN_TIMEOUT_S);
}

/*
 * g_spawn_check_wait_status() would say the same, but it is GLib 2.70
 * and we build against 2.68 (RHEL 9).
 */
static gboolean check_exit(GSubprocess *proc, const char *cmdline,
			   GError **error)
{
	if (g_subprocess_get_if_exited(proc)) {
		int code = g_subprocess_get_exit_status(proc);

		if (code == 0)
			return TRUE;
		g_set_error(error, VMP_ERROR, VMP_ERROR_FAILED,
			    "'%s' failed: Child process exited with code %d",
			    cmdline, code);
		return FALSE;
	}
	g_set_error(error, VMP_ERROR, VMP_ERROR_FAILED,
		    "'%s' failed: Child process killed by signal %d",
		    cmdline, g_subprocess_get_term_sig(proc));
	return FALSE;
}

gboolean vmp_spawn_timeout(const char * const *argv, guint timeout_ms,
			   GError **error)
{
	g_autofree char *cmdline = g_strjoinv(" ", (char **)argv);
	g_autoptr(GSubprocessLauncher) launcher =
		g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
	g_autoptr(GSubprocess) proc = NULL;

	/* stdin is /dev/null: ours may be a callout or hook document. */
	g_subprocess_launcher_set_stdin_file_path(launcher, "/dev/null");
	g_subprocess_launcher_set_child_setup(launcher, own_group, NULL, NULL);
	proc = g_subprocess_launcher_spawnv(launcher, argv, error);
	if (!proc) {
		g_prefix_error(error, "Could not run '%s': ", cmdline);
		return FALSE;
	}
	if (!wait_bounded(proc, timeout_ms)) {
		g_set_error(error, VMP_ERROR, VMP_ERROR_FAILED,
			    "'%s' did not finish within %g s and was killed (helper timeout, see VFIO_MDEV_PCI_HELPER_TIMEOUT).",
			    cmdline, timeout_ms / 1000.0);
		return FALSE;
	}
	return check_exit(proc, cmdline, error);
}

gboolean vmp_spawn(const char * const *argv, GError **error)
{
	return vmp_spawn_timeout(argv, vmp_spawn_default_timeout_ms(), error);
}

char *vmp_find_program(const char *name, const char *hint, GError **error)
{
	char *path = g_find_program_in_path(name);

	if (!path)
		g_set_error(error, VMP_ERROR, VMP_ERROR_NOT_FOUND,
			    "'%s' was not found in PATH (%s).", name, hint);
	return path;
}
