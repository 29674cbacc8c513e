// SPDX-License-Identifier: GPL-2.0-only
/*
 * The libvirt domain XML, as the qemu hook reads it on "prepare begin":
 * standard input with its size limit, our libxml2 settings (no DTD, no
 * network), the XPath to the mdev hostdevs and the UUID checks. One mdev
 * in the root is active and held by another domain's record, so that a
 * document naming it also takes the path that writes a record.
 */
#include <string.h>

#include "fuzz-root.h"

#define HELD "1c9f8f4f-8b5d-4d2d-8d4f-2c3b4d5e6f70"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char * const argv[] = {
		"hook", "vm1", "prepare", "begin", "-", NULL
	};
	static const char record[] = HELD "\n";
	static gboolean ready;
	g_autoptr(GError) error = NULL;

	if (!ready) {
		fuzz_root_write("sys/bus/mdev/devices/" HELD "/uevent",
				(const uint8_t *)"", 0);
		fuzz_root_write("run/vfio-mdev-pci/hook/vm2",
				(const uint8_t *)record, strlen(record));
		ready = TRUE;
	}
	/*
	 * Nothing is defined in the root, so nothing is started: success or
	 * an error, never a crash.
	 */
	if (!fuzz_run_cmd(data, size, argv, &error))
		g_assert_nonnull(error);
	return 0;
}
