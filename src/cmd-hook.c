// SPDX-License-Identifier: GPL-2.0-only
/*
 * libvirt qemu hook (/etc/libvirt/hooks/qemu.d/): libvirt runs it as
 *   HOOK DOMAIN OPERATION SUB-OPERATION EXTRA
 * with the domain XML on stdin. On "prepare begin" we start the inactive
 * persistent mdevs of our type that the domain uses, and record them in
 * /run/vfio-mdev-pci/hook/DOMAIN; on "release end" we stop what we
 * started, unless another domain's record holds it now.
 *
 * A record lists the mdevs the hook started that the domain holds: those
 * it started for this domain, and active ones another domain's record
 * lists (the hook started them for that one; a domain can be prepared
 * while another still holds the mdev, and libvirt's own checks decide
 * whether both may run). The last domain to release an mdev stops it;
 * an mdev started by hand is never in a record, so never stopped. Every
 * read and write of the records is under the "hook" lock (lock.h), so
 * two domains' hooks do not interleave; the devices themselves are
 * serialized by mdevctl's callout, which takes the device lock. A hook must never call back into libvirt (virsh): libvirtd
 * waits for the hook, so that would deadlock. Only a failure on "prepare
 * begin" is an error: it stops the domain from starting, which is what we
 * want; anywhere else a non-zero exit only produces noise.
 */
#include <errno.h>
#include <glib/gstdio.h>

#include "cmd.h"
#include "error.h"
#include "lock.h"
#include "mdevctl.h"
#include "mdevdef.h"
#include "pci.h"
#include "root.h"
#include "sysfs.h"
#include "validate.h"
#include "xml.h"

#define MDEV_UUIDS "/domain/devices/hostdev[@type='mdev']/source/address/@uuid"

static char *record_path(const char *domain)
{
	return vmp_path("run/vfio-mdev-pci/hook/%s", domain);
}

/* Does the record of a domain other than @self list @uuid? */
static gboolean held_by_other(const char *uuid, const char *self)
{
	g_autofree char *dir = vmp_path("run/vfio-mdev-pci/hook");
	g_autoptr(GPtrArray) domains = vmp_sysfs_list_dir(dir);

	for (guint i = 0; i < domains->len; i++) {
		const char *domain = g_ptr_array_index(domains, i);
		g_autofree char *path = NULL;
		g_autofree char *lines = NULL;
		g_auto(GStrv) uuids = NULL;

		if (g_str_equal(domain, self) || !vmp_check_domain_name(domain, NULL))
			continue;
		path = record_path(domain);
		if (!g_file_get_contents(path, &lines, NULL, NULL))
			continue;
		uuids = g_strsplit(lines, "\n", -1);
		if (g_strv_contains((const char * const *)uuids, uuid))
			return TRUE;
	}
	return FALSE;
}

/*
 * Our persistent, inactive mdevs among the domain's mdev hostdevs, to
 * start; in @shared, the active ones another domain's record holds.
 */
static GPtrArray *wanted_mdevs(xmlDoc *doc, const char *domain,
			       GString *shared, GError **error)
{
	g_autoptr(GPtrArray) uuids = vmp_xml_strings(doc, MDEV_UUIDS, error);
	g_autoptr(GPtrArray) defs =
		g_ptr_array_new_with_free_func((GDestroyNotify)vmp_mdev_def_free);

	if (!uuids)
		return NULL;
	for (guint i = 0; i < uuids->len; i++) {
		/* libvirt accepts any case; sysfs and mdevctl use lowercase. */
		g_autofree char *uuid = g_ascii_strdown(g_ptr_array_index(uuids, i), -1);
		g_autoptr(GError) local = NULL;
		VmpMdevDef *def;

		if (!vmp_check_uuid(uuid, error))
			return NULL;
		if (vmp_mdev_is_active(uuid)) {
			if (held_by_other(uuid, domain))
				g_string_append_printf(shared, "%s\n", uuid);
			continue;
		}
		def = vmp_mdev_def_find(uuid, &local);
		if (local) {
			g_propagate_error(error, g_steal_pointer(&local));
			return NULL;
		}
		if (def)
			g_ptr_array_add(defs, def);
	}
	return g_steal_pointer(&defs);
}

