/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

/*
 * What the fuzz targets share. The parsers are reached the way the tool
 * reaches them, through files under its root and through a subcommand's
 * standard input, so that the size limits and error paths around them
 * are fuzzed too. The root is a private temporary tree
 * ($VFIO_MDEV_PCI_TEST_ROOT), removed at exit.
 */

/* libFuzzer's entry point, which each target defines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Make the root (once) and return it; the tool's warnings are dropped. */
const char *fuzz_root(void);
/* Create ROOT/@rel, and its parents, holding the @size bytes of @data. */
void fuzz_root_write(const char *rel, const uint8_t *data, size_t size);
/*
 * Run subcommand @argv[0] (NULL-terminated) as main() would, with @data
 * on its standard input; its output is dropped. The error, if any, in
 * @error.
 */
gboolean fuzz_run_cmd(const uint8_t *data, size_t size,
		      const char * const *argv, GError **error);
