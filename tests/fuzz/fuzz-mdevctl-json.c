// SPDX-License-Identifier: GPL-2.0-only
/*
 * mdevctl's JSON device config, by both ways it reaches the tool: on the
 * callout's standard input (a "pre define" event, which parses and then
 * checks type and attributes), and as a definition file under
 * /etc/mdevctl.d, read by list, the hook, start-parent and give-back.
 */
#include "fuzz-root.h"
#include "mdevdef.h"

#define PARENT "0000:01:00.0"
#define UUID "0b8e7e3e-7a4c-4c1c-9c3e-1b2a3c4d5e6f"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char * const argv[] = {
		"callout", "-t", "vfio-mdev-pci-type1", "-e", "pre", "-a", "define",
		"-s", "none", "-u", UUID, "-p", PARENT, NULL
	};
	g_autoptr(GError) error = NULL;
	g_autoptr(GError) find_error = NULL;
	g_autoptr(VmpMdevDef) def = NULL;

	/* No PCI device in the root: even a good config ends in an error. */
	g_assert_false(fuzz_run_cmd(data, size, argv, &error));
	g_assert_nonnull(error);

	fuzz_root_write("etc/mdevctl.d/" PARENT "/" UUID, data, size);
	def = vmp_mdev_def_find(UUID, &find_error);
	/* Found means: ours, and named after where it was found. */
	if (def) {
		g_assert_no_error(find_error);
		g_assert_true(vmp_mdev_type_is_ours(def->type));
		g_assert_cmpstr(def->uuid, ==, UUID);
		g_assert_cmpstr(def->parent, ==, PARENT);
	}
	return 0;
}