static gboolean write_record(const char *domain, GString *started,
			     GError **error)
{
	g_autofree char *path = record_path(domain);
	g_autofree char *dir = g_path_get_dirname(path);

	if (g_mkdir_with_parents(dir, 0755) < 0) {
		g_set_error(error, VMP_ERROR, VMP_ERROR_FAILED,
			    "Could not create %s: %s.", dir, g_strerror(errno));
		return FALSE;
	}
	return g_file_set_contents(path, started->str, started->len, error);
}

/* Stop each UUID listed in @lines that is still active; best effort. */
static void stop_all(const char *lines)
{
	g_auto(GStrv) uuids = g_strsplit(lines, "\n", -1);

	for (guint i = 0; uuids[i]; i++) {
		if (vmp_uuid_is_valid(uuids[i]) && vmp_mdev_is_active(uuids[i]))
			vmp_mdevctl(NULL, "stop", "-u", uuids[i], NULL);
	}
}

static gboolean prepare_begin(VmpIo *io, const char *domain, GError **error)
{
	g_autoptr(GString) started = g_string_new(NULL);
	g_autoptr(GString) shared = g_string_new(NULL);
	g_autoptr(GPtrArray) defs = NULL;
	g_autoptr(VmpLock) lock = NULL;
	g_autoptr(xmlDoc) doc = NULL;
	g_autofree char *xml = NULL;
	gsize len = 0;

	xml = vmp_read_all(io->in, &len, error);
	if (!xml)
		return FALSE;
	doc = vmp_xml_parse(xml, len, "The domain XML", error);
	if (!doc)
		return FALSE;
	lock = vmp_lock("hook", error);
	if (!lock)
		return FALSE;
	defs = wanted_mdevs(doc, domain, shared, error);
	if (!defs)
		return FALSE;
	for (guint i = 0; i < defs->len; i++) {
		VmpMdevDef *def = g_ptr_array_index(defs, i);

		if (!vmp_mdevctl_start(def->parent, def->uuid, error)) {
			/* All or nothing: the domain will not start. */
			stop_all(started->str);
			return FALSE;
		}
		g_string_append_printf(started, "%s\n", def->uuid);
	}
	g_string_append(shared, started->str);
	if (shared->len == 0)
		return TRUE;
	/* On failure, stop only what this run started. */
	if (!write_record(domain, shared, error)) {
		stop_all(started->str);
		return FALSE;
	}
	return TRUE;
}

static gboolean release_end(const char *domain)
{
	g_autofree char *path = record_path(domain);
	g_autoptr(GString) ours = g_string_new(NULL);
	g_autoptr(VmpLock) lock = vmp_lock("hook", NULL);
	g_autofree char *lines = NULL;
	g_auto(GStrv) uuids = NULL;

	if (!lock || !g_file_get_contents(path, &lines, NULL, NULL))
		return TRUE;
	g_unlink(path);
	/* Only what no other domain's record holds now. */
	uuids = g_strsplit(lines, "\n", -1);
	for (guint i = 0; uuids[i]; i++) {
		if (vmp_uuid_is_valid(uuids[i]) && !held_by_other(uuids[i], domain))
			g_string_append_printf(ours, "%s\n", uuids[i]);
	}
	stop_all(ours->str);
	return TRUE;
}

gboolean vmp_cmd_hook(VmpIo *io, int argc, char **argv, GError **error)
{
	const char *domain;
	const char *op;
	const char *sub;

	/* libvirt's arguments are positional; "-" is a real value for EXTRA. */
	if (argc != 5) {
		g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
			    "Wrong number of arguments; usage: hook DOMAIN OPERATION SUB-OPERATION EXTRA.");
		return FALSE;
	}
	domain = argv[1];
	op = argv[2];
	sub = argv[3];
	if (g_str_equal(op, "prepare") && g_str_equal(sub, "begin")) {
		if (!vmp_check_domain_name(domain, error) ||
		    !prepare_begin(io, domain, error)) {
			g_prefix_error(error, "Domain '%s': ", domain);
			return FALSE;
		}
		return TRUE;
	}
	if (g_str_equal(op, "release") && g_str_equal(sub, "end") &&
	    vmp_check_domain_name(domain, NULL))
		return release_end(domain);
	return TRUE;
}
