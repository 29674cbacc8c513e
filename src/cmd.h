/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

/*
 * @argv is a heap-allocated string vector (GStrv) that option parsing may
 * shorten; argv[0] is the subcommand's name. A subcommand reads its input from @in (stdin in main), appends what it
 * has to say to @out and returns; main() prints @out on success or the
 * error, and picks the exit status. The tests call the same handlers with
 * memory streams.
 *
 * @status is the exit status of a success, 0 unless the command sets it:
 * doctor prints its findings and still exits 1 when a device cannot be
 * wrapped, which a failure (the error printed, nothing else) cannot say.
 */
typedef struct {
	GInputStream *in;
	GString *out;
	int status;
} VmpIo;

typedef gboolean (*VmpCmdFunc)(VmpIo *io, int argc, char **argv,
			       GError **error);

typedef struct {
	const char *name;
	VmpCmdFunc func;
	const char *summary;
} VmpCmd;

extern const VmpCmd vmp_commands[];

/* Parse @argv (a GStrv) with @entries, update @argc; @usage is for --help. */
gboolean vmp_cmd_parse(const char *usage, const char *summary,
		       const GOptionEntry *entries, int *argc, char ***argv,
		       GError **error);
/* Exactly @n positional arguments must remain after the name. */
gboolean vmp_cmd_want_args(int argc, int n, const char *usage, GError **error);
/* Append the document built in @b to @out, pretty-printed. */
void vmp_append_json(GString *out, JsonBuilder *b);
/* Member @name of the object being built: @value, or null if NULL. */
void vmp_json_add_nullable(JsonBuilder *b, const char *name, const char *value);
/*
 * Member @name: an array of {name, status, detail} for each check of
 * @checks (VmpWrapCheck), or for the failed ones only: doctor's checks,
 * list's refusals.
 */
void vmp_json_add_checks(JsonBuilder *b, const char *name, GPtrArray *checks,
			 gboolean failed_only);
/* The whole of @in as a string; more than VMP_INPUT_MAX bytes is an error. */
#define VMP_INPUT_MAX (4u * 1024 * 1024)
char *vmp_read_all(GInputStream *in, gsize *len, GError **error);

gboolean vmp_cmd_list(VmpIo *io, int argc, char **argv, GError **error);
gboolean vmp_cmd_bind(VmpIo *io, int argc, char **argv, GError **error);
gboolean vmp_cmd_unbind(VmpIo *io, int argc, char **argv, GError **error);
gboolean vmp_cmd_release_all(VmpIo *io, int argc, char **argv, GError **error);
gboolean vmp_cmd_define(VmpIo *io, int argc, char **argv, GError **error);
gboolean vmp_cmd_udev_add(VmpIo *io, int argc, char **argv, GError **error);
gboolean vmp_cmd_start_parent(VmpIo *io, int argc, char **argv, GError **error);
gboolean vmp_cmd_callout(VmpIo *io, int argc, char **argv, GError **error);
gboolean vmp_cmd_config(VmpIo *io, int argc, char **argv, GError **error);
gboolean vmp_cmd_hostdev_xml(VmpIo *io, int argc, char **argv, GError **error);
gboolean vmp_cmd_nodedev_xml(VmpIo *io, int argc, char **argv, GError **error);
gboolean vmp_cmd_validate(VmpIo *io, int argc, char **argv, GError **error);
gboolean vmp_cmd_hook(VmpIo *io, int argc, char **argv, GError **error);
gboolean vmp_cmd_doctor(VmpIo *io, int argc, char **argv, GError **error);
